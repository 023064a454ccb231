// Room bookkeeping: the authority on membership (in join order), ownership, extra data,
// passwords, participant limits, ejection and owner handover. No socket in sight: the
// socket wiring (signaling.js) turns the results below into events.
//
// The logic lives once, here, as pure functions from a room record to the next record.
// A store keeps the records: MemoryStore (one process, the default) or RedisStore
// (several nodes). store.update(roomid, mutate) applies `mutate` atomically; RedisStore
// may call it more than once when another node changed the room meanwhile, which is why
// every mutation below is a pure function of its input and never edits it in place.

import { MemoryStore } from './store-memory.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { decodeCursor, encodeCursor, listKey } from './room-list-key.js';
import { jsonBytes } from './validate.js';

export const DEFAULT_MAX_PARTICIPANTS = 1000;
// Ejected userids remembered per room (until the owner changes); beyond it the oldest go.
const MAX_EJECTED_REMEMBERED = 1000;

export function failure(code, message) {
    return { ok: false, error: { code, message } };
}

// ---- views: what clients may see. Never the password, its hash, or claim tokens. ---------

export function roomView(record) {
    return {
        roomid: record.roomid,
        owner: record.owner,
        members: record.members.map(({ userid, extra, joinedAt }) => ({ userid, extra, joinedAt })),
        maxParticipantsAllowed: record.maxParticipantsAllowed,
        autoCloseEntireSession: record.autoCloseEntireSession,
        session: record.session,
        direction: record.direction,
        isPasswordProtected: record.password !== null,
        extra: record.extra,
        // An SFU room (docs/sfu-broker.md); its Janus parameters (record.sfu) stay here.
        ...(record.sfu ? { sfu: true } : {}),
    };
}

export function publicRoomView(record) {
    return {
        roomid: record.roomid,
        owner: record.owner,
        extra: record.extra,
        participants: record.members.length,
        maxParticipantsAllowed: record.maxParticipantsAllowed,
        isFull: isFull(record),
        isPasswordProtected: record.password !== null,
        session: record.session,
        direction: record.direction,
        ...(record.channel ? { channel: record.channel } : {}),
        ...(record.sfu ? { sfu: true } : {}),
    };
}

// maxParticipantsAllowed counts the participants besides the owner (upstream: 1 = one-to-one).
function isFull(record) {
    return record.members.length >= record.maxParticipantsAllowed + 1;
}

const plural = (count) => (count === 1 ? '' : 's');

function findMember(record, userid) {
    return record.members.find((member) => member.userid === userid);
}

// The member entry of `user` through its own connection: same userid *and* same token.
// Someone who claims the userid of a connection that is gone (its node died) is not that
// member, and must not act as it (issue 14, item 6).
function findSession(record, user) {
    const member = findMember(record, user.userid);
    return member && member.token === user.token ? member : null;
}

function isOwnerSession(record, user) {
    return record.owner === user.userid && findSession(record, user) !== null;
}

function samePassword(a, b) {
    if (a === null || b === null) return a === b;
    return a.hash === b.hash && a.salt === b.salt;
}

// ---- pure transitions ------------------------------------------------------------------

// Removes `userid` from the room and decides what happens to the room:
//   'left'     the room goes on, owner unchanged;
//   'handover' the owner left, the longest-present remaining member owns the room now;
//   'closed'   the owner left a room opened with autoCloseEntireSession: room deleted;
//   'empty'    nobody is left: room deleted.
// A deleted SFU room's result carries its Janus parameters (`sfu`), for the broker to destroy
// the Janus room; the server never sends a result as it is.
export function departure(record, userid, reason) {
    const member = findMember(record, userid);
    const remaining = record.members.filter((m) => m.userid !== userid);
    const base = {
        ok: true,
        roomid: record.roomid,
        member: { userid, extra: member.extra },
        reason,
        listed: record.listed,
        remaining: remaining.map((m) => m.userid),
    };
    const removed = { ...base, owner: null, sfu: record.sfu ?? null };
    if (remaining.length === 0) {
        return { record: null, result: { ...removed, outcome: 'empty' } };
    }
    if (userid !== record.owner) {
        const next = { ...record, members: remaining };
        return { record: next, result: { ...base, outcome: 'left', owner: record.owner } };
    }
    if (record.autoCloseEntireSession) {
        return { record: null, result: { ...removed, outcome: 'closed' } };
    }
    // members[] is in join order, so the first remaining one has been there longest.
    const heir = remaining[0];
    const next = { ...record, members: remaining, owner: heir.userid, extra: heir.extra, ejected: [] };
    return { record: next, result: { ...base, outcome: 'handover', owner: heir.userid } };
}

// ---- the class -------------------------------------------------------------------------

// Bytes a list page's envelope ({ok, rooms: [], next}) takes besides its room views.
const PAGE_ENVELOPE_BYTES = 1024;

export class Rooms {
    // maxViewBytes: the largest RoomView a join may produce (its answer); hashPassword: how
    // passwords are hashed at open (signaling.js bounds how many run at once).
    constructor({
        store = new MemoryStore(),
        now = Date.now,
        maxRoomsPerUser = 32,
        maxViewBytes = Infinity,
        hashPassword: hash = hashPassword,
    } = {}) {
        this.store = store;
        this.now = now;
        this.maxRoomsPerUser = maxRoomsPerUser;
        this.maxViewBytes = maxViewBytes;
        this.hashPassword = hash;
    }

    // -- identity: one live connection per userid, across every node of the store --

    claimUserid(userid, token) {
        return this.store.claim(userid, token);
    }

    releaseUserid(userid, token) {
        return this.store.release(userid, token);
    }

    // A new connection that presents the token of the connection holding `userid` takes
    // the userid over (docs/server.md, "Resuming"): the claim moves to `newToken` atomically,
    // then each room record that still lists the user under the old token is rebound to the
    // new one, so that the old connection's disconnect finds nothing of its own to leave.
    // Returns null if `oldToken` does not hold the claim (wrong, stale, or already released),
    // else {rooms, extras}: the rooms the user is still a member of, now under `newToken`,
    // and its member extra in each (roomid -> extra), for telling the room it is back.
    // Once the claim has moved, the rebinding must not stop half-way: its store calls are
    // `patient` (they wait for a Redis that went quiet instead of timing out).
    async resumeUserid(userid, oldToken, newToken) {
        if (!(await this.store.takeover(userid, oldToken, newToken, { patient: true }))) return null;
        const patient = { patient: true };
        const rooms = [];
        const extras = new Map();
        for (const roomid of await this.store.roomsOf(userid, patient)) {
            const kept = await this.store.update(
                roomid,
                (current) => {
                    const member = current && findMember(current, userid);
                    if (!member || member.token !== oldToken) return { result: null };
                    const members = current.members.map((m) => (m === member ? { ...m, token: newToken } : m));
                    return { record: { ...current, members }, result: { extra: member.extra } };
                },
                patient,
            );
            if (kept) {
                rooms.push(roomid);
                extras.set(roomid, kept.extra);
            }
        }
        return { rooms, extras };
    }

    // -- requests. `user` is {userid, extra, token}: who asks, as bound by the server --

    // `sfu`: the room's Janus parameters when it is an SFU room (sfu/room-params.js), else
    // null. The server decides (the opener asked and Janus is configured), not the request.
    async open(user, request, { sfu = null } = {}) {
        const { roomid } = request;
        const limitError = await this.#roomLimitError(user.userid);
        if (limitError) return limitError;
        // Existence first: a request that fails anyway must not cost a password hash.
        if (await this.store.get(roomid)) return failure('ROOM_EXISTS', `room "${roomid}" already exists`);
        const password = request.password ? await this.hashPassword(request.password) : null;
        const extra = request.extra !== undefined ? request.extra : user.extra;
        const joinedAt = this.now();
        return this.store.update(roomid, (current) => {
            if (current) return { result: failure('ROOM_EXISTS', `room "${roomid}" already exists`) };
            const record = {
                roomid,
                owner: user.userid,
                members: [{ userid: user.userid, extra, joinedAt, token: user.token }],
                maxParticipantsAllowed: request.maxParticipantsAllowed ?? DEFAULT_MAX_PARTICIPANTS,
                autoCloseEntireSession: request.autoCloseEntireSession ?? false,
                session: request.session ?? null,
                direction: request.direction ?? null,
                channel: request.channel ?? null,
                listed: request.listed ?? true,
                extra,
                password,
                ejected: [],
                createdAt: joinedAt,
                sfu,
            };
            return { record, result: { ok: true, room: roomView(record), listed: record.listed } };
        });
    }

    // checkPassword(password, passwordRecord, roomid) -> true | a failure: how a password is
    // checked (signaling.js adds attempt limits and bounded hashing around verifyPassword).
    async join(user, request, { checkPassword = defaultCheckPassword } = {}) {
        const { roomid } = request;
        const limitError = await this.#roomLimitError(user.userid);
        if (limitError) return limitError;
        const extra = request.extra !== undefined ? request.extra : user.extra;
        // The password is checked outside the atomic update (scrypt takes milliseconds);
        // the update then requires the same password record, else it starts again.
        for (let attempt = 0; attempt < 3; attempt++) {
            const snapshot = await this.store.get(roomid);
            const precheck = this.#joinPrecheck(snapshot, user.userid, roomid);
            if (precheck) return precheck;
            if (snapshot.password !== null) {
                const verdict = await checkPassword(request.password ?? '', snapshot.password, roomid);
                if (verdict !== true) return verdict;
            }
            const joinedAt = this.now();
            const result = await this.store.update(roomid, (current) => {
                const error = this.#joinPrecheck(current, user.userid, roomid);
                if (error) return { result: error };
                if (!samePassword(current.password, snapshot.password)) return { result: { retry: true } };
                if (isFull(current)) {
                    const allowed = current.maxParticipantsAllowed;
                    return {
                        result: failure(
                            'ROOM_FULL',
                            `room "${roomid}" is full (${allowed} participant${plural(allowed)} allowed)`,
                        ),
                    };
                }
                const member = { userid: user.userid, extra, joinedAt, token: user.token };
                const record = { ...current, members: [...current.members, member] };
                if (this.#viewTooLarge(record)) {
                    const message = `room "${roomid}" is full: with this member's extra data its view would exceed ${this.maxViewBytes} bytes`;
                    return { result: failure('ROOM_FULL', message) };
                }
                return {
                    record,
                    result: {
                        ok: true,
                        room: roomView(record),
                        member: { userid: user.userid, extra },
                        listed: record.listed,
                    },
                };
            });
            if (!result.retry) return result;
        }
        return failure('ROOM_BUSY', `room "${roomid}" changed while joining; try again`);
    }

    #joinPrecheck(record, userid, roomid) {
        if (!record) return failure('ROOM_NOT_FOUND', `room "${roomid}" does not exist`);
        if (findMember(record, userid)) return failure('ALREADY_IN_ROOM', `you are already in room "${roomid}"`);
        if (record.ejected.includes(userid)) {
            return failure('EJECTED', `you were ejected from room "${roomid}" by its owner`);
        }
        return null;
    }

    #viewTooLarge(record) {
        return this.maxViewBytes !== Infinity && jsonBytes(roomView(record)) > this.maxViewBytes;
    }

    async #roomLimitError(userid) {
        const count = (await this.store.roomsOf(userid)).length;
        if (count < this.maxRoomsPerUser) return null;
        return failure('TOO_MANY_ROOMS', `a connection can be in at most ${this.maxRoomsPerUser} rooms`);
    }

    // `user` leaves through its own connection (a stranger with the same userid is not in).
    leave(user, roomid, reason = 'left') {
        return this.store.update(roomid, (current) => {
            if (!current) return { result: failure('ROOM_NOT_FOUND', `room "${roomid}" does not exist`) };
            if (!findSession(current, user)) {
                return { result: failure('NOT_IN_ROOM', `you are not in room "${roomid}"`) };
            }
            return departure(current, user.userid, reason);
        });
    }

    // On disconnect: leave every room, in no particular order. Returns the successful results.
    // With `token`, only the rooms where the user is a member through that connection: a
    // room rebound to a resuming connection (resumeUserid) is not the old one's to leave.
    async leaveAll(userid, reason = 'disconnected', token = undefined) {
        const results = [];
        for (const roomid of await this.store.roomsOf(userid)) {
            const result = await this.store.update(roomid, (current) => {
                const member = current && findMember(current, userid);
                if (!member || (token !== undefined && member.token !== token)) return { result: null };
                return departure(current, userid, reason);
            });
            if (result) results.push(result);
        }
        return results;
    }

    // `by` is {userid, token}: the owner's own connection, not just its userid.
    eject(by, roomid, targetUserid) {
        const byUserid = by.userid;
        return this.store.update(roomid, (current) => {
            if (!current) return { result: failure('ROOM_NOT_FOUND', `room "${roomid}" does not exist`) };
            if (!isOwnerSession(current, by)) {
                return { result: failure('NOT_OWNER', `only the owner of room "${roomid}" can eject`) };
            }
            if (targetUserid === byUserid) {
                const message = 'the owner cannot eject itself; use leave-room or close-room';
                return { result: failure('CANNOT_EJECT_SELF', message) };
            }
            if (!findMember(current, targetUserid)) {
                const message = `user "${targetUserid}" is not in room "${roomid}"`;
                return { result: failure('UNKNOWN_USER', message) };
            }
            const { record, result } = departure(current, targetUserid, 'ejected');
            const ejected = [...record.ejected, targetUserid].slice(-MAX_EJECTED_REMEMBERED);
            return { record: { ...record, ejected }, result: { ...result, by: byUserid } };
        });
    }

    close(by, roomid) {
        return this.store.update(roomid, (current) => {
            if (!current) return { result: failure('ROOM_NOT_FOUND', `room "${roomid}" does not exist`) };
            if (!isOwnerSession(current, by)) {
                return { result: failure('NOT_OWNER', `only the owner of room "${roomid}" can close it`) };
            }
            return {
                record: null,
                result: {
                    ok: true,
                    roomid,
                    members: current.members.map((m) => m.userid),
                    listed: current.listed,
                    sfu: current.sfu ?? null,
                },
            };
        });
    }

    // Sets the user's extra in every room it is in through this connection (and the room's
    // extra where it owns it). Refused (ROOM_FULL, nothing changed) if a room's view would
    // grow past maxViewBytes.
    async updateExtra(user, extra) {
        const { userid } = user;
        const change = (current) => {
            if (!current || !findSession(current, user)) return null;
            const isOwner = current.owner === userid;
            const record = {
                ...current,
                members: current.members.map((m) => (m.userid === userid ? { ...m, extra } : m)),
                extra: isOwner ? extra : current.extra,
            };
            return { record, isOwner };
        };
        const roomids = await this.store.roomsOf(userid);
        if (this.maxViewBytes !== Infinity) {
            for (const roomid of roomids) {
                const changed = change(await this.store.get(roomid));
                if (changed && this.#viewTooLarge(changed.record)) {
                    const message = `room "${roomid}" is full: with this extra its view would exceed ${this.maxViewBytes} bytes`;
                    return failure('ROOM_FULL', message);
                }
            }
        }
        const rooms = [];
        for (const roomid of roomids) {
            const result = await this.store.update(roomid, (current) => {
                const changed = change(current);
                if (!changed) return { result: null };
                return { record: changed.record, result: { roomid, isOwner: changed.isOwner, listed: current.listed } };
            });
            if (result) rooms.push(result);
        }
        return { ok: true, rooms };
    }

    // -- queries --

    async checkPresence(roomid) {
        const record = await this.store.get(roomid);
        if (!record) return { ok: true, exists: false };
        return { ok: true, exists: true, room: publicRoomView(record) };
    }

    // One page of listed rooms, oldest first: at most `limit` views, and fewer if they would
    // make the answer larger than maxBytes. `next` (absent on the last page) is the cursor of
    // the following page. An unknown cursor gives null.
    async listRooms({ cursor = null, limit = 100, maxBytes = Infinity } = {}) {
        const after = cursor === null ? null : decodeCursor(cursor);
        if (cursor !== null && after === null) return null;
        const records = await this.store.listPage(after, limit + 1);
        const rooms = [];
        let bytes = PAGE_ENVELOPE_BYTES;
        let lastKey = null;
        for (const record of records.slice(0, limit)) {
            const view = publicRoomView(record);
            const size = jsonBytes(view) + 1;
            if (rooms.length > 0 && bytes + size > maxBytes) break;
            rooms.push(view);
            bytes += size;
            lastKey = listKey(record);
        }
        const page = { rooms };
        if (rooms.length < records.length) page.next = encodeCursor(lastKey);
        return page;
    }

    // The RoomView of a room `user` is a member of through this connection: a client whose
    // signaling connection came back (resume) learns who joined, left or took over meanwhile.
    async viewFor(user, roomid) {
        const record = await this.store.get(roomid);
        if (!record) return failure('ROOM_NOT_FOUND', `room "${roomid}" does not exist`);
        if (!findSession(record, user)) return failure('NOT_IN_ROOM', `you are not in room "${roomid}"`);
        return { ok: true, room: roomView(record) };
    }

    // The Janus parameters of an SFU room (record.sfu), or null (no such room, or a mesh room).
    async sfuParams(roomid) {
        const record = await this.store.get(roomid);
        return record?.sfu ?? null;
    }

    async getRoom(roomid) {
        const record = await this.store.get(roomid);
        return record ? roomView(record) : null;
    }

    // Truthy when `userid` is a member of the room through the connection holding its userid
    // (with Redis: the id of the node that connection is on).
    isMember(roomid, userid) {
        return this.store.isMember(roomid, userid);
    }

    roomsOf(userid) {
        return this.store.roomsOf(userid);
    }

    async counts() {
        return { rooms: await this.store.roomCount() };
    }

    // A dead node's connections leave their rooms as 'disconnected': claims is
    // [[userid, token], ...]. Returns the departures, for notification.
    async removeSessions(claims) {
        const results = [];
        for (const [userid, token] of claims) results.push(...(await this.leaveAll(userid, 'disconnected', token)));
        return results;
    }

    // Members whose userid claim is gone or held by another connection (their node died)
    // leave their rooms as 'disconnected'; a room whose owner is not among its members (a
    // rebuild after a Redis loss, when the owner's node did not come back) passes to the
    // longest-present member. Returns the departures, for notification.
    async removeStaleMembers() {
        const members = [];
        const ownerless = [];
        for (const record of await this.store.listRecords()) {
            for (const member of record.members) members.push({ roomid: record.roomid, member });
            if (!findMember(record, record.owner)) ownerless.push(record.roomid);
        }
        const stale = [];
        // Claim look-ups in parallel batches (one round trip each with Redis pipelining).
        for (let i = 0; i < members.length; i += 500) {
            const batch = members.slice(i, i + 500);
            const holders = await Promise.all(batch.map(({ member }) => this.store.claimHolder(member.userid)));
            batch.forEach((entry, k) => {
                if (holders[k] !== entry.member.token) stale.push(entry);
            });
        }
        const results = [];
        for (const { roomid, member } of stale) {
            const result = await this.store.update(roomid, (current) => {
                const still = current && findMember(current, member.userid);
                if (!still || still.token !== member.token) return { result: null };
                return departure(current, member.userid, 'disconnected');
            });
            if (result) results.push(result);
        }
        for (const roomid of ownerless) {
            const result = await this.store.update(roomid, (current) => {
                if (!current || findMember(current, current.owner)) return { result: null };
                // The absent owner "leaves": handover (or closing) by the usual rule.
                const withOwner = { ...current, members: [{ userid: current.owner, extra: null }, ...current.members] };
                return departure(withOwner, current.owner, 'disconnected');
            });
            if (result) results.push(result);
        }
        return results;
    }

    // After Redis lost its data: puts back a room from the last record this node saw, with
    // the members this node vouches for (its own connected sockets: [{userid, token}]).
    // Other nodes add theirs the same way; members stay in join order. Nothing is announced:
    // for the clients nothing happened.
    restore(snapshot, localMembers) {
        const tokens = new Map(localMembers.map(({ userid, token }) => [userid, token]));
        const mine = snapshot.members.filter((member) => tokens.get(member.userid) === member.token);
        return this.store.update(snapshot.roomid, (current) => {
            const base = current ?? { ...snapshot, members: [] };
            const missing = mine.filter((member) => !findMember(base, member.userid));
            if (missing.length === 0) return { result: false };
            const members = [...base.members, ...missing].sort((a, b) => a.joinedAt - b.joinedAt);
            return { record: { ...base, members }, result: true };
        });
    }
}

function defaultCheckPassword(password, record, roomid) {
    return verifyPassword(password, record).then(
        (matches) => matches || failure('WRONG_PASSWORD', `wrong password for room "${roomid}"`),
    );
}
