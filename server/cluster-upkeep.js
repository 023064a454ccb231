// Redis mode: what keeps a cluster of nodes honest about who is alive (issue 14, items 4, 5).
//
// Heartbeat, every fifth of NODE_TTL_MS: this node's key node:<id> gets a fresh TTL. A node
// whose key expired is dead: its userid claims are void at once (a plain reconnection gets
// the userid back) and one live node removes its members from their rooms. The same write
// reports two events:
//   - the data set's epoch changed: Redis lost its data (restarted empty). The node puts
//     back what its own sockets hold (hooks.rebuild, retried until it succeeds);
//   - this node had been found dead (it was cut off longer than the TTL) and cleaned up:
//     its sockets lost their claims and are let go (hooks.audit finds them).
//
// Maintenance, every NODE_TTL_MS, on its own timer so that a long cleanup never delays a
// heartbeat: sweep dead nodes, audit this node's claims, refresh the rebuild cache, and now
// and then the slow full scan for stale members. A node sweeps others only after its own
// heartbeats have gone through for two TTLs: after a Redis outage every heartbeat has
// expired, the live nodes must get the time to write theirs again, and the dead node's
// clients the time to resume elsewhere.

import { randomUUID } from 'node:crypto';

const HEARTBEATS_PER_TTL = 5;
const FULL_SCAN_EVERY = 6; // maintenance rounds between two full stale-member scans
const SETTLE_TTLS = 2; // uninterrupted heartbeats, in TTLs, before judging other nodes

export class ClusterUpkeep {
    // hooks: {rebuild(), sweepNode(nodeId), audit(epoch), refreshCache(), staleScan()}, all async.
    constructor({ store, nodeTtlMs, logger, hooks, now = () => performance.now() }) {
        this.store = store;
        this.nodeTtlMs = nodeTtlMs;
        this.intervalMs = Math.max(50, Math.floor(nodeTtlMs / HEARTBEATS_PER_TTL));
        this.logger = logger;
        this.hooks = hooks;
        this.now = now;
        this.epoch = null; // the data set this node last saw
        this.rebuildPending = false;
        this.lastBeatAt = -Infinity;
        this.healthySince = null; // first of the uninterrupted run of heartbeats
        this.beating = false;
        this.maintaining = false;
        this.rounds = 0;
        this.timers = [];
        this.lastErrorLogAt = -Infinity;
    }

    // The first heartbeat before the node takes connections (claims need the epoch).
    async start() {
        await this.beat();
        this.timers.push(setInterval(() => this.beat(), this.intervalMs));
        this.timers.push(setInterval(() => this.maintain(), this.nodeTtlMs));
        for (const timer of this.timers) timer.unref();
    }

    async beat() {
        if (this.beating) return;
        this.beating = true;
        const startedAt = this.now();
        try {
            // Missed beats (Redis slow, event loop stalled): others may have seen us as dead,
            // and we may see them so; the clock of "healthy" starts again.
            if (startedAt - this.lastBeatAt > 2 * this.intervalMs) this.healthySince = null;
            const beat = await this.store.heartbeat({
                ttlMs: this.nodeTtlMs,
                knownEpoch: this.epoch,
                newEpoch: randomUUID(),
                rebuildWindowMs: 3 * this.intervalMs,
            });
            this.lastBeatAt = this.now();
            if (this.now() - startedAt > this.intervalMs) this.healthySince = null;
            this.healthySince ??= this.lastBeatAt;
            if (this.epoch !== null && beat.epoch !== this.epoch) {
                this.logger.warn({ event: 'redis', outcome: 'data-lost', detail: 'rebuilding from this node\'s sockets' });
                this.rebuildPending = true;
                // The other nodes need their turn to come back before any is judged dead.
                this.healthySince = null;
            }
            this.epoch = beat.epoch;
            if (beat.swept) {
                this.logger.warn({ event: 'node', outcome: 'found-dead', detail: 'another node cleaned up after this one' });
                await this.hooks.audit(this.epoch);
            }
            if (this.rebuildPending) {
                await this.hooks.rebuild();
                this.rebuildPending = false;
                this.healthySince = this.now();
            }
        } catch (err) {
            this.healthySince = null;
            this.#logError('heartbeat', err);
        } finally {
            this.beating = false;
        }
    }

    // Heartbeats have gone through for twice the TTL: this node's view of who is dead is
    // sound (the live nodes have written theirs again after an outage), and the clients of a
    // dead node have had the time to resume elsewhere with their tokens (the library retries
    // every 5 s at most) before their rooms are cleaned up.
    get settled() {
        return this.healthySince !== null && this.now() - this.healthySince >= SETTLE_TTLS * this.nodeTtlMs && !this.rebuildPending;
    }

    async maintain() {
        if (this.maintaining) return;
        this.maintaining = true;
        this.rounds += 1;
        try {
            if (this.settled) {
                for (const nodeId of await this.store.deadNodes()) {
                    if (await this.store.lockSweep(nodeId)) await this.hooks.sweepNode(nodeId);
                }
            }
            if (!this.rebuildPending) await this.hooks.audit(this.epoch);
            await this.hooks.refreshCache();
            if (this.settled && this.rounds % FULL_SCAN_EVERY === 0) await this.hooks.staleScan();
        } catch (err) {
            this.#logError('maintenance', err);
        } finally {
            this.maintaining = false;
        }
    }

    #logError(what, err) {
        if (this.now() - this.lastErrorLogAt < 1000) return;
        this.lastErrorLogAt = this.now();
        this.logger.error({ event: what, outcome: 'error', detail: err.message });
    }

    close() {
        for (const timer of this.timers) clearInterval(timer);
        this.timers = [];
    }
}
