// Script-tag entry (dist/RTCMultiConnection.js): upstream's globals.
import { RTCMultiConnection } from './RTCMultiConnection.js';
import { RTCDirection, RTCSession } from './enums.js';
import { getDetectRTC } from './detect-rtc.js';
import { provideEmbeddedWasm } from './loader.js';
// The last import, so that the bundler puts the wasm bytes after all the code (web/loader.js).
import embeddedWasm from 'rtcmc-core-wasm';

window.RTCMultiConnection = RTCMultiConnection;
// v1.8's DetectRTC came with the library: the same object as every connection.DetectRTC.
window.DetectRTC = getDetectRTC();
window.RTCDirection = RTCDirection;
window.RTCSession = RTCSession;
// v1.2-v1.5 defined `moz` (is this Firefox?) as a global, and their demos read it
// (`!moz ? 'stun:...' : ...` in v1.4's chrome-to-firefox-screen-sharing.html): without it
// such a page stops at a ReferenceError. A page's own `moz` wins.
if (!('moz' in window)) window.moz = !!navigator.mozGetUserMedia;
// Last: see web/loader.js.
provideEmbeddedWasm(embeddedWasm);
