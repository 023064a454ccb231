// What a store operation that could not be done looks like to the rest of the server.
// STORE_UNAVAILABLE: Redis did not answer in time, or is known to be unreachable. The request
// that needed it is answered with that code at once instead of hanging.
//
// A write that was sent but not answered in time may still be applied later. Such an error
// carries `outcome`: the operation itself, which resolves with its result if it was applied
// after all, and rejects if it was not (or if that cannot be known). Callers that must undo
// or announce a late effect (signaling.js) listen to it; a write abandoned before it was sent
// has no outcome.

export class StoreUnavailableError extends Error {
    constructor(message, { outcome = null } = {}) {
        super(message);
        this.code = 'STORE_UNAVAILABLE';
        this.outcome = outcome;
        // Nobody may be listening; a late failure of the abandoned operation is not news.
        outcome?.catch(() => {});
    }
}

// Deadlines for many operations that share one timeout (every Redis command of a node has
// the same REDIS_TIMEOUT_MS): one coarse timer for all, instead of a timer and a race per
// command (the relay path runs one per relay). An operation is rejected with
// StoreUnavailableError (its `outcome` the operation, still running) once its deadline has
// passed, within `tickMs`; `mapError` turns its own failures into the errors callers see.
export class Deadlines {
    constructor(ms, { tickMs = 25, mapError = (err) => err } = {}) {
        this.ms = ms;
        this.tickMs = tickMs;
        this.mapError = mapError;
        this.entries = []; // in deadline order: all share `ms`
        this.head = 0;
        this.timer = null;
    }

    wrap(operation, what) {
        return new Promise((resolve, reject) => {
            const entry = { deadline: performance.now() + this.ms, reject, operation, what, done: false };
            operation.then(
                (value) => {
                    entry.done = true;
                    resolve(value);
                },
                (err) => {
                    entry.done = true;
                    reject(this.mapError(err, what));
                },
            );
            this.entries.push(entry);
            if (this.timer === null) {
                this.timer = setInterval(() => this.#expire(), this.tickMs);
                this.timer.unref();
            }
        });
    }

    #expire() {
        const now = performance.now();
        while (this.head < this.entries.length && (this.entries[this.head].done || this.entries[this.head].deadline <= now)) {
            const entry = this.entries[this.head];
            this.entries[this.head++] = undefined;
            if (entry.done) continue;
            entry.done = true;
            entry.reject(
                new StoreUnavailableError(`Redis did not answer ${entry.what} within ${this.ms} ms`, { outcome: entry.operation }),
            );
        }
        if (this.head > 1024 && this.head * 2 > this.entries.length) {
            this.entries = this.entries.slice(this.head);
            this.head = 0;
        }
        if (this.head === this.entries.length) {
            this.entries = [];
            this.head = 0;
            clearInterval(this.timer);
            this.timer = null;
        }
    }
}
