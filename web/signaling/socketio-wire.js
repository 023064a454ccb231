// The two text encodings a socket.io v4 server speaks over a WebSocket, written from the
// protocol documents (Engine.IO protocol v4, Socket.IO protocol v5):
//   Engine.IO frame   <type digit><data>            e.g. "2" (ping), "4..." (message)
//   Socket.IO packet  <type digit>[<nsp>,][<ack id>][<JSON>]   carried in an engine message
// Only what our client needs: no binary packets, no long-polling payloads (one WebSocket
// frame is exactly one engine packet). Decoders return null for anything malformed and
// never throw: a server (or a proxy) sending garbage must not break the page.
//
// Fields parsed from the server's JSON are read with quoted names, so that Closure's
// ADVANCED mode, which renames dotted properties, leaves them alone.

export const ENGINE = Object.freeze({ OPEN: '0', CLOSE: '1', PING: '2', PONG: '3', MESSAGE: '4', UPGRADE: '5', NOOP: '6' });

export const SOCKET = Object.freeze({
    CONNECT: 0,
    DISCONNECT: 1,
    EVENT: 2,
    ACK: 3,
    CONNECT_ERROR: 4,
    BINARY_EVENT: 5,
    BINARY_ACK: 6,
});

const DEFAULT_NAMESPACE = '/';

// ---- Engine.IO ---------------------------------------------------------------------------

export function encodeEngine(type, data = '') {
    return type + data;
}

// -> {type, data} or null. Binary frames (non-strings) are not part of what we speak.
export function decodeEngine(frame) {
    if (typeof frame !== 'string' || frame.length === 0) return null;
    const type = frame[0];
    if (type < ENGINE.OPEN || type > ENGINE.NOOP) return null;
    return { type, data: frame.slice(1) };
}

// The OPEN packet's handshake -> {sid, pingInterval, pingTimeout} or null.
export function parseHandshake(data) {
    const handshake = parseJson(data);
    if (!isObject(handshake)) return null;
    const sid = handshake['sid'];
    const pingInterval = handshake['pingInterval'];
    const pingTimeout = handshake['pingTimeout'];
    if (typeof sid !== 'string' || !isDuration(pingInterval) || !isDuration(pingTimeout)) return null;
    return { sid, pingInterval, pingTimeout };
}

// ---- Socket.IO ---------------------------------------------------------------------------

// packet: {type, nsp?, id?, data?} -> the text of an engine MESSAGE's data.
export function encodeSocket({ type, nsp = DEFAULT_NAMESPACE, id, data }) {
    let text = String(type);
    // The default namespace is implied; any other one is written out, followed by a comma.
    if (nsp !== DEFAULT_NAMESPACE) text += nsp + ',';
    if (id !== undefined) text += id;
    if (data !== undefined) text += JSON.stringify(data);
    return text;
}

// The text of an engine MESSAGE -> {type, nsp, id, data} or null when it is not a
// well-formed packet of a type we accept (binary packets are refused: we never ask for them).
export function decodeSocket(text) {
    if (typeof text !== 'string' || text.length === 0) return null;
    const type = text.charCodeAt(0) - 48;
    if (!(type >= SOCKET.CONNECT && type <= SOCKET.CONNECT_ERROR)) return null;
    let at = 1;

    let nsp = DEFAULT_NAMESPACE;
    if (text[at] === '/') {
        const comma = text.indexOf(',', at);
        if (comma < 0) return null;
        nsp = text.slice(at, comma);
        at = comma + 1;
    }

    let id;
    const digitsStart = at;
    while (at < text.length && text[at] >= '0' && text[at] <= '9') at++;
    if (at > digitsStart) {
        id = Number(text.slice(digitsStart, at));
        if (!Number.isSafeInteger(id)) return null;
    }

    let data;
    if (at < text.length) {
        data = parseJson(text.slice(at));
        if (data === undefined) return null;
    }
    const packet = { type, nsp, id, data };
    return isValidSocketPacket(packet) ? packet : null;
}

// The payload each packet type must carry (Socket.IO protocol v5).
function isValidSocketPacket({ type, id, data }) {
    switch (type) {
        case SOCKET.CONNECT:
            return id === undefined && isObject(data); // {sid}
        case SOCKET.DISCONNECT:
            return id === undefined && data === undefined;
        case SOCKET.EVENT:
            return Array.isArray(data) && data.length > 0 && typeof data[0] === 'string';
        case SOCKET.ACK:
            return id !== undefined && Array.isArray(data);
        case SOCKET.CONNECT_ERROR:
            return id === undefined && (isObject(data) || typeof data === 'string');
        default:
            return false;
    }
}

// ---- helpers ---------------------------------------------------------------------------

function parseJson(text) {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDuration(value) {
    return Number.isInteger(value) && value > 0;
}
