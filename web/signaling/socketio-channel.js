// The default signaling: socket.io to our server (server/, docs/server.md), which keeps rooms.
// Requests are acknowledged; room events and relayed peer messages come back as callbacks.
import { io } from 'socket.io-client';

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
        this.socket = io(url || undefined, {
            ...(options || {}),
            auth: { userid, extra },
            // One instance per RTCMultiConnection: never share a page-wide Manager.
            forceNew: true,
        });
        this.socket.on('connect', () => handlers.onConnect && handlers.onConnect());
        this.socket.on('connect_error', (error) => {
            const code = (error && error.data && error.data.code) || 'SIGNALING_UNREACHABLE';
            const message =
                (error && error.data && error.data.message) ||
                `cannot reach the signaling server at ${url || location.origin}: ${error && error.message}`;
            handlers.onError(code, message);
            if (code === 'USERID_TAKEN') this.socket.disconnect(); // retrying cannot help
        });
        this.socket.on('relay', (message) => {
            if (message && typeof message.data === 'string' && typeof message.from === 'string') {
                handlers.onRelay(message.from, message.data);
            }
        });
        this.socket.on('error-event', (error) => {
            handlers.onError((error && error.code) || 'SERVER_ERROR', (error && error.message) || 'the signaling server reported an error');
        });
        this.socket.on('server-shutdown', () => {
            handlers.onError('SERVER_SHUTDOWN', 'the signaling server is shutting down');
        });
        for (const name of SERVER_EVENTS) {
            this.socket.on(name, (payload) => handlers.onServerEvent(name, payload));
        }
    }

    // Resolves with the server's acknowledgement ({ok, ...}), or a TIMEOUT failure.
    request(name, payload) {
        return new Promise((resolve) => {
            this.socket
                .timeout(REQUEST_TIMEOUT_MS)
                .emit(name, payload, (error, reply) => {
                    if (error) {
                        resolve({ ok: false, error: { code: 'TIMEOUT', message: `the signaling server did not answer '${name}' within ${REQUEST_TIMEOUT_MS / 1000} s` } });
                    } else {
                        resolve(reply);
                    }
                });
        });
    }

    // A peer message from the engine: to one room-mate, or to all of them.
    send(to, text) {
        const message = { roomid: this.roomid, data: text };
        if (to) message.to = to;
        this.socket.emit('relay', message);
    }

    close() {
        this.socket.removeAllListeners();
        this.socket.disconnect();
    }
}
