// Loads the wasm core once per page. Every RTCMultiConnection awaits the same promise, so calls
// made before the core is ready are queued, never lost. The bundler (scripts/build-web.sh) maps
// `rtcmc-core-module` to the Emscripten factory and `rtcmc-core-wasm` to the wasm bytes,
// deflated and base64-encoded (scripts/embed-wasm.mjs), so the page fetches nothing else.
import createRtcmcCore from 'rtcmc-core-module';

let corePromise = null;
// The wasm bytes are handed over by the entry module (web/global.js, web/index.js) in its last
// statement, so that the bundle ends with them rather than holding them between two parts of
// the code: gzip then compresses the page 1.2 KB smaller (issue 11). Pages run the whole
// script before they can make a connection, so the bytes are there before loadCore() runs.
let embeddedWasm = null;

export function provideEmbeddedWasm(base64) {
    embeddedWasm = base64;
}

async function inflate(base64) {
    const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function loadCore(options = {}) {
    if (!corePromise) {
        if (embeddedWasm === null) return Promise.reject(new Error('the wasm core is not in this build'));
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
