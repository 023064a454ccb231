// The default signaling: socket.io to our server (server/, docs/server.md), which keeps rooms.
// Requests are acknowledged; room events and relayed peer messages come back as callbacks.
// The socket.io client is our own (socketio-client.js): WebSocket only, a fraction of the size.
// What the server sends is read with quoted names so that Closure ADVANCED keeps them.
import { SocketIoClient } from './socketio-client.js';

// Server events the engine follows (Engine::serverEvent).
export const SERVER_EVENTS = [
    'member-joined',
    'member-left',
    'owner-changed',
    'ejected',
    'room-closed',
    'extra-updated',
    'user-status',
    'room-list',
];

const REQUEST_TIMEOUT_MS = 10000;

export class SocketIoChannel {
    // handlers: {onServerEvent(name, payload), onRelay(from, data), onError(error), onConnect(userid)}
    constructor({ url, userid, extra, options }, handlers) {
        this.authority = 'server';
        this.handlers = handlers;
        this.roomid = '';
        this.requestTimeoutMs = (options && options['ackTimeout']) || REQUEST_TIMEOUT_MS;
        this.socket = new SocketIoClient(url, { ...(options || {}), 'auth': { 'userid': userid, 'extra': extra } });
        this.socket.on('connect', () => handlers.onConnect && handlers.onConnect());
        this.socket.on('connect_error', (error) => {
            const data = isObject(error.data) ? error.data : {};
            const code = data['code'] || 'SIGNALING_UNREACHABLE';
            const message = data['message'] || `cannot reach the signaling server at ${url || location.origin}: ${error.message}`;
            // A refusal (USERID_TAKEN...) has already stopped the client: retrying cannot help.
            handlers.onError(code, message);
        });
        this.socket.on('relay', (message) => {
            if (isObject(message) && typeof message['data'] === 'string' && typeof message['from'] === 'string') {
                handlers.onRelay(message['from'], message['data']);
            }
        });
        this.socket.on('error-event', (error) => {
            const data = isObject(error) ? error : {};
            handlers.onError(data['code'] || 'SERVER_ERROR', data['message'] || 'the signaling server reported an error');
        });
        this.socket.on('server-shutdown', () => {
            handlers.onError('SERVER_SHUTDOWN', 'the signaling server is shutting down');
        });
        for (const name of SERVER_EVENTS) {
            this.socket.on(name, (payload) => handlers.onServerEvent(name, payload));
        }
    }

    // Resolves with the server's acknowledgement ({ok, ...}), or a failure: TIMEOUT when no
    // answer came in time, DISCONNECTED when the connection was lost first.
    request(name, payload) {
        const timeoutMs = this.requestTimeoutMs;
        return this.socket.emitWithAck(name, [payload], timeoutMs).catch((error) => {
            const message =
                error.code === 'TIMEOUT'
                    ? `the signaling server did not answer '${name}' within ${timeoutMs / 1000} s`
                    : `the signaling connection was lost before the server answered '${name}'`;
            return { 'ok': false, 'error': { 'code': error.code || 'DISCONNECTED', 'message': message } };
        });
    }

    // A peer message from the engine: to one room-mate, or to all of them.
    send(to, text) {
        const message = { 'roomid': this.roomid, 'data': text };
        if (to) message['to'] = to;
        this.socket.emit('relay', message);
    }

    close() {
        this.socket.listeners.clear();
        this.socket.close();
    }
}

function isObject(value) {
    return typeof value === 'object' && value !== null;
}
