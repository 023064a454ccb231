// Room lists are ordered by creation time, then room id (oldest first). A room's place in
// that order is one string, `<createdAt, 15 digits>:<roomid>`, that sorts correctly as text:
// the memory store keeps a sorted array of them, Redis a sorted set read by lexical range.
// A page's cursor (`next`) is the key of its last room, in base64url: opaque to clients.

export function listKey(record) {
    return `${String(record.createdAt).padStart(15, '0')}:${record.roomid}`;
}

export function encodeCursor(key) {
    return Buffer.from(key, 'utf8').toString('base64url');
}

// The key inside a cursor this server made, or null for anything else.
export function decodeCursor(cursor) {
    const key = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!/^\d{15}:./s.test(key) || encodeCursor(key) !== cursor) return null;
    return key;
}
