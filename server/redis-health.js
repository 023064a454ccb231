// Is Redis answering? A PING every `intervalMs` on the store's liveness connection (not
// the busy main one, where a PING would measure our own backlog of relay checks):
//   state 'ok'           connected, and no PING has waited longer than `degradedAfterMs`;
//   state 'unreachable'  disconnected, or a PING has waited longer than that (a paused or
//                        overloaded Redis keeps the TCP connection and answers nothing).
// /healthz reports the state (degraded within a second of Redis going quiet). `failFast`
// (disconnected, or no answer for `failFastAfterMs`) makes store operations fail at once
// instead of each waiting for its own timeout.

export class RedisHealth {
    // client: the connection pinged; ready: also required to be ready (the main connection).
    constructor({ client, ready = [], logger, intervalMs = 250, degradedAfterMs = 500, failFastAfterMs = 2000, now = () => performance.now() }) {
        this.client = client;
        this.ready = [client, ...ready];
        this.logger = logger;
        this.intervalMs = intervalMs;
        this.degradedAfterMs = degradedAfterMs;
        this.failFastAfterMs = failFastAfterMs;
        this.now = now;
        this.waitingSince = null; // when the PING in flight was sent
        this.reported = 'ok';
        this.timer = null;
    }

    start() {
        this.timer = setInterval(() => this.#probe(), this.intervalMs);
        this.timer.unref();
    }

    #probe() {
        this.#report();
        if (this.waitingSince !== null || !this.client.isReady) return;
        const sentAt = this.now();
        this.waitingSince = sentAt;
        this.client.ping().then(
            () => {
                if (this.waitingSince === sentAt) this.waitingSince = null;
                this.#report();
            },
            () => {
                if (this.waitingSince === sentAt) this.waitingSince = null;
            },
        );
    }

    #silentFor() {
        return this.waitingSince === null ? 0 : this.now() - this.waitingSince;
    }

    #connected() {
        return this.ready.every((client) => client.isReady);
    }

    get state() {
        return this.#connected() && this.#silentFor() <= this.degradedAfterMs ? 'ok' : 'unreachable';
    }

    get failFast() {
        return !this.#connected() || this.#silentFor() > this.failFastAfterMs;
    }

    // One log line per change of state.
    #report() {
        const state = this.state;
        if (state === this.reported) return;
        this.reported = state;
        if (state === 'ok') this.logger.info({ event: 'redis', outcome: 'ok', detail: 'answering again' });
        else this.logger.warn({ event: 'redis', outcome: 'unreachable' });
    }

    close() {
        clearInterval(this.timer);
    }
}
