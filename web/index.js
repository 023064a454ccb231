// ES module entry of the npm package.
import { getDetectRTC } from './detect-rtc.js';

export { RTCMultiConnection } from './RTCMultiConnection.js';
export { RTCDirection, RTCSession } from './enums.js';
export { RTCMultiConnectionError } from './errors.js';
// v1.8's DetectRTC: the same object as every connection.DetectRTC.
export const DetectRTC = getDetectRTC();
