// The Janus sessions and handles one client's Janus WebSocket owns, learnt from Janus's own
// answers. Pure bookkeeping, no socket.
//
// Why: Janus lets any transport use any session whose id it knows (a second WebSocket can
// attach to, or send on, a session it did not create; checked with 1.1.2). Session ids never
// reach other clients, but the broker does not rely on that: a frame may only name a session
// that Janus created on this WebSocket, and a handle Janus attached in it. The same books
// bound what one client costs Janus: at most `maxSessions` sessions, `maxHandles` handles
// in each (requests in flight count).

// Session and handle requests (create, attach, detach, destroy) waiting for Janus's answer.
// Janus answers each at once; the bound only matters against a client that floods them.
const MAX_WAITING = 64;

export class SessionLedger {
    constructor({ maxSessions, maxHandles }) {
        this.maxSessions = maxSessions;
        this.maxHandles = maxHandles;
        this.sessions = new Map(); // session id -> Set of handle ids
        // transaction -> what it asked, until Janus answers it (success/error).
        this.pending = new Map(); // transaction -> {kind, session, handle}
    }

    #pendingCount(kind, session) {
        let count = 0;
        for (const entry of this.pending.values()) {
            if (entry.kind === kind && (session === undefined || entry.session === session)) count++;
        }
        return count;
    }

    // May this checked frame go to Janus? null if so (and it is noted), else the reason.
    admit(frame) {
        const { janus: kind, transaction, session_id: session, handle_id: handle } = frame;
        if (this.pending.has(transaction)) return `transaction "${transaction}" is already waiting for Janus`;
        const tracked = ['create', 'attach', 'detach', 'destroy'].includes(kind);
        if (tracked && this.pending.size >= MAX_WAITING) return `at most ${MAX_WAITING} session requests may wait for Janus`;
        if (kind === 'create') {
            if (this.sessions.size + this.#pendingCount('create') >= this.maxSessions) {
                return `at most ${this.maxSessions} Janus sessions per room`;
            }
            this.pending.set(transaction, { kind });
            return null;
        }
        const handles = this.sessions.get(session);
        if (!handles) return `session ${session} is not one of yours`;
        if (kind === 'attach') {
            if (handles.size + this.#pendingCount('attach', session) >= this.maxHandles) {
                return `at most ${this.maxHandles} handles per Janus session`;
            }
            this.pending.set(transaction, { kind, session });
            return null;
        }
        if (handle !== undefined && !handles.has(handle)) return `handle ${handle} is not one of your session's`;
        if (kind === 'detach' || kind === 'destroy') this.pending.set(transaction, { kind, session, handle });
        return null;
    }

    // A frame from Janus (parsed). Updates the books; never refuses anything.
    observe(frame) {
        if (frame === null || typeof frame !== 'object') return;
        const { janus: kind, transaction, session_id: session } = frame;
        if (kind === 'timeout') {
            this.sessions.delete(session);
            return;
        }
        if (kind === 'detached') {
            this.sessions.get(session)?.delete(frame.sender);
            return;
        }
        if (kind !== 'success' && kind !== 'error') return;
        const asked = this.pending.get(transaction);
        if (!asked) return;
        this.pending.delete(transaction);
        if (kind === 'error') return;
        const id = frame.data?.id;
        if (asked.kind === 'create' && Number.isSafeInteger(id)) this.sessions.set(id, new Set());
        else if (asked.kind === 'attach' && Number.isSafeInteger(id)) this.sessions.get(asked.session)?.add(id);
        else if (asked.kind === 'detach') this.sessions.get(asked.session)?.delete(asked.handle);
        else if (asked.kind === 'destroy') this.sessions.delete(asked.session);
    }
}
