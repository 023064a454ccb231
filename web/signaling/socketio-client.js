// A small socket.io client for our signaling server (server/, socket.io 4.x), written from the
// Engine.IO v4 and Socket.IO v5 protocol documents. What the library needs and no more:
// WebSocket transport only, one namespace, CONNECT with an `auth` payload, events, acks
// with a timeout each, the server's heartbeat, and reconnection with backoff when the
// connection drops. The encodings live in socketio-wire.js.
//
//   const client = new SocketIoClient(url, {auth, path, query, reconnection, ...});
//   (auth: an object, or as in socket.io-client a function `(send) => send(object)` called
//   at every connection attempt, so that a reconnection can present something new.)
//   client.on('connect' | 'connect_error' | 'disconnect' | <server event>, listener);
//   client.emit(name, ...args);  await client.emitWithAck(name, args, timeoutMs);
//   client.close();
//
// Emits made before the connection (or while reconnecting) wait and go out once connected.
// Server events that arrive with no listener are dropped, as socket.io does; the socket opens
// asynchronously, so listeners attached in the same task as the constructor see every event.
//
// Options are read with quoted names: they come from users (`connection.socketOptions`), and
// Closure's ADVANCED mode must not rename them.
import { decodeEngine, decodeSocket, encodeEngine, encodeSocket, ENGINE, parseHandshake, SOCKET } from './socketio-wire.js';

const DEFAULTS = {
    path: '/socket.io',
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 1000, // first retry after about this long, then doubling...
    reconnectionDelayMax: 5000, // ...up to this
    randomizationFactor: 0.5, // each delay is spread by ±50% so that clients do not retry in step
    timeout: 20000, // from opening the WebSocket to the namespace's CONNECT
};

// Names the client emits itself: a server event of the same name is not passed on.
const RESERVED_EVENTS = new Set(['connect', 'connect_error', 'disconnect']);

export class SocketIoClient {
    // url: the server ('http(s)://host[:port][/namespace]'), or empty for the page's own.
    // options.WebSocket: the WebSocket class to use; only Node tests pass one (Node 20 has none).
    constructor(url, options = {}) {
        const setting = (name) => (options[name] !== undefined ? options[name] : DEFAULTS[name]);
        const target = webSocketTarget(url, setting('path'), options['query']);
        this.webSocketUrl = target.url;
        this.namespace = target.namespace;
        this.auth = options['auth'];
        this.WebSocketClass = options['WebSocket'] || globalThis.WebSocket;
        this.reconnection = setting('reconnection') !== false;
        this.reconnectionAttempts = setting('reconnectionAttempts');
        this.reconnectionDelay = setting('reconnectionDelay');
        this.reconnectionDelayMax = setting('reconnectionDelayMax');
        this.randomizationFactor = setting('randomizationFactor');
        this.connectTimeout = setting('timeout');
        // (error) => boolean: whether a refused CONNECT may be retried after all (the
        // channel's resume, socketio-channel.js). Without it every refusal is final.
        this.retryRefused = options['retryRefused'];

        this.listeners = new Map(); // event name -> Set of listeners
        this.outbox = []; // frames emitted while not connected
        this.pendingAcks = new Map(); // ack id -> {settle(error, reply), timer, sent}
        this.nextAckId = 0;
        this.connected = false;
        this.closed = false; // by close(), or after the server refused or dismissed us
        this.failedAttempts = 0;
        this.webSocket = null;
        this.heartbeatTimer = null;
        this.connectTimer = null;
        this.reconnectTimer = null;
        this.open();
    }

    on(event, listener) {
        if (!this.listeners.has(event)) this.listeners.set(event, new Set());
        this.listeners.get(event).add(listener);
        return this;
    }

    off(event, listener) {
        if (listener) this.listeners.get(event)?.delete(listener);
        else this.listeners.delete(event);
        return this;
    }

    emit(event, ...args) {
        this.sendPacket({ type: SOCKET.EVENT, nsp: this.namespace, data: [event, ...args] });
    }

    // Resolves with the server's first ack argument; rejects with an Error whose `code` is
    // TIMEOUT (no answer within timeoutMs) or DISCONNECTED (the connection was lost after the
    // request went out, or the client is closed).
    emitWithAck(event, args, timeoutMs) {
        return new Promise((resolve, reject) => {
            if (this.closed) {
                reject(codedError('DISCONNECTED', 'the signaling connection is closed'));
                return;
            }
            const id = this.nextAckId++;
            const timer = setTimeout(() => {
                this.pendingAcks.delete(id);
                this.dropFromOutbox(id);
                reject(codedError('TIMEOUT', `no answer to '${event}' within ${timeoutMs} ms`));
            }, timeoutMs);
            const settle = (error, reply) => {
                clearTimeout(timer);
                this.pendingAcks.delete(id);
                if (error) reject(error);
                else resolve(reply);
            };
            this.pendingAcks.set(id, { settle, timer, sent: false });
            this.sendPacket({ type: SOCKET.EVENT, nsp: this.namespace, id, data: [event, ...args] });
        });
    }

    // Leaves for good: tells the server, stops reconnecting, fails what waits for an answer.
    close() {
        if (this.closed && !this.webSocket && !this.reconnectTimer) return;
        const wasConnected = this.connected;
        if (wasConnected) this.write(encodeSocket({ type: SOCKET.DISCONNECT, nsp: this.namespace }));
        this.closed = true;
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = null;
        this.outbox = [];
        this.teardown();
        this.failPendingAcks(() => true);
        if (wasConnected) this.fire('disconnect', 'io client disconnect');
    }

    // ---- connection ------------------------------------------------------------------------

    open() {
        this.reconnectTimer = null;
        let webSocket;
        try {
            webSocket = new this.WebSocketClass(this.webSocketUrl);
        } catch (error) {
            // A malformed URL, or no WebSocket at all: retrying cannot help.
            this.closed = true;
            queueMicrotask(() => this.fire('connect_error', codedError('SIGNALING_UNREACHABLE', String(error && error.message))));
            return;
        }
        this.webSocket = webSocket;
        this.lastTransportError = '';
        webSocket.onmessage = (event) => this.onFrame(event.data);
        webSocket.onerror = (event) => {
            // Browsers say nothing useful here; `ws` (Node) gives an Error.
            this.lastTransportError = (event && event.message) || 'websocket error';
        };
        webSocket.onclose = () => this.lose(this.lastTransportError || 'transport close');
        this.connectTimer = setTimeout(() => this.lose('connect timeout'), this.connectTimeout);
    }

    onFrame(frame) {
        const packet = decodeEngine(frame);
        if (!packet) return; // not an engine packet we know: ignored
        if (this.heartbeatTimer) this.armHeartbeat();
        switch (packet.type) {
            case ENGINE.OPEN: {
                // Only the first valid one counts; a server that never sends one hits the connect timeout.
                const handshake = this.heartbeatTimer ? null : parseHandshake(packet.data);
                if (!handshake) return;
                this.heartbeatPeriod = handshake.pingInterval + handshake.pingTimeout;
                this.armHeartbeat();
                this.sendConnect();
                return;
            }
            case ENGINE.PING:
                this.write(encodeEngine(ENGINE.PONG), true);
                return;
            case ENGINE.CLOSE:
                return this.lose('transport close');
            case ENGINE.MESSAGE:
                return this.onPacket(decodeSocket(packet.data));
            default:
                return; // PONG, UPGRADE, NOOP: nothing to do over a WebSocket
        }
    }

    // The namespace CONNECT, with the auth payload of this attempt.
    sendConnect() {
        const webSocket = this.webSocket;
        const send = (auth) => {
            if (this.webSocket !== webSocket) return; // this attempt is over
            const connect = { type: SOCKET.CONNECT, nsp: this.namespace };
            if (auth !== undefined) connect.data = auth;
            this.write(encodeSocket(connect));
        };
        if (typeof this.auth === 'function') this.auth(send);
        else send(this.auth);
    }

    onPacket(packet) {
        if (!packet || packet.nsp !== this.namespace) return;
        switch (packet.type) {
            case SOCKET.CONNECT:
                return this.onConnected();
            case SOCKET.CONNECT_ERROR:
                return this.onRefused(packet.data);
            case SOCKET.EVENT:
                return this.onEvent(packet);
            case SOCKET.ACK: {
                const pending = this.pendingAcks.get(packet.id);
                if (pending) pending.settle(null, packet.data[0]);
                return;
            }
            case SOCKET.DISCONNECT:
                // The server dismissed this socket: coming back would be refused or undo its decision.
                return this.stop('io server disconnect');
        }
    }

    onConnected() {
        if (this.connected) return;
        this.connected = true;
        this.failedAttempts = 0;
        clearTimeout(this.connectTimer);
        this.connectTimer = null;
        this.fire('connect');
        // A listener may have closed us.
        if (!this.connected) return;
        const waiting = this.outbox;
        this.outbox = [];
        for (const { frame, ackId } of waiting) this.writeEvent(frame, ackId);
    }

    // CONNECT_ERROR: the server (our auth middleware) refused us; its reason is in `data`.
    // Retrying cannot change the answer, so the client stops, unless retryRefused says that
    // time may change it (error.retrying tells listeners which).
    onRefused(payload) {
        const detail = payload !== null && typeof payload === 'object' ? payload : null;
        const message = typeof payload === 'string' ? payload : detail && detail['message'] !== undefined ? String(detail['message']) : 'the server refused the connection';
        const error = new Error(message);
        if (detail) error.data = detail['data'];
        error.retrying = typeof this.retryRefused === 'function' && this.retryRefused(error) === true;
        if (error.retrying) {
            this.teardown();
            this.fire('connect_error', error);
            this.scheduleReconnect();
            return;
        }
        this.stop(null);
        this.fire('connect_error', error);
    }

    onEvent({ id, data }) {
        const [event, ...args] = data;
        if (RESERVED_EVENTS.has(event)) return;
        if (id !== undefined) {
            let answered = false;
            args.push((...reply) => {
                if (answered || !this.connected) return;
                answered = true;
                this.write(encodeSocket({ type: SOCKET.ACK, nsp: this.namespace, id, data: reply }));
            });
        }
        this.fire(event, ...args);
    }

    // The connection is gone without anyone asking: tell listeners, then retry (with backoff).
    lose(reason) {
        if (!this.webSocket) return;
        const wasConnected = this.connected;
        this.teardown();
        // Requests already sent will not be answered on the next connection.
        this.failPendingAcks((pending) => pending.sent);
        if (wasConnected) this.fire('disconnect', reason);
        else this.fire('connect_error', codedError('SIGNALING_UNREACHABLE', reason));
        this.scheduleReconnect();
    }

    // Ends the connection without retrying (refused, or dismissed by the server).
    stop(disconnectReason) {
        const wasConnected = this.connected;
        this.closed = true;
        this.outbox = [];
        this.teardown();
        this.failPendingAcks(() => true);
        if (wasConnected && disconnectReason) this.fire('disconnect', disconnectReason);
    }

    scheduleReconnect() {
        if (this.closed || !this.reconnection || this.reconnectTimer) return;
        if (this.failedAttempts >= this.reconnectionAttempts) {
            this.closed = true;
            this.failPendingAcks(() => true);
            return;
        }
        const delay = backoffDelay(this.failedAttempts, this);
        this.failedAttempts++;
        this.reconnectTimer = setTimeout(() => this.open(), delay);
    }

    // Forgets the current WebSocket and its timers. Its late events cannot reach us.
    teardown() {
        this.connected = false;
        clearTimeout(this.heartbeatTimer);
        clearTimeout(this.connectTimer);
        this.heartbeatTimer = this.connectTimer = null;
        const webSocket = this.webSocket;
        this.webSocket = null;
        if (!webSocket) return;
        webSocket.onmessage = webSocket.onclose = null;
        webSocket.onerror = () => {}; // `ws` would throw an error event nobody listens to
        try {
            webSocket.close();
        } catch {
            // already closing
        }
    }

    // The server pings every pingInterval and expects a pong within pingTimeout; silence for
    // longer than both means the connection is dead even if the socket has not noticed.
    // When the page was frozen or busy, the timer can fire before the pings that arrived in
    // the meantime are read: those get one more turn of the event loop before we give up.
    armHeartbeat() {
        clearTimeout(this.heartbeatTimer);
        const webSocket = this.webSocket;
        this.heartbeatTimer = setTimeout(() => {
            this.heartbeatTimer = setTimeout(() => {
                if (this.webSocket === webSocket) this.lose('ping timeout');
            }, 0);
        }, this.heartbeatPeriod);
    }

    // ---- sending ---------------------------------------------------------------------------

    sendPacket(packet) {
        if (this.closed) return;
        const frame = encodeSocket(packet);
        if (this.connected) this.writeEvent(frame, packet.id);
        else this.outbox.push({ frame, ackId: packet.id });
    }

    writeEvent(frame, ackId) {
        const pending = ackId === undefined ? null : this.pendingAcks.get(ackId);
        if (ackId !== undefined && !pending) return; // timed out while it waited
        if (pending) pending.sent = true;
        this.write(frame);
    }

    // One engine MESSAGE (or, with isEngineControl, a bare engine packet) on the WebSocket.
    write(text, isEngineControl = false) {
        try {
            this.webSocket.send(isEngineControl ? text : encodeEngine(ENGINE.MESSAGE, text));
        } catch {
            // Closing under us: the close event follows and decides what to do.
        }
    }

    dropFromOutbox(ackId) {
        this.outbox = this.outbox.filter((entry) => entry.ackId !== ackId);
    }

    failPendingAcks(which) {
        for (const pending of [...this.pendingAcks.values()]) {
            if (which(pending)) pending.settle(codedError('DISCONNECTED', 'the signaling connection was lost before the answer'));
        }
    }

    // A throwing listener must not leave the client half-way through a packet: its error goes
    // to the page's error reporting (window.onerror, the console) and the client carries on.
    fire(event, ...args) {
        const listeners = this.listeners.get(event);
        if (!listeners) return;
        for (const listener of [...listeners]) {
            try {
                listener(...args);
            } catch (error) {
                reportListenerError(error);
            }
        }
    }
}

// Where to open the WebSocket, and which namespace the URL's path names (socket.io's rule:
// the path of the server URL is the namespace; the engine's own path is `options.path`).
export function webSocketTarget(url, path, query) {
    const page = typeof location === 'undefined' ? undefined : location.href;
    const server = new URL(url || '/', page);
    const scheme = server.protocol === 'https:' || server.protocol === 'wss:' ? 'wss:' : 'ws:';
    const params = new URLSearchParams(server.search);
    if (query && typeof query === 'object') {
        for (const name of Object.keys(query)) params.set(name, String(query[name]));
    }
    params.set('EIO', '4');
    params.set('transport', 'websocket');
    const enginePath = String(path).replace(/\/$/, '') + '/';
    return {
        url: `${scheme}//${server.host}${enginePath}?${params}`,
        namespace: url ? server.pathname : '/',
    };
}

// Exponential backoff from reconnectionDelay up to reconnectionDelayMax, spread by
// ±randomizationFactor so that many clients dropped together do not come back together.
export function backoffDelay(attempt, { reconnectionDelay, reconnectionDelayMax, randomizationFactor }, random = Math.random) {
    const base = Math.min(reconnectionDelayMax, reconnectionDelay * 2 ** Math.min(attempt, 30));
    const spread = base * randomizationFactor * (random() * 2 - 1);
    return Math.max(0, Math.round(Math.min(reconnectionDelayMax, base + spread)));
}

function reportListenerError(error) {
    if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
    else
        setTimeout(() => {
            throw error;
        });
}

function codedError(code, message) {
    const error = new Error(message);
    error.code = code;
    return error;
}
