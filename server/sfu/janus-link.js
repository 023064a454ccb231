// One client's Janus WebSocket for one SFU room: the frames the client sends (already
// checked by frame-rules.js) go out in order, tied to the room (scopeToRoom); every frame
// Janus sends comes back to the client as it is.
//
// Frames wait, in order, while the room's Janus parameters are read from the room record,
// while the WebSocket opens, and while the admin connection creates the Janus room (before
// the first join). At most `maxQueuedFrames` frames, and `maxQueuedBytes` bytes with what
// the WebSocket has not sent yet, may wait: past that push() refuses, so a client can never
// make the server hold an unbounded backlog for a Janus that is slow or not there.
//
// Closing: close() (the client left the room, was ejected, the room closed, the socket
// disconnected) closes the WebSocket, and Janus destroys the sessions of a closed transport
// (checked with 1.1.2: the participant leaves the room's list at once). An unexpected close
// or error calls onGone(reason); a room that is not (or no longer) an SFU room calls
// onRefused for each waiting frame, then onClosed.

import WebSocket from 'ws';
import { JanusRefused, JanusUnreachable } from './janus-admin.js';
import { scopeToRoom } from './frame-rules.js';
import { SessionLedger } from './session-ledger.js';

// Largest frame accepted from Janus. Janus is trusted; this only bounds a broken one (a
// subscriber offer for 64 feeds is far below it).
const MAX_JANUS_FRAME_BYTES = 16 * 1024 * 1024;

export class JanusLink {
    // params: promise of the room's Janus parameters {room, pin, secret, bitrate, publishers}
    // (rejects with the reason the room cannot use the SFU). admin: JanusAdmin (ensureRoom).
    // callbacks: onFrame(text), onRefused(reason, transaction), onGone(reason), onClosed().
    constructor({ url, userid, params, admin, limits, callbacks }) {
        this.url = url;
        this.userid = userid;
        this.admin = admin;
        this.limits = limits; // {timeoutMs, maxQueuedFrames, maxQueuedBytes, maxSessions, maxHandles}
        this.callbacks = callbacks;
        this.ledger = new SessionLedger({ maxSessions: limits.maxSessions, maxHandles: limits.maxHandles });
        this.queue = []; // [{checked, bytes}]
        this.queuedBytes = 0;
        this.ws = null;
        this.room = null;
        this.closed = false;
        this.pumping = false;
        this.ready = this.#open(params);
        // A failure is reported by #pump, which awaits `ready`; this only avoids an
        // unhandled rejection when nothing is queued.
        this.ready.catch(() => {});
    }

    async #open(params) {
        this.room = await params;
        if (this.closed) throw new Error('closed');
        const ws = new WebSocket(this.url, 'janus-protocol', {
            handshakeTimeout: this.limits.timeoutMs,
            maxPayload: MAX_JANUS_FRAME_BYTES,
        });
        this.ws = ws;
        ws.on('message', (data, isBinary) => {
            if (isBinary || this.closed) return;
            const text = String(data);
            try {
                this.ledger.observe(JSON.parse(text));
            } catch {
                // Not JSON: nothing to learn; the client's core drops it with a reason.
            }
            this.callbacks.onFrame(text);
        });
        ws.on('error', (err) => {
            this.lastError = err.message;
        });
        ws.on('close', () => this.#lost(`the connection to Janus closed${this.lastError ? ` (${this.lastError})` : ''}`));
        await new Promise((resolve, reject) => {
            ws.once('open', resolve);
            ws.once('close', () => reject(new JanusUnreachable(`could not reach Janus${this.lastError ? ` (${this.lastError})` : ''}`)));
        });
    }

    // Queues a checked frame (frame-rules.js); null if queued, else why it was refused.
    push(checked, bytes) {
        if (this.closed) return 'the connection to Janus is closed';
        if (this.queue.length >= this.limits.maxQueuedFrames) {
            return `too many frames waiting for Janus (at most ${this.limits.maxQueuedFrames})`;
        }
        const unsent = this.queuedBytes + (this.ws?.bufferedAmount ?? 0);
        if (this.queue.length > 0 && unsent + bytes > this.limits.maxQueuedBytes) {
            return `too many bytes waiting for Janus (at most ${this.limits.maxQueuedBytes})`;
        }
        this.queue.push({ checked, bytes });
        this.queuedBytes += bytes;
        this.#pump();
        return null;
    }

    async #pump() {
        if (this.pumping) return;
        this.pumping = true;
        try {
            await this.ready;
            while (this.queue.length > 0 && !this.closed) {
                const { checked } = this.queue[0];
                const transaction = checked.frame.transaction;
                const refusal = this.ledger.admit(checked.frame);
                if (refusal) {
                    this.#shift();
                    this.callbacks.onRefused(refusal, transaction);
                    continue;
                }
                const frame = scopeToRoom(checked, { room: this.room, userid: this.userid });
                if (checked.request === 'join') {
                    try {
                        await this.admin.ensureRoom(this.room);
                    } catch (err) {
                        if (err instanceof JanusRefused) {
                            this.#shift();
                            this.callbacks.onRefused(err.message, transaction);
                            continue;
                        }
                        throw err;
                    }
                    if (this.closed) break;
                }
                this.ws.send(JSON.stringify(frame));
                this.#shift();
            }
        } catch (err) {
            if (err instanceof JanusUnreachable) this.#lost(err.message);
            else this.#refuseAll(err.message);
        } finally {
            this.pumping = false;
        }
    }

    #shift() {
        this.queuedBytes -= this.queue.shift().bytes;
    }

    // The room cannot use the SFU (not an SFU room, gone, store unreachable).
    #refuseAll(reason) {
        if (this.closed) return;
        const waiting = this.queue;
        this.#shutDown();
        for (const { checked } of waiting) this.callbacks.onRefused(reason, checked.frame.transaction);
        this.callbacks.onClosed();
    }

    #lost(reason) {
        if (this.closed) return;
        this.#shutDown();
        this.callbacks.onGone(reason);
    }

    #shutDown() {
        this.closed = true;
        this.queue = [];
        this.queuedBytes = 0;
        if (!this.ws) return;
        if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
        else this.ws.terminate();
    }

    // Closed by the server (the client left the room...): no callback.
    close() {
        this.#shutDown();
    }
}
