// Script-tag entry (dist/RTCMultiConnection.js): upstream's globals.
import { RTCMultiConnection } from './RTCMultiConnection.js';
import { RTCDirection, RTCSession } from './enums.js';
import { getDetectRTC } from './detect-rtc.js';

window.RTCMultiConnection = RTCMultiConnection;
// v1.8's DetectRTC came with the library: the same object as every connection.DetectRTC.
window.DetectRTC = getDetectRTC();
window.RTCDirection = RTCDirection;
window.RTCSession = RTCSession;
// v1.2-v1.5 defined `moz` (is this Firefox?) as a global, and their demos read it
// (`!moz ? 'stun:...' : ...` in v1.4's chrome-to-firefox-screen-sharing.html): without it
// such a page stops at a ReferenceError. A page's own `moz` wins.
if (!('moz' in window)) window.moz = !!navigator.mozGetUserMedia;
