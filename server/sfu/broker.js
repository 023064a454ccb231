// The SFU broker (docs/sfu-broker.md): carries a member's Janus frames between its socket.io
// connection and Janus, one Janus WebSocket (janus-link.js) per client and SFU room, and
// holds what pages must never have (the rooms' secrets and pins, the admin connection,
// janus-admin.js). Events:
//   client -> server  `sfu` {roomid, frame}   frame: the text of one Janus JSON frame
//   server -> client  `sfu` {roomid, frame}   every frame Janus sends on that WebSocket
//                     `sfu-status` {roomid, status: 'refused', reason, transaction?}
//                                  {roomid, status: 'gone', reason}  Janus is unreachable
//                                  {roomid, status: 'back'}          ...and reachable again
// `sfu` is a plain event (no ack): refusals come as `sfu-status`.
//
// Without RTCMC_JANUS_URL the broker is disabled: open-room's `sfu` makes a mesh room and
// every `sfu` frame is refused.

import { splitAck } from '../request-guard.js';
import { TokenBucket } from '../rate-limit.js';
import { validateRequest } from '../validate.js';
import { checkClientFrame, transactionOf } from './frame-rules.js';
import { JanusAdmin } from './janus-admin.js';
import { JanusLink } from './janus-link.js';
import { drawRoomParams } from './room-params.js';

const ROOM_CHANNEL_PREFIX = 'room:';

export function createSfuBroker({ nsp, rooms, config, logger }) {
    const enabled = Boolean(config.janusUrl);
    const admin = enabled
        ? new JanusAdmin({
              url: config.janusUrl,
              adminKey: config.janusAdminKey,
              timeoutMs: config.janusTimeoutMs,
              keepaliveMs: config.janusKeepaliveMs,
              retryMaxMs: config.janusRetryMaxMs,
              logger,
          }).start()
        : null;
    // socket id -> {socket, bucket, links: Map<roomid, JanusLink>, gone: Set<roomid>}
    const clients = new Map();
    const linkLimits = {
        timeoutMs: config.janusTimeoutMs,
        maxQueuedFrames: config.sfuMaxQueuedFrames,
        maxQueuedBytes: config.maxQueuedBytes,
        maxSessions: config.sfuMaxSessions,
        maxHandles: config.sfuMaxHandles,
    };

    // ---- what clients are told ------------------------------------------------------------

    function refuse(client, roomid, reason, transaction) {
        const { socket } = client;
        socket.data.logRefusal?.({ event: 'sfu', socket: socket.id, userid: socket.data.userid, roomid, outcome: 'SFU_REFUSED', detail: reason });
        socket.emit('sfu-status', { roomid, status: 'refused', reason, ...(transaction !== undefined ? { transaction } : {}) });
    }

    // The client's Janus WebSocket for the room is closed (if any), and it is told. Once per
    // WebSocket lost (the admin connection's drop only reaches rooms that still have one),
    // and once per frame sent while Janus is away: no frame waits for an answer that will
    // not come. It will hear `back` when Janus is reachable again.
    function tellGone(client, roomid, reason) {
        closeLink(client, roomid);
        client.gone.add(roomid);
        client.socket.emit('sfu-status', { roomid, status: 'gone', reason });
    }

    function tellBack(client, roomid) {
        client.gone.delete(roomid);
        client.socket.emit('sfu-status', { roomid, status: 'back' });
    }

    const isMember = (client, roomid) => client.socket.connected && client.socket.rooms.has(ROOM_CHANNEL_PREFIX + roomid);

    function closeLink(client, roomid) {
        const link = client.links.get(roomid);
        if (!link) return;
        client.links.delete(roomid);
        link.close();
    }

    // ---- frames -----------------------------------------------------------------------------

    function onFrame(client, rawArgs) {
        const [args] = splitAck(rawArgs);
        const check = validateRequest('sfu', args, { jsonChecked: true });
        if (!check.ok) {
            const roomid = typeof args[0]?.roomid === 'string' ? args[0].roomid.slice(0, 256) : null;
            return refuse(client, roomid, check.message);
        }
        const { roomid, frame: text } = check.value;
        if (!client.bucket.take()) {
            const reason = `too many SFU frames: at most ${config.sfuFrameRate} per second (bursts of ${config.sfuFrameBurst})`;
            return refuse(client, roomid, reason, transactionOf(text));
        }
        // Read first, so that every refusal below names the frame's transaction.
        const checked = checkClientFrame(text, { maxBytes: config.sfuMaxFrameBytes });
        if (!checked.ok) return refuse(client, roomid, checked.reason, checked.transaction);
        const { transaction } = checked.frame;
        if (!enabled) return refuse(client, roomid, 'this server has no SFU (RTCMC_JANUS_URL is not set)', transaction);
        if (!isMember(client, roomid)) return refuse(client, roomid, `you are not in room "${roomid}"`, transaction);
        if (admin.state === 'down') return tellGone(client, roomid, 'Janus is not reachable');
        let link = client.links.get(roomid);
        if (!link) {
            if (client.links.size >= config.sfuMaxJanusSockets) {
                return refuse(client, roomid, `at most ${config.sfuMaxJanusSockets} Janus connections per client`, transaction);
            }
            link = openLink(client, roomid);
        }
        const problem = link.push(checked, Buffer.byteLength(text));
        if (problem) refuse(client, roomid, problem, transaction);
    }

    function openLink(client, roomid) {
        const { socket } = client;
        const link = new JanusLink({
            url: config.janusUrl,
            userid: socket.data.userid,
            params: roomParamsOf(roomid),
            admin,
            limits: linkLimits,
            callbacks: {
                onFrame: (frame) => socket.emit('sfu', { roomid, frame }),
                onRefused: (reason, transaction) => refuse(client, roomid, reason, transaction),
                onClosed: () => {
                    if (client.links.get(roomid) === link) client.links.delete(roomid);
                },
                onGone: (reason) => {
                    if (client.links.get(roomid) !== link) return;
                    client.links.delete(roomid);
                    tellGone(client, roomid, reason);
                    // Only this WebSocket went? Then Janus is still there: say so once the
                    // admin connection has heard from it. (If Janus is down, the admin
                    // connection drops too, and `back` comes when it is up again.)
                    admin.probe().then((reachable) => {
                        if (reachable && client.gone.has(roomid) && isMember(client, roomid)) tellBack(client, roomid);
                    });
                },
            },
        });
        client.links.set(roomid, link);
        return link;
    }

    async function roomParamsOf(roomid) {
        let params;
        try {
            params = await rooms.sfuParams(roomid);
        } catch (err) {
            throw new Error(err.code === 'STORE_UNAVAILABLE' ? 'the room store is unreachable; try again shortly' : 'the room could not be read');
        }
        if (!params) throw new Error(`room "${roomid}" is not an SFU room`);
        return params;
    }

    // ---- Janus reachability -------------------------------------------------------------------

    if (admin) {
        admin.on('down', (reason) => {
            for (const client of clients.values()) {
                for (const roomid of [...client.links.keys()]) tellGone(client, roomid, reason);
            }
        });
        admin.on('up', () => {
            for (const client of clients.values()) {
                for (const roomid of [...client.gone]) {
                    if (isMember(client, roomid)) tellBack(client, roomid);
                    else client.gone.delete(roomid);
                }
            }
        });
    }

    // A socket left a room's channel (left, ejected, room closed, disconnected: on whichever
    // node that was decided, the adapter runs it here): its Janus WebSocket for it closes.
    nsp.adapter.on('leave-room', (channel, socketId) => {
        if (typeof channel !== 'string' || !channel.startsWith(ROOM_CHANNEL_PREFIX)) return;
        const client = clients.get(socketId);
        if (!client) return;
        const roomid = channel.slice(ROOM_CHANNEL_PREFIX.length);
        closeLink(client, roomid);
        client.gone.delete(roomid);
    });

    // A resumed connection's rooms: the previous connection's Janus WebSockets close with
    // it, so for each SFU room the client hears `gone`, then `back` to join Janus again.
    async function afterResume(client, roomids) {
        for (const roomid of roomids) {
            let params = null;
            try {
                params = await rooms.sfuParams(roomid);
            } catch {
                // The store is out: the client will find out with its next frame.
            }
            if (!params || !isMember(client, roomid)) continue;
            tellGone(client, roomid, 'the signaling connection was resumed; the previous one\'s Janus connection is closed');
            if (admin.state === 'up') tellBack(client, roomid);
        }
    }

    return {
        enabled,
        // The record's Janus parameters for an open-room request, or null for a mesh room.
        roomParams(request) {
            if (!enabled || request.sfu !== true) return null;
            return drawRoomParams(request, { defaultBitrate: config.sfuDefaultBitrate, maxPublishers: config.sfuMaxPublishers });
        },
        // Called for each connected socket (after signaling set socket.data).
        attach(socket) {
            const client = {
                socket,
                bucket: new TokenBucket({ ratePerSecond: config.sfuFrameRate, burst: config.sfuFrameBurst }),
                links: new Map(),
                gone: new Set(),
            };
            clients.set(socket.id, client);
            socket.on('sfu', (...args) => onFrame(client, args));
            socket.on('disconnect', () => {
                for (const roomid of [...client.links.keys()]) closeLink(client, roomid);
                clients.delete(socket.id);
            });
            const resumed = socket.data.resumed;
            if (enabled && resumed && resumed.rooms.length > 0) afterResume(client, resumed.rooms);
        },
        // A room record went away (closed, emptied): its Janus room goes too. `params` is
        // the record's `sfu` (null for a mesh room).
        roomRemoved(params) {
            if (params && admin) admin.destroyRoom(params);
        },
        // For tests and /healthz-like probes: 'connecting' | 'up' | 'down' | 'closed' | 'off'.
        state: () => (admin ? admin.state : 'off'),
        close() {
            for (const client of clients.values()) {
                for (const roomid of [...client.links.keys()]) closeLink(client, roomid);
            }
            admin?.close();
        },
    };
}
