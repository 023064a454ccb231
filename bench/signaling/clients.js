// The two client protocols driven by the load generator: ours (docs/server.md) and the
// published rtcmulticonnection-server's (query userid/sessionid/msgEvent, open-room /
// join-room with (ok, error) callbacks, relays on the message event addressed by
// remoteUserId). Both use socket.io-client 4.8.4 over WebSocket.

import { io } from 'socket.io-client';

// An ICE candidate, the most frequent signaling message, as the relayed body.
export const CANDIDATE =
    'candidate:842163049 1 udp 1677729535 192.0.2.1 56143 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sXaa network-cost 999';

const UPSTREAM_EVENT = 'RTCMultiConnection-Message';

function waitFor(socket, event, failEvent, timeoutMs, what) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${what}: no "${event}" within ${timeoutMs} ms`)), timeoutMs);
        socket.once(event, (value) => {
            clearTimeout(timer);
            resolve(value);
        });
        if (failEvent) {
            socket.once(failEvent, (err) => {
                clearTimeout(timer);
                reject(new Error(`${what}: ${failEvent} ${err?.message ?? JSON.stringify(err)}`));
            });
        }
    });
}

function callback(socket, event, payload, timeoutMs, what) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
        socket.emit(event, payload, (...answer) => {
            clearTimeout(timer);
            resolve(answer);
        });
    });
}

const socketOptions = { transports: ['websocket'], reconnection: false, forceNew: true };

export const PROTOCOLS = {
    ours: {
        async connect(url, userid) {
            const socket = io(url, { ...socketOptions, auth: { userid } });
            await waitFor(socket, 'welcome', 'connect_error', 20000, `connect ${userid}`);
            return { socket, userid };
        },
        async open(client, roomid) {
            const [ack] = await callback(client.socket, 'open-room', { roomid }, 20000, `open ${roomid}`);
            if (!ack.ok) throw new Error(`open-room ${roomid}: ${ack.error.code}`);
        },
        async join(client, roomid) {
            const [ack] = await callback(client.socket, 'join-room', { roomid }, 20000, `join ${roomid}`);
            if (!ack.ok) throw new Error(`join-room ${roomid}: ${ack.error.code}`);
        },
        onMessage(client, handler) {
            client.socket.on('relay', (message) => handler(message.data));
        },
        onError(client, handler) {
            client.socket.on('error-event', handler);
        },
        send(client, to, roomid, data) {
            client.socket.emit('relay', { roomid, to, data });
        },
    },

    upstream: {
        async connect(url, userid, roomid) {
            const socket = io(url, { ...socketOptions, query: { userid, sessionid: roomid, msgEvent: UPSTREAM_EVENT } });
            await waitFor(socket, 'connect', 'connect_error', 20000, `connect ${userid}`);
            return { socket, userid };
        },
        async open(client, roomid) {
            const [opened, error] = await callback(
                client.socket,
                'open-room',
                { sessionid: roomid, session: { audio: true, video: true }, extra: {}, identifier: '', password: '' },
                20000,
                `open ${roomid}`,
            );
            if (!opened) throw new Error(`open-room ${roomid}: ${error}`);
        },
        async join(client, roomid) {
            const [joined, error] = await callback(
                client.socket,
                'join-room',
                { sessionid: roomid, session: { audio: true, video: true }, extra: {}, password: '' },
                20000,
                `join ${roomid}`,
            );
            if (!joined) throw new Error(`join-room ${roomid}: ${error}`);
        },
        onMessage(client, handler) {
            client.socket.on(UPSTREAM_EVENT, (message) => handler(message.message));
        },
        onError(client, handler) {
            client.socket.on('user-not-found', handler);
            client.socket.on('userid-already-taken', handler);
        },
        send(client, to, roomid, data) {
            client.socket.emit(UPSTREAM_EVENT, { remoteUserId: to, sender: client.userid, message: data });
        },
    },
};
