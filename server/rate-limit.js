// Per-socket flood control: a token bucket. `ratePerSecond` tokens flow in continuously
// up to `burst`; each message takes one. An empty bucket refuses the message (the caller
// answers RATE_LIMITED): refused, never queued, so a flood costs the server no memory.

export class TokenBucket {
    constructor({ ratePerSecond, burst, now = () => performance.now() }) {
        this.ratePerMs = ratePerSecond / 1000;
        this.burst = burst;
        this.tokens = burst;
        this.now = now;
        this.updatedAt = now();
    }

    take() {
        const now = this.now();
        this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) * this.ratePerMs);
        this.updatedAt = now;
        if (this.tokens < 1) return false;
        this.tokens -= 1;
        return true;
    }
}
