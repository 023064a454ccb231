// ES module entry of the npm package.
import { getDetectRTC } from './detect-rtc.js';

export { RTCMultiConnection } from './RTCMultiConnection.js';
export { RTCDirection, RTCSession } from './enums.js';
export { RTCMultiConnectionError } from './errors.js';
import { provideEmbeddedWasm } from './loader.js';
// The last import, so that the bundler puts the wasm bytes after all the code (web/loader.js).
import embeddedWasm from 'rtcmc-core-wasm';
// v1.8's DetectRTC: the same object as every connection.DetectRTC.
export const DetectRTC = getDetectRTC();
// Last: see web/loader.js.
provideEmbeddedWasm(embeddedWasm);
