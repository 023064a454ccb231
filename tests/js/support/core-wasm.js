// Stands in for 'rtcmc-core-wasm' (the bundle's embedded core, scripts/embed-wasm.mjs) when
// Jest imports the facade itself (jest.config.js maps the name here): the Node build's wasm,
// deflated and base64-encoded as web/loader.js expects it.
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';

const wasm = readFileSync(new URL('../../../build/wasm/bindings/rtcmc_core.wasm', import.meta.url));
export default deflateRawSync(wasm).toString('base64');
