// Logs refused requests without letting a flood of them become a flood of log lines: at most
// one line per second per connection, and at most `perSecond` lines per second in all. The
// next line written for a connection says how many were left out before it (`count`).

export class RefusalLog {
    constructor({ logger, perSecond, now = () => performance.now() }) {
        this.logger = logger;
        this.perSecond = perSecond;
        this.now = now;
        this.windowStart = -Infinity;
        this.writtenInWindow = 0;
    }

    // One per connection: (fields) => void.
    forConnection() {
        let lastAt = -Infinity;
        let skipped = 0;
        return (fields) => {
            const now = this.now();
            if (now - lastAt < 1000 || !this.#takeGlobal(now)) {
                skipped += 1;
                return;
            }
            lastAt = now;
            this.logger.info(skipped > 0 ? { ...fields, count: skipped } : fields);
            skipped = 0;
        };
    }

    #takeGlobal(now) {
        if (now - this.windowStart >= 1000) {
            this.windowStart = now;
            this.writtenInWindow = 0;
        }
        if (this.writtenInWindow >= this.perSecond) return false;
        this.writtenInWindow += 1;
        return true;
    }
}
