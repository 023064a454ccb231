// The server's own connection to Janus: one WebSocket, one session, one videoroom handle,
// through which rooms are created (with their secret and pin, which never leave the
// server) and destroyed. It also tells the broker whether Janus is reachable:
//   state 'connecting'  the first attempt is under way (Janus never seen yet)
//         'up'          session and handle ready
//         'down'        the last attempt failed or the connection was lost; retrying
//         'closed'      close() was called
//   events 'up' (every time it becomes reachable), 'down' (reason) when a live connection
//          is lost.
// Retries back off from RETRY_FIRST_MS, doubling, up to retryMaxMs. Every request has a
// deadline (timeoutMs): a Janus that stops answering is treated as gone (the connection is
// dropped and retried), never waited for.

import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { VIDEOROOM_PLUGIN } from './frame-rules.js';

const RETRY_FIRST_MS = 100;
// Rooms this node created (so the next join does not ask again) and rooms it destroyed (so
// that a join still on its way cannot create one again: room numbers are never reused). Both
// are only shortcuts: forgetting the oldest entries costs a "427 already exists" answer.
const REMEMBERED_ROOMS = 10000;
// Videoroom error codes (janus_videoroom.c): 426 no such room, 427 room already exists.
const NO_SUCH_ROOM = 426;
const ROOM_EXISTS = 427;

export class JanusUnreachable extends Error {}
export class JanusRefused extends Error {}

// A Set that forgets its oldest entries past `limit`.
class RecentSet {
    constructor(limit) {
        this.limit = limit;
        this.items = new Set();
    }
    add(item) {
        this.items.delete(item);
        this.items.add(item);
        if (this.items.size > this.limit) this.items.delete(this.items.values().next().value);
    }
    has(item) {
        return this.items.has(item);
    }
    delete(item) {
        this.items.delete(item);
    }
    clear() {
        this.items.clear();
    }
}

export class JanusAdmin extends EventEmitter {
    constructor({ url, adminKey = null, timeoutMs, keepaliveMs, retryMaxMs, logger }) {
        super();
        this.url = url;
        this.adminKey = adminKey;
        this.timeoutMs = timeoutMs;
        this.keepaliveMs = keepaliveMs;
        this.retryMaxMs = retryMaxMs;
        this.logger = logger;
        this.state = 'connecting';
        this.ws = null;
        this.session = null;
        this.handle = null;
        this.counter = 0;
        this.pending = new Map(); // transaction -> {resolve, reject, timer, kind}
        this.retries = 0;
        this.retryTimer = null;
        this.keepaliveTimer = null;
        this.closed = false;
        this.created = new RecentSet(REMEMBERED_ROOMS);
        this.retired = new RecentSet(REMEMBERED_ROOMS);
        this.creating = new Map(); // room number -> promise of its creation
        // Destroys asked while Janus was unreachable, done once it is back (if Janus itself
        // restarted they find nothing: 426).
        this.destroyLater = new Map(); // room number -> params
        // Settles when the first attempt has succeeded or failed.
        this.firstAttempt = new Promise((resolve) => {
            this.firstAttemptDone = resolve;
        });
    }

    start() {
        this.#attempt();
        return this;
    }

    close() {
        this.closed = true;
        this.state = 'closed';
        this.firstAttemptDone();
        clearTimeout(this.retryTimer);
        clearInterval(this.keepaliveTimer);
        // A closing handshake lets destroys already written reach Janus; a Janus that does not
        // answer it is cut off a second later.
        const ws = this.ws;
        if (ws?.readyState === WebSocket.OPEN) {
            ws.close(1000);
            setTimeout(() => ws.terminate(), 1000).unref();
        } else {
            ws?.terminate();
        }
        this.#failPending(new JanusUnreachable('the server is closing'));
    }

    async #attempt() {
        if (this.closed) return;
        const ws = new WebSocket(this.url, 'janus-protocol', { handshakeTimeout: this.timeoutMs });
        this.ws = ws;
        ws.on('message', (data, isBinary) => {
            if (!isBinary) this.#onFrame(String(data));
        });
        ws.on('error', (err) => {
            this.lastError = err.message;
        });
        ws.on('close', () => this.#onClose(ws));
        try {
            await new Promise((resolve, reject) => {
                ws.once('open', resolve);
                ws.once('close', () => reject(new JanusUnreachable(this.lastError ?? 'closed')));
            });
            this.session = (await this.#call({ janus: 'create' })).data.id;
            this.handle = (await this.#call({ janus: 'attach', plugin: VIDEOROOM_PLUGIN, session_id: this.session })).data.id;
        } catch (err) {
            this.lastError = err.message;
            ws.terminate(); // #onClose schedules the next attempt
            return;
        }
        this.state = 'up';
        this.firstAttemptDone();
        this.retries = 0;
        this.keepaliveTimer = setInterval(() => {
            this.#call({ janus: 'keepalive', session_id: this.session }).catch(() => ws.terminate());
        }, this.keepaliveMs);
        this.keepaliveTimer.unref();
        this.logger.info({ event: 'janus', url: this.url, outcome: 'up' });
        for (const params of this.destroyLater.values()) this.destroyRoom(params);
        this.destroyLater.clear();
        this.emit('up');
    }

    #onClose(ws) {
        if (ws !== this.ws) return;
        clearInterval(this.keepaliveTimer);
        const wasUp = this.state === 'up';
        const reason = `lost the connection to Janus${this.lastError ? ` (${this.lastError})` : ''}`;
        this.#failPending(new JanusUnreachable(reason));
        // Janus may come back as a new process, without our rooms.
        this.created.clear();
        this.session = null;
        this.handle = null;
        if (this.closed) return;
        this.state = 'down';
        this.firstAttemptDone();
        if (wasUp) {
            this.logger.warn({ event: 'janus', url: this.url, outcome: 'down', detail: this.lastError });
            this.emit('down', reason);
        }
        const delayMs = Math.min(RETRY_FIRST_MS * 2 ** this.retries, this.retryMaxMs);
        this.retries = Math.min(this.retries + 1, 30);
        this.lastError = undefined;
        this.retryTimer = setTimeout(() => this.#attempt(), delayMs);
        this.retryTimer.unref();
    }

    #failPending(err) {
        for (const { reject, timer } of this.pending.values()) {
            clearTimeout(timer);
            reject(err);
        }
        this.pending.clear();
    }

    #onFrame(text) {
        let frame;
        try {
            frame = JSON.parse(text);
        } catch {
            return;
        }
        const waiting = this.pending.get(frame?.transaction);
        if (!waiting) return;
        // Plugin requests may be acked before their answer; only a keepalive ends with its ack.
        if (frame.janus === 'ack' && waiting.kind !== 'keepalive') return;
        this.pending.delete(frame.transaction);
        clearTimeout(waiting.timer);
        if (frame.janus === 'error') {
            waiting.reject(new JanusRefused(`${frame.error?.reason ?? 'error'} (${frame.error?.code})`));
        } else {
            waiting.resolve(frame);
        }
    }

    // One request on the admin session; resolves with Janus's answer.
    #call(frame) {
        const ws = this.ws;
        if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new JanusUnreachable('Janus is not reachable'));
        const transaction = `rtcmc-admin-${++this.counter}`;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.pending.delete(transaction);
                reject(new JanusUnreachable(`Janus did not answer within ${this.timeoutMs} ms`));
                // A Janus that does not answer is not one to keep sending clients to.
                this.lastError = 'no answer';
                ws.terminate();
            }, this.timeoutMs);
            this.pending.set(transaction, { resolve, reject, timer, kind: frame.janus });
            ws.send(JSON.stringify({ ...frame, transaction }));
        });
    }

    // A videoroom request on the admin handle; resolves with plugindata.data.
    async #videoroom(body) {
        const reply = await this.#call({ janus: 'message', session_id: this.session, handle_id: this.handle, body });
        return reply.plugindata?.data ?? {};
    }

    // Resolves true when Janus answers a keepalive in time.
    async probe() {
        if (this.state !== 'up') return false;
        try {
            await this.#call({ janus: 'keepalive', session_id: this.session });
            return true;
        } catch {
            return false;
        }
    }

    // The room exists on Janus once this resolves. params: {room, pin, secret, bitrate,
    // publishers} from the room record (room-params.js). Rejects with JanusUnreachable or
    // JanusRefused.
    ensureRoom(params) {
        const { room } = params;
        if (this.state === 'connecting') return this.firstAttempt.then(() => this.ensureRoom(params));
        if (this.state !== 'up') return Promise.reject(new JanusUnreachable('Janus is not reachable'));
        if (this.retired.has(room)) return Promise.reject(new JanusRefused('this room has been closed'));
        if (this.created.has(room)) return Promise.resolve();
        let creation = this.creating.get(room);
        if (!creation) {
            creation = this.#create(params).finally(() => this.creating.delete(room));
            this.creating.set(room, creation);
        }
        return creation;
    }

    async #create({ room, pin, secret, bitrate, publishers }) {
        const data = await this.#videoroom({
            request: 'create',
            room,
            description: 'rtcmc',
            secret,
            pin,
            bitrate,
            // Publishers cannot raise their own cap above the room's with a configure.
            bitrate_cap: true,
            publishers,
            notify_joining: false,
            // Not in Janus's room list; recording only with the secret, which pages lack.
            is_private: true,
            lock_record: true,
            ...(this.adminKey ? { admin_key: this.adminKey } : {}),
        });
        if (data.videoroom === 'created' || data.error_code === ROOM_EXISTS) {
            // A join may have been waiting on this creation while the room closed.
            if (this.retired.has(room)) {
                this.destroyRoom({ room, secret });
                throw new JanusRefused('this room has been closed');
            }
            this.created.add(room);
            return;
        }
        throw new JanusRefused(`Janus could not create the room: ${data.error ?? 'unexpected answer'} (${data.error_code})`);
    }

    // The room record is gone: its Janus room goes too. Never throws; failures are logged.
    destroyRoom({ room, secret }) {
        this.retired.add(room);
        this.created.delete(room);
        if (this.state !== 'up') {
            if (this.destroyLater.size < REMEMBERED_ROOMS) this.destroyLater.set(room, { room, secret });
            return;
        }
        this.#videoroom({ request: 'destroy', room, secret }).then(
            (data) => {
                if (data.videoroom !== 'destroyed' && data.error_code !== NO_SUCH_ROOM) {
                    this.logger.warn({ event: 'janus', outcome: 'destroy-failed', detail: data.error });
                }
            },
            (err) => {
                if (this.destroyLater.size < REMEMBERED_ROOMS) this.destroyLater.set(room, { room, secret });
                this.logger.warn({ event: 'janus', outcome: 'destroy-failed', detail: err.message });
            },
        );
    }
}
