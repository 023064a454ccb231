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
