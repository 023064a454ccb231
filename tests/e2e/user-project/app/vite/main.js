import { RTCMultiConnection } from 'rtcmulticonnection-wasm';
import { startChat } from '../chat.js';

startChat(RTCMultiConnection);
