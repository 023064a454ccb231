// Script-tag entry (dist/RTCMultiConnection.js): upstream's globals.
import { RTCMultiConnection } from './RTCMultiConnection.js';
import { RTCDirection, RTCSession } from './enums.js';
import { getDetectRTC } from './detect-rtc.js';

window.RTCMultiConnection = RTCMultiConnection;
// v1.8's DetectRTC came with the library: the same object as every connection.DetectRTC.
window.DetectRTC = getDetectRTC();
window.RTCDirection = RTCDirection;
window.RTCSession = RTCSession;
