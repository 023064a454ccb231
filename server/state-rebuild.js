// After Redis lost its data (restarted without persistence), a node puts back what its own
// connected sockets hold (issue 14, item 4): their userid claims, then the rooms they are in,
// from the records it last saw (room-record-cache.js) with itself vouching for its own members
// only. Every node does the same; the rooms come back whole once all have. The clients are
// not told anything: for them nothing happened.
//
// sessions: [{userid, token, roomids}] of this node's connected sockets. Returns the sessions
// whose userid another connection took meanwhile (the caller lets them go).

const CHUNK = 100;

export async function rebuildFromSessions({ sessions, cache, rooms, store, logger }) {
    const lost = [];
    for (let i = 0; i < sessions.length; i += CHUNK) {
        const chunk = sessions.slice(i, i + CHUNK);
        const claimed = await Promise.all(chunk.map((session) => store.reclaim(session.userid, session.token)));
        chunk.forEach((session, k) => {
            if (!claimed[k]) lost.push(session);
        });
    }
    const members = new Map(); // roomid -> [{userid, token}]
    for (const session of sessions) {
        if (lost.includes(session)) continue;
        for (const roomid of session.roomids) {
            if (!members.has(roomid)) members.set(roomid, []);
            members.get(roomid).push({ userid: session.userid, token: session.token });
        }
    }
    let restored = 0;
    let unknown = 0;
    for (const [roomid, local] of members) {
        const snapshot = cache.get(roomid);
        if (!snapshot) {
            unknown += 1;
            continue;
        }
        if (await rooms.restore(snapshot, local)) restored += 1;
    }
    logger.warn({
        event: 'rebuild',
        outcome: 'ok',
        count: sessions.length,
        detail: `${restored} rooms restored, ${unknown} unknown, ${lost.length} userids taken meanwhile`,
    });
    return lost;
}
