// ES module entry of the npm package.
export { RTCMultiConnection } from './RTCMultiConnection.js';
export { RTCDirection, RTCSession } from './enums.js';
export { RTCMultiConnectionError } from './errors.js';
