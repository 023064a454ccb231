// The default signaling: socket.io to our server (server/, docs/server.md), which keeps rooms.
// Requests are acknowledged; room events and relayed peer messages come back as callbacks.
// The socket.io client is our own (socketio-client.js): WebSocket only, a fraction of the size.
// What the server sends is read with quoted names so that Closure ADVANCED keeps them.
import { SocketIoClient } from './socketio-client.js';
import { ServerIceServers } from './server-ice-servers.js';

// Server events the engine follows (Engine::serverEvent).
export const SERVER_EVENTS = [
    'member-joined',
    'member-left',
    'owner-changed',
    'ejected',
    'room-closed',
    'extra-updated',
    'user-status',
    'member-resumed',
    'room-list',
];

const REQUEST_TIMEOUT_MS = 10000;

// How long a reconnection whose resume token is refused (USERID_TAKEN) keeps trying. The
// token is stale when the welcome of a connection that resumed or replaced ours never
// reached us; the server lets that connection go after its ping timeout (25 s + 20 s by
// default), and the userid is ours again.
const RESUME_REFUSED_RETRY_MS = 60000;


export class SocketIoChannel {
    // handlers: {onServerEvent(name, payload), onRelay(from, data), onError(error), onConnect(userid),
    //            onIceServers(servers), onSfu(roomid, frame), onSfuStatus(roomid, status)}
    //
    // Resume (docs/server.md, "Resuming"): each `welcome` carries a secret resumeToken; the
    // automatic reconnections of this channel present the last one as `auth.resume`, so that
    // the server hands the userid and its room memberships over to the new connection even
    // while it still believes the old one is alive. A new channel (a new RTCMultiConnection)
    // starts without a token. Every welcome goes to the engine as the server event `welcome`
    // ({resumed, rooms}, without the token): the core decides whether its session survived
    // (Engine::onWelcome). A refused resume is retried for a while (below), and a connection
    // refused with STORE_UNAVAILABLE (the server's Redis is out) until it gets in.
    constructor({ url, userid, extra, options }, handlers) {
        this.authority = 'server';
        this.handlers = handlers;
        this.requestTimeoutMs = (options && options['ackTimeout']) || REQUEST_TIMEOUT_MS;
        this.userid = userid;
        this.extra = extra;
        this.resumeToken = null;
        // TURN servers with credentials, when the server issues them (welcome, then renewed).
        this.serverIceServers = new ServerIceServers(
            (name, payload) => this.request(name, payload),
            (servers) => handlers.onIceServers && handlers.onIceServers(servers),
        );
        const auth = (send) => {
            const payload = { 'userid': this.userid, 'extra': this.extra };
            if (this.resumeToken) payload['resume'] = this.resumeToken;
            send(payload);
        };
        this.resumeRefusedSince = null;
        const retryRefused = (error) => {
            const code = isObject(error.data) ? error.data['code'] : error.message;
            // The server's shared store (Redis) is out for a moment: it asks to come back.
            if (code === 'STORE_UNAVAILABLE') return true;
            if (code !== 'USERID_TAKEN' || !this.resumeToken) return false;
            if (this.resumeRefusedSince === null) this.resumeRefusedSince = Date.now();
            return Date.now() - this.resumeRefusedSince < RESUME_REFUSED_RETRY_MS;
        };
        this.socket = new SocketIoClient(url, { ...(options || {}), 'auth': auth, 'retryRefused': retryRefused });
        this.socket.on('welcome', (welcome) => this.onWelcome(isObject(welcome) ? welcome : {}));
        this.socket.on('connect', () => handlers.onConnect && handlers.onConnect());
        this.socket.on('connect_error', (error) => {
            // A refused resume being retried (see RESUME_REFUSED_RETRY_MS) is not news yet.
            if (error.retrying) return;
            // Nor is a server that cannot be reached while the channel reconnects a session it
            // had (the server restarting): peer links carry on, and the page hears how it ends,
            // a session resumed or SESSION_LOST (Engine::onWelcome). Only a first connection
            // that fails is reported.
            if (error.code === 'SIGNALING_UNREACHABLE' && this.resumeToken && !this.socket.closed) return;
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
        // A request or relay the server refused without an ack to answer: the core decides what
        // the page hears of it (Engine::onServerErrorEvent; a relay refused because the join
        // was refused or the stay ended is already told).
        this.socket.on('error-event', (error) => handlers.onServerEvent('error-event', isObject(error) ? error : {}));
        this.socket.on('server-shutdown', () => {
            handlers.onError('SERVER_SHUTDOWN', 'the signaling server is shutting down');
        });
        // Janus frames of an SFU room, forwarded by the server (docs/sfu-broker.md), and its
        // news of Janus ('gone', 'back', 'refused').
        this.socket.on('sfu', (message) => {
            if (isObject(message) && typeof message['frame'] === 'string' && handlers.onSfu) handlers.onSfu(message['roomid'], message['frame']);
        });
        this.socket.on('sfu-status', (message) => {
            if (isObject(message) && handlers.onSfuStatus) handlers.onSfuStatus(message['roomid'], message['status'], message['reason']);
        });
        for (const name of SERVER_EVENTS) {
            this.socket.on(name, (payload) => handlers.onServerEvent(name, payload));
        }
    }

    onWelcome(welcome) {
        this.resumeRefusedSince = null;
        const token = welcome['resumeToken'];
        if (typeof token === 'string' && token) this.resumeToken = token;
        // The server's userid is the one to resume with (it may have drawn a random one).
        if (typeof welcome['userid'] === 'string') this.userid = welcome['userid'];
        // Before the engine hears of the welcome: links it makes next use these servers.
        this.serverIceServers.accept(welcome['turn']);
        this.handlers.onServerEvent('welcome', {
            'resumed': welcome['resumed'] === true,
            'rooms': Array.isArray(welcome['rooms']) ? welcome['rooms'] : [],
        });
    }

    // Resolves with the server's acknowledgement ({ok, ...}), or a failure: TIMEOUT when no
    // answer came in time, DISCONNECTED when the connection was lost first.
    request(name, payload) {
        const timeoutMs = this.requestTimeoutMs;
        return this.socket.emitWithAck(name, [payload], timeoutMs).then(
            (reply) => {
                // The extra to present again when reconnecting.
                if (name === 'update-extra' && isObject(reply) && reply['ok'] === true && isObject(payload)) this.extra = payload['extra'];
                return reply;
            },
            (error) => {
                const message =
                    error.code === 'TIMEOUT'
                        ? `the signaling server did not answer '${name}' within ${timeoutMs / 1000} s`
                        : `the signaling connection was lost before the server answered '${name}'`;
                return { 'ok': false, 'error': { 'code': error.code || 'DISCONNECTED', 'message': message } };
            },
        );
    }

    // A peer message from the engine: to one room-mate, or to all of them, in the room the
    // engine names (the room it joined, whatever connection.sessionid says by now).
    send(to, text, roomid) {
        const message = { 'roomid': roomid, 'data': text };
        if (to) message['to'] = to;
        this.socket.emit('relay', message);
    }

    // A frame for the room's Janus, through the server (which checks and forwards it).
    sendSfu(roomid, frame) {
        this.socket.emit('sfu', { 'roomid': roomid, 'frame': frame });
    }

    // The ICE servers the server issued (with live credentials), or null when it issues none.
    iceServers() {
        return this.serverIceServers.current();
    }

    close() {
        this.serverIceServers.close();
        this.socket.listeners.clear();
        this.socket.close();
    }
}

function isObject(value) {
    return typeof value === 'object' && value !== null;
}
