// Loads the wasm core once per page. Every RTCMultiConnection awaits the same promise, so calls
// made before the core is ready are queued, never lost. The bundler (scripts/build-web.sh) maps
// `rtcmc-core-module` to the Emscripten factory and `rtcmc-core-wasm` to the wasm bytes,
// deflated and base64-encoded (scripts/embed-wasm.mjs), so the page fetches nothing else.
import createRtcmcCore from 'rtcmc-core-module';
import embeddedWasm from 'rtcmc-core-wasm';

let corePromise = null;

async function inflate(base64) {
    const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function loadCore(options = {}) {
    if (!corePromise) {
        corePromise = inflate(embeddedWasm).then(
            (wasmBinary) =>
                new Promise((resolve, reject) => {
                    // Quoted keys survive Closure's renaming (../shared/TOOLCHAIN.md).
                    const settings = Object.assign({}, options, {
                        'wasmBinary': wasmBinary,
                        'onAbort': (what) => reject(new Error('the wasm core failed to start: ' + what)),
                    });
                    createRtcmcCore(settings).then(resolve, reject);
                }),
        );
    }
    return corePromise;
}
