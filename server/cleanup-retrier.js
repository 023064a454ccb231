// A departed connection's cleanup (leave its rooms, free its userid) must happen, even when
// the store cannot be reached at that moment (issue 14, item 2). Each cleanup is retried with
// a growing delay (up to `maxDelayMs`) until it succeeds. drain() waits for the ones running;
// close() stops retrying (the node is going away; other nodes clean up after a dead node).

export class CleanupRetrier {
    constructor({ logger, firstDelayMs = 100, maxDelayMs = 2000 }) {
        this.logger = logger;
        this.firstDelayMs = firstDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.pending = new Set();
        this.closed = false;
    }

    // run: () => Promise, retried until it resolves. `label` fields go to the logs.
    add(run, label = {}) {
        let attempt = 0;
        let timer = null;
        const entry = {};
        entry.done = new Promise((resolve) => {
            const tryOnce = () => {
                timer = null;
                Promise.resolve()
                    .then(run)
                    .then(resolve, (err) => {
                        attempt += 1;
                        if (this.closed) return resolve();
                        const delay = Math.min(this.maxDelayMs, this.firstDelayMs * 2 ** Math.min(attempt - 1, 10));
                        if (attempt === 1 || attempt % 10 === 0) {
                            this.logger.warn({ ...label, outcome: 'retrying', count: attempt, detail: err.message });
                        }
                        timer = setTimeout(tryOnce, delay);
                    });
            };
            entry.stop = () => {
                clearTimeout(timer);
                if (timer !== null) resolve();
            };
            tryOnce();
        });
        this.pending.add(entry);
        entry.done.finally(() => this.pending.delete(entry));
        return entry.done;
    }

    get size() {
        return this.pending.size;
    }

    // Resolves when every cleanup added so far has succeeded, or after `timeoutMs`.
    async drain(timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        while (this.pending.size > 0 && performance.now() < deadline) {
            const wait = Promise.allSettled([...this.pending].map((entry) => entry.done));
            if (timeoutMs === Infinity) await wait;
            else await Promise.race([wait, new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - performance.now())).unref())]);
        }
    }

    close() {
        this.closed = true;
        for (const entry of this.pending) entry.stop();
    }
}
