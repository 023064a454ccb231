// Shared helpers for the server suites: a real server on an ephemeral port, real
// socket.io-client sockets, and waits that fail with a message saying what was awaited.

import { expect } from '@jest/globals';
import { io as ioClient } from 'socket.io-client';
import { createServer } from '../../../../server/index.js';

const openSockets = new Set();

export async function startServer(options = {}) {
    const server = createServer({ logLevel: 'silent', ...options });
    const { url, port } = await server.listen(0, '127.0.0.1');
    return { server, url, port };
}

// A client socket; not yet connected. `path` is a namespace ('/chan') or ''.
// `from`: the loopback address to connect from (127.0.0.2, ...): the server then sees
// another client address, for the per-address limits. `headers`: extra HTTP headers of the
// WebSocket handshake (X-Forwarded-For, as a proxy would add).
export function connect(url, { userid, extra, auth, path = '', from, headers } = {}) {
    const authPayload = auth ?? {};
    if (userid !== undefined) authPayload.userid = userid;
    if (extra !== undefined) authPayload.extra = extra;
    const socket = ioClient(url.replace(/\/$/, '') + path, {
        auth: authPayload,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        ...(from ? { localAddress: from } : {}),
        ...(headers ? { extraHeaders: headers } : {}),
    });
    openSockets.add(socket);
    return socket;
}

// Resolves with the first emission of `event` (its first argument), or rejects after
// `timeoutMs` with a message naming the event and the socket. The 10 s default only
// matters when something is wrong, or when the machine's two cores are very busy.
export async function once(socket, event, timeoutMs = 10000) {
    return (await firstOf(socket, [event], timeoutMs)).value;
}

// Resolves with {event, value} for whichever of `events` comes first.
export function firstOf(socket, events, timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
        const label = socket.auth?.userid ?? socket.nsp ?? 'socket';
        const listeners = events.map((event) => [event, (value) => finish(() => resolve({ event, value }))]);
        const timer = setTimeout(
            () =>
                finish(() =>
                    reject(new Error(`timed out after ${timeoutMs} ms waiting for ${events.map((e) => `"${e}"`).join(' or ')} on ${label}`)),
                ),
            timeoutMs,
        );
        function finish(settle) {
            clearTimeout(timer);
            for (const [event, listener] of listeners) socket.off(event, listener);
            settle();
        }
        for (const [event, listener] of listeners) socket.on(event, listener);
    });
}

// Connects and waits for our `welcome`. Returns {socket, welcome}.
export async function connectUser(url, options = {}) {
    const socket = connect(url, options);
    const welcome = await once(socket, 'welcome');
    return { socket, userid: welcome.userid, welcome };
}

// Request with an ack, bounded in time.
export function request(socket, event, payload, timeoutMs = 10000) {
    const call = socket.timeout(timeoutMs);
    return payload === undefined ? call.emitWithAck(event) : call.emitWithAck(event, payload);
}

// Records every emission of `event` into an array (for "nothing else arrived" checks).
export function record(socket, event) {
    const seen = [];
    socket.on(event, (value) => seen.push(value));
    return seen;
}

export function closeAllSockets() {
    for (const socket of openSockets) socket.close();
    openSockets.clear();
}

// `sender` relays to `targetId` in `roomid` and must get UNKNOWN_USER; then a sentinel through
// `sideRoom` (which both share) must be the only relay `target` ever saw. The sentinel leaves
// the sender's node after the refused relay, so it arrives after it (on one node or across
// two). `targetId` is the addressee as written in the refused relay; `targetUserid` the
// target's real userid, for the sentinel.
export async function expectRelayRefusedAndUndelivered(sender, target, targetId, roomid, sideRoom, targetUserid = targetId) {
    const seen = record(target, 'relay');
    const refused = await request(sender, 'relay', { roomid, to: targetId, data: 'must not arrive' });
    expect(refused.error).toEqual({ code: 'UNKNOWN_USER', message: `user "${targetId}" is not in room "${roomid}"` });
    const sentinel = once(target, 'relay');
    await request(sender, 'relay', { roomid: sideRoom, to: targetUserid, data: 'sentinel' });
    await sentinel;
    expect(seen.map((m) => m.data)).toEqual(['sentinel']);
}
