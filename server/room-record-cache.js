// The last record this node saw of each room its own sockets are in. If Redis loses its data
// (restart without persistence), the nodes put the rooms back from these (state-rebuild.js):
// the metadata (owner, password hash, limits, extras) exists nowhere else. Fed by every room
// write of this node and refreshed from Redis regularly (other nodes' writes); rooms without
// a local member are dropped at each refresh.

export class RoomRecordCache {
    constructor() {
        this.records = new Map(); // roomid -> record
    }

    written(roomid, record) {
        if (record) this.records.set(roomid, record);
        else this.records.delete(roomid);
    }

    get(roomid) {
        return this.records.get(roomid) ?? null;
    }

    // localRoomids: the rooms this node's sockets are in now; records: their current records.
    refresh(localRoomids, records) {
        const keep = new Set(localRoomids);
        for (const roomid of this.records.keys()) if (!keep.has(roomid)) this.records.delete(roomid);
        for (const record of records) this.records.set(record.roomid, record);
    }
}
