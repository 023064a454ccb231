// Loads the wasm core once per page. Every RTCMultiConnection awaits the same promise, so calls
// made before the core is ready are queued, never lost. `rtcmc-core-module` is mapped by the
// bundler (scripts/build-web.sh) to the Emscripten factory; Node tests map it to the build.
import createRtcmcCore from 'rtcmc-core-module';

let corePromise = null;

export function loadCore(options = {}) {
    if (!corePromise) {
        corePromise = new Promise((resolve, reject) => {
            // Quoted keys survive Closure's renaming (../shared/TOOLCHAIN.md).
            const settings = Object.assign({}, options, {
                'onAbort': (what) => reject(new Error('the wasm core failed to start: ' + what)),
            });
            createRtcmcCore(settings).then(resolve, reject);
        });
    }
    return corePromise;
}
