// Budgets of attempts per key (a client address, a room): a token bucket per key that holds
// `perMinute` attempts and refills continuously. Used for password guesses, where a socket
// of its own per guess must not reset anything. At most `maxKeys` buckets are kept (the
// least recently used go first), so made-up keys cost bounded memory.

export class AttemptLimiter {
    constructor({ perMinute, maxKeys = 100000, now = () => performance.now() }) {
        this.capacity = perMinute;
        this.refillPerMs = perMinute / 60000;
        this.maxKeys = maxKeys;
        this.now = now;
        this.buckets = new Map(); // key -> {tokens, at}, least recently used first
    }

    #level(key, now) {
        const bucket = this.buckets.get(key);
        if (!bucket) return this.capacity;
        return Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.refillPerMs);
    }

    // Whether an attempt may be made now (nothing is counted).
    allows(key) {
        return this.#level(key, this.now()) >= 1;
    }

    // Counts one attempt (a wrong password).
    spend(key) {
        const now = this.now();
        const tokens = Math.max(0, this.#level(key, now) - 1);
        this.buckets.delete(key);
        this.buckets.set(key, { tokens, at: now });
        if (this.buckets.size > this.maxKeys) this.#prune();
    }

    // Forgetting a key gives it a full budget again: the least recently spent go first.
    #prune() {
        for (const key of this.buckets.keys()) {
            if (this.buckets.size <= this.maxKeys) return;
            this.buckets.delete(key);
        }
    }
}
