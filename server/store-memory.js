// In-process room store: the embedded default (one node, rooms in memory).
// Two maps, as in socket.io's own in-memory adapter: rooms by id, and for each userid the
// set of rooms it is in (kept in step with the rooms' member lists on every write).
// update() runs the mutation synchronously between read and write, so it is atomic in a
// single-threaded process without any lock. Listed rooms are also kept in list order (a
// sorted array of room-list-key.js keys) so that a page is a binary search and a slice.

import { listKey } from './room-list-key.js';

export class MemoryStore {
    constructor() {
        this.rooms = new Map(); // roomid -> room record (see rooms.js)
        this.memberRooms = new Map(); // userid -> Set<roomid>
        this.claims = new Map(); // userid -> token of the connection that holds it
        this.listed = []; // list keys of listed rooms, sorted
    }

    get(roomid) {
        return this.rooms.get(roomid) ?? null;
    }

    // mutate(current | null) -> {record, result}; record undefined = unchanged, null = delete.
    // (Options are RedisStore's; nothing here waits.)
    update(roomid, mutate) {
        const current = this.rooms.get(roomid) ?? null;
        const { record, result } = mutate(current);
        if (record !== undefined) this.#write(roomid, current, record);
        return result;
    }

    #write(roomid, current, record) {
        const before = current ? current.members.map((m) => m.userid) : [];
        const after = new Set(record ? record.members.map((m) => m.userid) : []);
        for (const userid of before) {
            if (!after.has(userid)) this.#unindex(userid, roomid);
        }
        for (const userid of after) {
            let rooms = this.memberRooms.get(userid);
            if (!rooms) this.memberRooms.set(userid, (rooms = new Set()));
            rooms.add(roomid);
        }
        if (record) this.rooms.set(roomid, record);
        else this.rooms.delete(roomid);
        if (current?.listed && !record) this.#unlist(listKey(current));
        if (record?.listed && !current) this.#list(listKey(record));
    }

    // Index of the first key greater than `key` (or of `key` itself with `inclusive`).
    #bound(key, inclusive) {
        let low = 0;
        let high = this.listed.length;
        while (low < high) {
            const middle = (low + high) >>> 1;
            const before = inclusive ? this.listed[middle] < key : this.listed[middle] <= key;
            if (before) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    #list(key) {
        this.listed.splice(this.#bound(key, true), 0, key);
    }

    #unlist(key) {
        const at = this.#bound(key, true);
        if (this.listed[at] === key) this.listed.splice(at, 1);
    }

    // Up to `limit` listed room records after list key `after` (null: from the start).
    listPage(after, limit) {
        const start = after === null ? 0 : this.#bound(after, false);
        return this.listed.slice(start, start + limit).map((key) => this.rooms.get(key.slice(16)));
    }

    #unindex(userid, roomid) {
        const rooms = this.memberRooms.get(userid);
        if (!rooms) return;
        rooms.delete(roomid);
        if (rooms.size === 0) this.memberRooms.delete(userid);
    }

    // A member through the connection that holds its userid (as RedisStore.isMember).
    isMember(roomid, userid) {
        if (!this.memberRooms.get(userid)?.has(roomid)) return false;
        const member = this.rooms.get(roomid).members.find((m) => m.userid === userid);
        return member.token === this.claims.get(userid);
    }

    roomsOf(userid) {
        const rooms = this.memberRooms.get(userid);
        return rooms ? [...rooms] : [];
    }

    listRecords() {
        return [...this.rooms.values()];
    }

    roomCount() {
        return this.rooms.size;
    }

    claim(userid, token) {
        if (this.claims.has(userid)) return false;
        this.claims.set(userid, token);
        return true;
    }

    // Compare-and-swap: hands the claim to `newToken` only if `oldToken` holds it (resume).
    takeover(userid, oldToken, newToken) {
        if (this.claims.get(userid) !== oldToken) return false;
        this.claims.set(userid, newToken);
        return true;
    }

    release(userid, token) {
        if (this.claims.get(userid) === token) this.claims.delete(userid);
    }

    claimHolder(userid) {
        return this.claims.get(userid) ?? null;
    }

    async close() {}
}
