// Room store shared by several server nodes through Redis. Same interface as MemoryStore;
// the room logic itself stays in rooms.js.
//
// Keys (prefix defaults to "rtcmc:"):
//   room:<roomid>          JSON room record (members in join order, owner, limits, extra,
//                          password hash, ejected list)
//   room-members:<roomid>  hash userid -> member token, so that an addressed relay checks
//                          its target in one round trip (member, and connected: below)
//   user-rooms:<userid>    set of roomids the user is in
//   rooms:all              set of every roomid
//   rooms:listed           sorted set of room-list-key.js keys of listed rooms (list pages)
//   userid:<userid>        "<node id>|<token>": the connection that holds the userid, and
//                          the node it is connected to
//   node:<node id>         a node's heartbeat (Redis time of the last one, ms), with a TTL it
//                          refreshes (cluster-upkeep.js)
//   nodes:all              set of node ids, to find the dead ones
//   node-claims:<node id>  hash userid -> token of the claims taken through that node: what
//                          to clean up when it dies
//   sweep-lock:<node id>   the node cleaning up a dead one (one at a time)
//   swept:<node id>        tombstone: that node was found dead and cleaned up
//   node-presence:<id>     (a pub/sub channel, not a key) each node subscribes to its own:
//                          Redis drops the subscription the moment the node's connection
//                          closes, which tells "connected" apart from "heartbeat not expired"
//   epoch:current          random id written when the data set is new; its absence means
//                          Redis lost the data (restart without persistence)
//   rebuilding:now         present for a moment after a data loss: new claims wait, so that
//                          the nodes can reclaim their own sockets' userids first
// The scripts build node:<id> and node-claims:<id> names themselves, which a single Redis
// allows (Redis Cluster would not: all keys must be declared).
//
// Atomicity: update() is optimistic concurrency with WATCH room:<roomid> / MULTI / EXEC
// on an isolated connection. If another node wrote the room between our read and our
// EXEC, Redis aborts the transaction and the mutation runs again on the new record, so a
// limit check, a join or an owner handover can never be applied on stale state. The
// derived keys are written in the same MULTI. Claims are Lua scripts (compare-and-act).
//
// A claim is valid while its node's heartbeat is alive: a node that dies takes its claims
// with it after NODE_TTL_MS, without a per-claim TTL to refresh. Whoever presents the
// claim's token may still take it over (resume) until another connection claims it.
//
// Faults: every operation fails with StoreUnavailableError (store-errors.js) when Redis is
// known to be unreachable (at once), or when it does not answer within `timeoutMs`. An
// update whose deadline passes before its EXEC is abandoned without effect. A `patient`
// operation (the steps of a resume after its takeover: they must not stop half-way) has no
// deadline: it waits for Redis, and fails only if the connection to Redis does.

import { createHash, randomBytes } from 'node:crypto';
import { createClient, WatchError } from 'redis';
import { listKey } from './room-list-key.js';
import { Deadlines, StoreUnavailableError } from './store-errors.js';

// KEYS = [claim, my node-claims, epoch, rebuilding]; ARGV = [node, token, userid, prefix,
// 'rebuild' or '']. 1 claimed, 0 held by a live connection, -1 the data set is being rebuilt.
const CLAIM = `
if ARGV[5] ~= 'rebuild' and (redis.call('exists', KEYS[3]) == 0 or redis.call('exists', KEYS[4]) == 1) then
  return -1
end
local held = redis.call('get', KEYS[1])
if held then
  if held == ARGV[1] .. '|' .. ARGV[2] then return 1 end
  local node = string.match(held, '^([^|]*)|')
  if node and redis.call('exists', ARGV[4] .. 'node:' .. node) == 1 then return 0 end
end
redis.call('set', KEYS[1], ARGV[1] .. '|' .. ARGV[2])
redis.call('hset', KEYS[2], ARGV[3], ARGV[2])
return 1`;

// KEYS = [claim, my node-claims]; ARGV = [old token, node, new token, userid, prefix].
// 1 if the claim moved from the old token to the new one (on this node).
const TAKEOVER = `
local held = redis.call('get', KEYS[1])
if not held then return 0 end
local node, token = string.match(held, '^([^|]*)|(.*)$')
if token ~= ARGV[1] then return 0 end
redis.call('set', KEYS[1], ARGV[2] .. '|' .. ARGV[3])
if node ~= ARGV[2] then redis.call('hdel', ARGV[5] .. 'node-claims:' .. node, ARGV[4]) end
redis.call('hset', KEYS[2], ARGV[4], ARGV[3])
return 1`;

// KEYS = [claim, node-claims of the holding node]; ARGV = [node, token, userid].
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] .. '|' .. ARGV[2] then redis.call('del', KEYS[1]) end
if redis.call('hget', KEYS[2], ARGV[3]) == ARGV[2] then redis.call('hdel', KEYS[2], ARGV[3]) end
return 1`;

// KEYS = [claim]; ARGV = [prefix]. The holding token while its node lives, else false.
const CLAIM_HOLDER = `
local held = redis.call('get', KEYS[1])
if not held then return false end
local node, token = string.match(held, '^([^|]*)|(.*)$')
if node and redis.call('exists', ARGV[1] .. 'node:' .. node) == 1 then return token end
return false`;

// KEYS = [my heartbeat, nodes, epoch, rebuilding, my tombstone]; ARGV = [node, ttl, the epoch
// this node knows ('' if none), a new epoch, rebuild window]. -> {epoch, swept (0 or 1)}.
const HEARTBEAT = `
local time = redis.call('time')
redis.call('set', KEYS[1], time[1] * 1000 + math.floor(time[2] / 1000), 'PX', ARGV[2])
redis.call('sadd', KEYS[2], ARGV[1])
local epoch = redis.call('get', KEYS[3])
if not epoch then
  epoch = ARGV[4]
  redis.call('set', KEYS[3], epoch)
  if ARGV[3] ~= '' then redis.call('set', KEYS[4], '1', 'PX', ARGV[5]) end
end
return {epoch, redis.call('del', KEYS[5])}`;

// KEYS = [nodes]; ARGV = [my node, prefix]. Node ids whose heartbeat is gone.
const DEAD_NODES = `
local dead = {}
for _, id in ipairs(redis.call('smembers', KEYS[1])) do
  if id ~= ARGV[1] and redis.call('exists', ARGV[2] .. 'node:' .. id) == 0 then table.insert(dead, id) end
end
return dead`;

// KEYS = [room-members, claim of the target]; ARGV = [target, prefix, freshness ms]. The id
// of the target's node (else false) if the target is a member of the room through the connection that holds its userid, on a node
// that is connected to Redis (its presence channel has a subscriber: a node killed with -9
// loses it at once, well before its heartbeat expires) and whose last heartbeat is recent (by
// Redis' clock: after Redis itself stalled, nobody is trusted until they beat again). A relay
// to it is then delivered, not dropped with a dead node.
const REACHABLE_MEMBER = `
local member = redis.call('hget', KEYS[1], ARGV[1])
if not member then return false end
local held = redis.call('get', KEYS[2])
if not held then return false end
local node, token = string.match(held, '^([^|]*)|(.*)$')
if token ~= member then return false end
local beat = redis.call('get', ARGV[2] .. 'node:' .. node)
if not beat then return false end
local time = redis.call('time')
if time[1] * 1000 + math.floor(time[2] / 1000) - tonumber(beat) > tonumber(ARGV[3]) then return false end
local subscribers = redis.call('pubsub', 'numsub', ARGV[2] .. 'node-presence:' .. node)
if subscribers[2] > 0 then return node end
return false`;

// Scripts run by their SHA1 (EVALSHA: the text is sent once, not with every relay), loaded
// again with EVAL when Redis does not know them (a restarted Redis).
const SHA1 = new Map();
function runScript(client, script, keys, args) {
    let sha = SHA1.get(script);
    if (!sha) SHA1.set(script, (sha = createHash('sha1').update(script).digest('hex')));
    const tail = [String(keys.length), ...keys, ...args];
    return client.sendCommand(['EVALSHA', sha, ...tail]).catch((err) => {
        if (!String(err?.message).startsWith('NOSCRIPT')) throw err;
        return client.sendCommand(['EVAL', script, ...tail]);
    });
}

const MAX_UPDATE_ATTEMPTS = 50;
// Connections for WATCH/MULTI room updates (each update holds one for its few round trips).
const ISOLATED_CONNECTIONS = 8;
const BATCH = 500;
const SWEEP_LOCK_MS = 30000;
const TOMBSTONE_MS = 3600000;

// Errors of node-redis that mean "no answer from Redis" (as opposed to a Redis error reply,
// which is a bug of ours and stays what it is).
function isConnectivityError(err) {
    const name = err?.constructor?.name ?? '';
    return (
        ['ClientOfflineError', 'ClientClosedError', 'SocketClosedUnexpectedlyError', 'ConnectionTimeoutError', 'TimeoutError'].includes(name) ||
        err?.message === 'The queue is full' ||
        err?.code === 'ECONNREFUSED' ||
        err?.code === 'ECONNRESET'
    );
}

export function randomNodeId() {
    return randomBytes(9).toString('base64url');
}

// A connection failure becomes StoreUnavailableError; other errors stay what they are.
function toStoreError(err, what) {
    if (err instanceof StoreUnavailableError || !isConnectivityError(err)) return err;
    return new StoreUnavailableError(`Redis connection failed during ${what}: ${err.message}`);
}

// Options every Redis connection of a node uses (store, adapter pub/sub).
export function redisClientOptions({ url, timeoutMs }) {
    return {
        url,
        // While disconnected, commands fail at once instead of waiting in an unbounded queue
        // for a Redis that may never come back (issue 14, item 3).
        disableOfflineQueue: true,
        // Commands waiting for a Redis that stopped answering (paused, overloaded) are bounded.
        commandsQueueMaxLength: 50000,
        socket: {
            connectTimeout: Math.max(1000, timeoutMs),
            // Reconnect quickly (Redis restarts are short) but without spinning.
            reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000),
        },
    };
}

export class RedisStore {
    static async connect({ url, prefix = 'rtcmc:', nodeId = randomNodeId(), timeoutMs = 2000, freshBeatMs, health, onError } = {}) {
        const client = createClient({
            ...redisClientOptions({ url, timeoutMs }),
            // No short acquire timeout: an update's own deadline (checked before its EXEC)
            // abandons it if it waited too long for a connection, and a patient one (a resume
            // under way) must be able to wait. The backstop only bounds a pool that never
            // comes back.
            isolationPoolOptions: { min: 0, max: ISOLATED_CONNECTIONS, acquireTimeoutMillis: Math.max(30000, 10 * timeoutMs) },
        });
        client.on('error', (err) => onError?.(err));
        await client.connect();
        // The node's presence: a subscription that lives exactly as long as its connection
        // (node-redis subscribes again after a reconnection).
        const presence = createClient(redisClientOptions({ url, timeoutMs }));
        presence.on('error', (err) => onError?.(err));
        await presence.connect();
        await presence.subscribe(`${prefix}node-presence:${nodeId}`, () => {});
        // Heartbeats and the health probe on a connection of their own: behind thousands of
        // relay checks on the main one, a heartbeat could wait long enough for the other
        // nodes to think this one dead.
        const liveness = createClient(redisClientOptions({ url, timeoutMs }));
        liveness.on('error', (err) => onError?.(err));
        await liveness.connect();
        const store = new RedisStore({ client, liveness, prefix, nodeId, timeoutMs, freshBeatMs, health, ownsClient: true });
        store.presence = presence;
        return store;
    }

    // health: {failFast: boolean} (redis-health.js): when true, operations fail at once.
    // freshBeatMs: a node whose last heartbeat is older is not trusted to deliver relays.
    // liveness: the connection for heartbeats (the main one if not given).
    constructor({ client, liveness = client, prefix = 'rtcmc:', nodeId = 'node', timeoutMs = 2000, health = null, ownsClient = false, freshBeatMs = 2000 }) {
        this.client = client;
        this.liveness = liveness;
        this.freshBeatMs = freshBeatMs;
        this.prefix = prefix;
        this.nodeId = nodeId;
        this.timeoutMs = timeoutMs;
        this.deadlines = new Deadlines(timeoutMs, { mapError: toStoreError });
        this.health = health;
        this.ownsClient = ownsClient;
        // userid -> token of the claims this node holds (or is taking): its sockets' and
        // those whose cleanup is still pending. The audit compares Redis against it.
        this.localClaims = new Map();
        // Called with (roomid, record | null) after each write of a room by this node.
        this.onRecordWritten = null;
    }

    #key(kind, id) {
        return `${this.prefix}${kind}:${id}`;
    }

    // Runs one store operation under the fault rules above.
    #call(what, operation, { patient = false } = {}) {
        if (!patient && this.health?.failFast) {
            return Promise.reject(new StoreUnavailableError(`Redis is unreachable (${what} not attempted)`));
        }
        let running;
        try {
            running = operation();
        } catch (err) {
            running = Promise.reject(err);
        }
        return patient ? running.catch((err) => Promise.reject(toStoreError(err, what))) : this.deadlines.wrap(running, what);
    }

    get(roomid) {
        return this.#call('get', async () => {
            const raw = await this.client.get(this.#key('room', roomid));
            return raw ? JSON.parse(raw) : null;
        });
    }

    update(roomid, mutate, { patient = false } = {}) {
        const deadline = patient ? Infinity : Date.now() + this.timeoutMs;
        return this.#call('update', () => this.#update(roomid, mutate, deadline), { patient });
    }

    async #update(roomid, mutate, deadline) {
        const roomKey = this.#key('room', roomid);
        for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
            try {
                return await this.client.executeIsolated(async (connection) => {
                    await connection.watch(roomKey);
                    const raw = await connection.get(roomKey);
                    const current = raw ? JSON.parse(raw) : null;
                    const { record, result } = mutate(current);
                    if (record === undefined) {
                        await connection.unwatch();
                        return result;
                    }
                    // The caller has been told STORE_UNAVAILABLE by now: do not write.
                    if (Date.now() > deadline) {
                        await connection.unwatch();
                        throw new StoreUnavailableError(`update of room "${roomid}" abandoned: Redis too slow`);
                    }
                    const transaction = connection.multi();
                    this.#queueWrite(transaction, roomid, current, record);
                    await transaction.exec(); // WatchError if room:<roomid> changed since WATCH
                    this.onRecordWritten?.(roomid, record);
                    return result;
                });
            } catch (err) {
                if (!(err instanceof WatchError)) throw err;
                // Another node won the race: back off a little (randomised) and re-read.
                await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * (attempt + 1)));
            }
        }
        throw new Error(`room "${roomid}" kept changing during ${MAX_UPDATE_ATTEMPTS} attempts`);
    }

    #queueWrite(transaction, roomid, current, record) {
        const roomKey = this.#key('room', roomid);
        const membersKey = this.#key('room-members', roomid);
        const before = current ? current.members.map((m) => m.userid) : [];
        const after = new Set(record ? record.members.map((m) => m.userid) : []);
        for (const userid of before) {
            if (after.has(userid)) continue;
            transaction.hDel(membersKey, userid);
            transaction.sRem(this.#key('user-rooms', userid), roomid);
        }
        for (const member of record ? record.members : []) {
            transaction.hSet(membersKey, member.userid, member.token ?? '');
            transaction.sAdd(this.#key('user-rooms', member.userid), roomid);
        }
        const listedKey = this.#key('rooms', 'listed');
        if (record) {
            transaction.set(roomKey, JSON.stringify(record));
            transaction.sAdd(this.#key('rooms', 'all'), roomid);
            if (record.listed) transaction.zAdd(listedKey, { score: 0, value: listKey(record) });
        } else {
            transaction.del([roomKey, membersKey]);
            transaction.sRem(this.#key('rooms', 'all'), roomid);
            if (current?.listed) transaction.zRem(listedKey, listKey(current));
        }
    }

    // Whether `userid` is a member of the room and connected (its claim matches its member
    // entry, on a live node): the id of that node (truthy), or null.
    isMember(roomid, userid) {
        return this.#call('isMember', async () => {
            const node = await runScript(this.client, REACHABLE_MEMBER, [this.#key('room-members', roomid), this.#key('userid', userid)], [userid, this.prefix, String(this.freshBeatMs)]);
            return node ?? null;
        });
    }

    roomsOf(userid, { patient = false } = {}) {
        return this.#call('roomsOf', () => this.client.sMembers(this.#key('user-rooms', userid)), { patient });
    }

    #records(roomids) {
        return this.#call('records', async () => {
            const records = [];
            for (let i = 0; i < roomids.length; i += BATCH) {
                const keys = roomids.slice(i, i + BATCH).map((id) => this.#key('room', id));
                for (const raw of await this.client.mGet(keys)) {
                    if (raw) records.push(JSON.parse(raw));
                }
            }
            return records;
        });
    }

    // Records of the given rooms that exist (the rebuild cache's refresh).
    getMany(roomids) {
        return roomids.length === 0 ? Promise.resolve([]) : this.#records(roomids);
    }

    async listRecords() {
        const ids = await this.#call('listRecords', () => this.client.sMembers(this.#key('rooms', 'all')));
        return this.#records(ids);
    }

    // Up to `limit` listed room records after list key `after` (null: from the start).
    async listPage(after, limit) {
        const keys = await this.#call('listPage', () =>
            this.client.zRangeByLex(this.#key('rooms', 'listed'), after === null ? '-' : `(${after}`, '+', {
                LIMIT: { offset: 0, count: limit },
            }),
        );
        const records = await this.#records(keys.map((key) => key.slice(16)));
        return records;
    }

    roomCount() {
        return this.#call('roomCount', () => this.client.sCard(this.#key('rooms', 'all')));
    }

    // ---- userid claims --------------------------------------------------------------------

    #runClaim(userid, token, mode) {
        return runScript(this.client, CLAIM, [this.#key('userid', userid), this.#key('node-claims', this.nodeId), this.#key('epoch', 'current'), this.#key('rebuilding', 'now')], [this.nodeId, token, userid, this.prefix, mode]);
    }

    // true: claimed; false: held by a live connection. Throws StoreUnavailableError while
    // the data set is rebuilt after a loss (the nodes reclaim their own sockets first). On a
    // timeout the error's `outcome` resolves with the late answer (true: claimed after all).
    claim(userid, token) {
        this.localClaims.set(userid, token); // before Redis: the audit must not find it foreign
        return this.#tracked(userid, token, 'claim', async () => {
            const reply = await this.#runClaim(userid, token, '');
            if (reply === -1) throw new StoreUnavailableError('the shared state is being rebuilt after a Redis restart; retry');
            return reply === 1;
        });
    }

    // Rebuild after a data loss: claims a connected socket's userid again (false if another
    // live connection got it meanwhile).
    async reclaim(userid, token) {
        const reply = await this.#call('reclaim', () => this.#runClaim(userid, token, 'rebuild'));
        return reply === 1;
    }

    // Compare-and-swap: hands the claim to `newToken` (on this node) only if `oldToken` holds it.
    // `patient`: fails at once if Redis is known unreachable, else waits for its answer.
    takeover(userid, oldToken, newToken, { patient = false } = {}) {
        if (patient && this.health?.failFast) {
            return Promise.reject(new StoreUnavailableError('Redis is unreachable (takeover not attempted)'));
        }
        this.localClaims.set(userid, newToken);
        const operation = async () => {
            const changed = await runScript(this.client, TAKEOVER, [this.#key('userid', userid), this.#key('node-claims', this.nodeId)], [oldToken, this.nodeId, newToken, userid, this.prefix]);
            return changed === 1;
        };
        return this.#tracked(userid, newToken, 'takeover', operation, { patient });
    }

    // Runs a claim-taking operation (-> boolean) and keeps localClaims true to its answer,
    // a late one included.
    async #tracked(userid, token, what, operation, options) {
        const settle = (taken) => {
            if (!taken) this.#forgetLocal(userid, token);
            return taken;
        };
        try {
            return settle(await this.#call(what, operation, options));
        } catch (err) {
            if (err.outcome) err.outcome.then(settle, () => settle(false));
            else settle(false);
            throw err;
        }
    }

    // Frees the claim if `token` (through `nodeId`, this node by default) still holds it.
    async release(userid, token, nodeId = this.nodeId) {
        await this.#call('release', () =>
            runScript(this.client, RELEASE, [this.#key('userid', userid), this.#key('node-claims', nodeId)], [nodeId, token, userid]),
        );
        if (nodeId === this.nodeId) this.#forgetLocal(userid, token);
    }

    #forgetLocal(userid, token) {
        if (this.localClaims.get(userid) === token) this.localClaims.delete(userid);
    }

    // The token of the connection holding `userid`, or null (no claim, or its node is dead).
    claimHolder(userid) {
        return this.#call('claimHolder', async () =>
            (await runScript(this.client, CLAIM_HOLDER, [this.#key('userid', userid)], [this.prefix])) ?? null,
        );
    }

    // ---- node liveness (cluster-upkeep.js) ---------------------------------------------------

    // Writes this node's heartbeat. -> {epoch, swept}: the data set's epoch (a new one if it
    // was missing), and whether another node had found this one dead and cleaned it up.
    async heartbeat({ ttlMs, knownEpoch, newEpoch, rebuildWindowMs }) {
        const [epoch, swept] = await this.#call('heartbeat', () =>
            runScript(
                this.liveness,
                HEARTBEAT,
                [
                    this.#key('node', this.nodeId),
                    this.#key('nodes', 'all'),
                    this.#key('epoch', 'current'),
                    this.#key('rebuilding', 'now'),
                    this.#key('swept', this.nodeId),
                ],
                [this.nodeId, String(ttlMs), knownEpoch ?? '', newEpoch, String(rebuildWindowMs)],
            ),
        );
        return { epoch, swept: swept === 1 };
    }

    deadNodes() {
        return this.#call('deadNodes', () =>
            runScript(this.liveness, DEAD_NODES, [this.#key('nodes', 'all')], [this.nodeId, this.prefix]),
        );
    }

    // One node at a time cleans up a dead one.
    async lockSweep(nodeId) {
        const reply = await this.#call('lockSweep', () =>
            this.client.set(this.#key('sweep-lock', nodeId), this.nodeId, { NX: true, PX: SWEEP_LOCK_MS }),
        );
        return reply === 'OK';
    }

    // [[userid, token], ...] claimed through `nodeId`.
    async nodeClaims(nodeId) {
        const entries = await this.#call('nodeClaims', () => this.client.hGetAll(this.#key('node-claims', nodeId)));
        return Object.entries(entries);
    }

    // The dead node is cleaned up: forget it, and leave a tombstone in case it is only cut off.
    forgetNode(nodeId) {
        return this.#call('forgetNode', () =>
            this.client
                .multi()
                .del([this.#key('node-claims', nodeId), this.#key('sweep-lock', nodeId)])
                .sRem(this.#key('nodes', 'all'), nodeId)
                .set(this.#key('swept', nodeId), '1', { PX: TOMBSTONE_MS })
                .exec(),
        );
    }

    // Compares the claims Redis holds for this node with the ones it believes it holds:
    // -> {lost: [[userid, token]] (ours locally, not in Redis any more),
    //     orphans: [[userid, token]] (in Redis for this node, unknown locally)}.
    // Nothing is reported if the data set is not `expectedEpoch` (Redis lost its data: the
    // rebuild puts the claims back, they are not lost).
    async auditClaims(expectedEpoch) {
        const epoch = await this.#call('audit', () => this.client.get(this.#key('epoch', 'current')));
        if (epoch !== expectedEpoch) return { lost: [], orphans: [] };
        const local = [...this.localClaims];
        const held = [];
        for (let i = 0; i < local.length; i += BATCH) {
            const batch = local.slice(i, i + BATCH);
            held.push(...(await this.#call('audit', () => this.client.mGet(batch.map(([userid]) => this.#key('userid', userid))))));
        }
        const lost = local.filter(([userid, token], k) => held[k] !== `${this.nodeId}|${token}` && this.localClaims.get(userid) === token);
        const recorded = await this.nodeClaims(this.nodeId);
        const orphans = recorded.filter(([userid, token]) => this.localClaims.get(userid) !== token);
        return { lost, orphans };
    }

    async close() {
        if (!this.ownsClient) return;
        for (const client of new Set([this.client, this.presence, this.liveness])) {
            if (!client?.isOpen) continue;
            await Promise.race([client.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
            if (client.isOpen) await client.disconnect().catch(() => {});
        }
    }
}
