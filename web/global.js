// Script-tag entry (dist/RTCMultiConnection.js): the three upstream globals.
import { RTCMultiConnection } from './RTCMultiConnection.js';
import { RTCDirection, RTCSession } from './enums.js';

window.RTCMultiConnection = RTCMultiConnection;
window.RTCDirection = RTCDirection;
window.RTCSession = RTCSession;
