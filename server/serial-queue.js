// Runs one socket's requests one after the other, in arrival order. Handlers may await
// the store (Redis) and password hashing; without this, a join-room followed at once by a
// relay could be handled out of order. `limit` bounds how many may wait (the rate limit
// already bounds arrivals; this bounds the backlog behind a slow request); `bytes` is the
// size of the requests waiting or running, which the caller bounds too (MAX_QUEUED_BYTES).

const isThenable = (value) => value !== null && typeof value === 'object' && typeof value.then === 'function';

export class SerialQueue {
    constructor({ limit = 1000 } = {}) {
        this.limit = limit;
        this.pending = 0;
        this.bytes = 0;
        this.tail = Promise.resolve();
    }

    get full() {
        return this.pending >= this.limit;
    }

    // task: () => value | Promise. When nothing is waiting the task starts at once, and a
    // task that completes without awaiting (a relay in memory mode) never touches the
    // queue: run() then returns its plain value. Otherwise run() returns a promise. A task
    // must not throw synchronously (callers wrap their handlers); a rejected promise does
    // not stop the queue.
    run(task, bytes = 0) {
        if (this.pending === 0) {
            const result = task();
            return isThenable(result) ? this.#track(Promise.resolve(result), bytes) : result;
        }
        return this.#track(this.tail.then(task), bytes);
    }

    #track(promise, bytes) {
        this.pending += 1;
        this.bytes += bytes;
        const settle = () => {
            this.pending -= 1;
            this.bytes -= bytes;
        };
        this.tail = promise.then(settle, settle);
        return promise;
    }

    // Resolves once everything queued so far has finished.
    drained() {
        return this.tail;
    }
}

export { isThenable };
