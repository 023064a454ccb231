// Slows down password guessing from one connection: the n-th consecutive wrong password
// is answered after min(base * 2^(n-1), max) ms. Requests of a socket are handled one at
// a time (serial-queue.js), so parallel guesses wait their turn instead of bypassing it.
// A right password resets the count.

export class WrongPasswordDelay {
    constructor({ baseMs, maxMs }) {
        this.baseMs = baseMs;
        this.maxMs = maxMs;
        this.failures = 0;
    }

    // Records a wrong password; returns how long to wait before answering, in ms.
    fail() {
        this.failures += 1;
        return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.failures - 1, 30));
    }

    succeed() {
        this.failures = 0;
    }
}

// The same rule keyed by something other than a socket (a userid: wrong resume tokens at
// connect, where there is no socket yet to hold the count). At most `maxKeys` counts are
// kept; past that the oldest is forgotten, so a flood of made-up keys costs bounded memory.
export class WrongAttemptDelays {
    constructor({ baseMs, maxMs, maxKeys = 10000 }) {
        this.baseMs = baseMs;
        this.maxMs = maxMs;
        this.maxKeys = maxKeys;
        this.delays = new Map(); // key -> WrongPasswordDelay, oldest first
    }

    fail(key) {
        let delay = this.delays.get(key);
        if (delay) this.delays.delete(key);
        else delay = new WrongPasswordDelay({ baseMs: this.baseMs, maxMs: this.maxMs });
        this.delays.set(key, delay);
        if (this.delays.size > this.maxKeys) this.delays.delete(this.delays.keys().next().value);
        return delay.fail();
    }

    succeed(key) {
        this.delays.delete(key);
    }
}
