// Bounded concurrency for password hashing. scrypt runs in libuv's thread pool (4 threads by
// default), which the static files (fs) share: unbounded, a burst of joins with passwords
// would take every thread and stall the demos' pages. At most `concurrency` hashes run at
// once; at most `maxQueued` wait; past that run() rejects with code SERVER_BUSY at once.

export class HashSlots {
    constructor({ concurrency, maxQueued }) {
        this.concurrency = concurrency;
        this.maxQueued = maxQueued;
        this.running = 0;
        this.waiting = [];
    }

    // task: () => Promise. Resolves or rejects like the task.
    async run(task) {
        if (this.running >= this.concurrency) {
            if (this.waiting.length >= this.maxQueued) {
                const err = new Error('too many password checks in progress; try again shortly');
                err.code = 'SERVER_BUSY';
                throw err;
            }
            await new Promise((resolve) => this.waiting.push(resolve));
        } else {
            this.running += 1;
        }
        try {
            return await task();
        } finally {
            // The slot passes straight to the next waiter (running stays the same), or frees.
            const next = this.waiting.shift();
            if (next) next();
            else this.running -= 1;
        }
    }
}
