// A page with a typo in an event name: the package's types must catch it (`tsc` fails).
import { RTCMultiConnection } from 'rtcmulticonnection-wasm';

const connection = new RTCMultiConnection();
connection.onstrem = function () {};
