// Loads the built embind module (build/wasm/bindings/rtcmc_core.js) in Node. The wasm bytes are
// read from disk and handed over as wasmBinary: Node 20's global fetch cannot load a file path
// (../shared/TOOLCHAIN.md).
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const moduleDir = path.join(root, 'build/wasm/bindings');

let corePromise;

export function loadCore() {
    if (!corePromise) {
        const jsPath = path.join(moduleDir, 'rtcmc_core.js');
        if (!existsSync(jsPath)) {
            throw new Error(`${jsPath} is missing: run "npm run build:wasm" first`);
        }
        const createRtcmcCore = createRequire(import.meta.url)(jsPath);
        const wasmBinary = readFileSync(path.join(moduleDir, 'rtcmc_core.wasm'));
        corePromise = createRtcmcCore({ wasmBinary });
    }
    return corePromise;
}
