// Room store shared by several server nodes through Redis. Same interface as MemoryStore;
// the room logic itself stays in rooms.js.
//
// Keys (prefix defaults to "rtcmc:"):
//   room:<roomid>          JSON room record (members in join order, owner, limits, extra,
//                          password hash, ejected list)
//   room-members:<roomid>  hash userid -> 1, so that relays check membership with one HEXISTS
//   user-rooms:<userid>    set of roomids the user is in
//   rooms                  set of every roomid (room listing)
//   userid:<userid>        claim token of the connection holding that userid, with a TTL
//                          that the holding node refreshes while the socket is connected
//
// Atomicity: update() is optimistic concurrency with WATCH room:<roomid> / MULTI / EXEC
// on an isolated connection. If another node wrote the room between our read and our
// EXEC, Redis aborts the transaction and the mutation runs again on the new record, so a
// limit check, a join or an owner handover can never be applied on stale state. The
// derived keys (room-members, user-rooms, rooms) are written in the same MULTI.
// Userid claims are SET NX PX (atomic); release, refresh and takeover (resume) are
// compare-and-act Lua scripts so that a node never deletes, extends or hands over a claim
// it no longer holds.

import { createClient, WatchError } from 'redis';

const RELEASE_IF_HELD = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

// KEYS = [claim key], ARGV = [old token, new token, ttl]. 1 if the claim changed hands.
const TAKEOVER_IF_HELD = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

// KEYS = claim keys, ARGV = [ttl, token1, token2, ...]. Returns the 1-based indexes lost.
const REFRESH_IF_HELD = `
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('get', key) == ARGV[i + 1] then
    redis.call('pexpire', key, ARGV[1])
  else
    table.insert(lost, i)
  end
end
return lost`;

const MAX_UPDATE_ATTEMPTS = 50;
const REFRESH_BATCH = 500;

export class RedisStore {
    // onClaimLost(userid): a local connection's claim vanished (e.g. Redis restarted).
    static async connect({ url, prefix = 'rtcmc:', claimTtlMs = 30000, onError, onClaimLost } = {}) {
        const client = createClient({ url, isolationPoolOptions: { min: 0, max: 8 } });
        client.on('error', (err) => onError?.(err));
        await client.connect();
        return new RedisStore({ client, prefix, claimTtlMs, onClaimLost, ownsClient: true });
    }

    constructor({ client, prefix = 'rtcmc:', claimTtlMs = 30000, onClaimLost, ownsClient = false }) {
        this.client = client;
        this.prefix = prefix;
        this.claimTtlMs = claimTtlMs;
        this.onClaimLost = onClaimLost;
        this.ownsClient = ownsClient;
        this.localClaims = new Map(); // userid -> token, claims taken through this store
        this.refreshTimer = setInterval(() => this.refreshClaims().catch(() => {}), claimTtlMs / 3);
        this.refreshTimer.unref();
    }

    #key(kind, id) {
        return `${this.prefix}${kind}:${id}`;
    }

    async get(roomid) {
        const raw = await this.client.get(this.#key('room', roomid));
        return raw ? JSON.parse(raw) : null;
    }

    async update(roomid, mutate) {
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
                    const transaction = connection.multi();
                    this.#queueWrite(transaction, roomid, current, record);
                    await transaction.exec(); // WatchError if room:<roomid> changed since WATCH
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
        for (const userid of after) {
            transaction.hSet(membersKey, userid, '1');
            transaction.sAdd(this.#key('user-rooms', userid), roomid);
        }
        if (record) {
            transaction.set(roomKey, JSON.stringify(record));
            transaction.sAdd(this.#key('rooms', 'all'), roomid);
        } else {
            transaction.del([roomKey, membersKey]);
            transaction.sRem(this.#key('rooms', 'all'), roomid);
        }
    }

    async isMember(roomid, userid) {
        return (await this.client.hExists(this.#key('room-members', roomid), userid)) === true;
    }

    roomsOf(userid) {
        return this.client.sMembers(this.#key('user-rooms', userid));
    }

    async listRecords() {
        const ids = await this.client.sMembers(this.#key('rooms', 'all'));
        const records = [];
        for (let i = 0; i < ids.length; i += 500) {
            const keys = ids.slice(i, i + 500).map((id) => this.#key('room', id));
            for (const raw of await this.client.mGet(keys)) {
                if (raw) records.push(JSON.parse(raw));
            }
        }
        return records;
    }

    roomCount() {
        return this.client.sCard(this.#key('rooms', 'all'));
    }

    async claim(userid, token) {
        const reply = await this.client.set(this.#key('userid', userid), token, {
            NX: true,
            PX: this.claimTtlMs,
        });
        if (reply !== 'OK') return false;
        this.localClaims.set(userid, token);
        return true;
    }

    // Compare-and-swap: hands the claim to `newToken` only if `oldToken` holds it (resume).
    // The node that held the old token finds out at its next refresh (onClaimLost).
    async takeover(userid, oldToken, newToken) {
        const changed = await this.client.eval(TAKEOVER_IF_HELD, {
            keys: [this.#key('userid', userid)],
            arguments: [oldToken, newToken, String(this.claimTtlMs)],
        });
        if (changed !== 1) return false;
        this.localClaims.set(userid, newToken);
        return true;
    }

    async release(userid, token) {
        if (this.localClaims.get(userid) === token) this.localClaims.delete(userid);
        await this.client.eval(RELEASE_IF_HELD, { keys: [this.#key('userid', userid)], arguments: [token] });
    }

    claimHolder(userid) {
        return this.client.get(this.#key('userid', userid));
    }

    // Extends every claim this node holds; reports the ones that are no longer ours.
    async refreshClaims() {
        const entries = [...this.localClaims];
        for (let i = 0; i < entries.length; i += REFRESH_BATCH) {
            const batch = entries.slice(i, i + REFRESH_BATCH);
            const lost = await this.client.eval(REFRESH_IF_HELD, {
                keys: batch.map(([userid]) => this.#key('userid', userid)),
                arguments: [String(this.claimTtlMs), ...batch.map(([, token]) => token)],
            });
            for (const index of lost) {
                const [userid, token] = batch[index - 1];
                if (this.localClaims.get(userid) === token) {
                    this.localClaims.delete(userid);
                    this.onClaimLost?.(userid, token);
                }
            }
        }
    }

    async close() {
        clearInterval(this.refreshTimer);
        if (this.ownsClient && this.client.isOpen) await this.client.quit();
    }
}
