// socket.io wiring of our protocol (docs/server.md) on the default namespace: identity at
// connect, request validation, then one call into Rooms per request, and the events that
// the result implies. Room policy lives in rooms.js; this file decides nothing about it.
//
// Each socket joins two kinds of socket.io rooms, which are only delivery channels:
//   user:<userid>  its own, to reach it from any node (addressed relay, ejection);
//   room:<roomid>  one per room it is a member of; mirrors the store's membership and is
//                  what a relay's sender is checked against (no store round trip per relay).
// With the Redis adapter these channels span every node, so an ejection or a relay
// reaches a socket wherever it is connected.

import { randomBytes, randomUUID } from 'node:crypto';
import { failure } from './rooms.js';
import { WrongAttemptDelays, WrongPasswordDelay } from './password-delay.js';
import { ROOM_LIST_CHANNEL, RoomListFeed } from './room-list-feed.js';
import { guardRequests, reply, splitAck } from './request-guard.js';
import { isThenable, SerialQueue } from './serial-queue.js';
import { validateAuth, validateChannelName, validateRequest } from './validate.js';

export const PROTOCOL_VERSION = 1;

const userChannel = (userid) => `user:${userid}`;
const roomChannel = (roomid) => `room:${roomid}`;

const OK = Object.freeze({ ok: true });

// Node-to-node (serverSideEmit): "the connection of <userid> with <token> was resumed
// elsewhere; disconnect it if it is yours".
const SUPERSEDE_EVENT = 'rtcmc:supersede';

function connectError(code, message) {
    const err = new Error(code);
    err.data = { code, message };
    return err;
}

export function attachSignaling(io, { rooms, config, logger, seedChannels, sharedStore }) {
    const nsp = io.of('/');
    const localSockets = new Map(); // userid -> socket connected to this node
    const pendingCleanups = new Set();
    const resumeDelays = new WrongAttemptDelays({ baseMs: config.passwordDelayBaseMs, maxMs: config.passwordDelayMaxMs });
    const roomList = new RoomListFeed({
        io,
        rooms,
        debounceMs: config.roomListDebounceMs,
        onlyLocalSubscribers: !sharedStore,
        logger,
    });

    // ---- identity -----------------------------------------------------------------------

    nsp.use(async (socket, next) => {
        const auth = validateAuth(socket.handshake.auth);
        if (!auth.ok) {
            logger.info({ event: 'connect', socket: socket.id, outcome: auth.code });
            return next(connectError(auth.code, auth.message));
        }
        // The connection's claim token. It doubles as its resume secret: it goes to this
        // socket alone (welcome), and otherwise never leaves the server (not in views, events
        // or logs; claims and member records keep it server-side).
        const token = randomUUID();
        const { resume } = auth.value;
        let userid = auth.value.userid;
        let resumed = null;
        try {
            if (userid !== undefined) {
                let claimed = await rooms.claimUserid(userid, token);
                if (!claimed && resume !== undefined) {
                    resumed = await rooms.resumeUserid(userid, resume, token);
                    // The old connection's departure may have been processed meanwhile: the
                    // userid is free, and this is a fresh connect (welcome says resumed: false).
                    if (!resumed) claimed = await rooms.claimUserid(userid, token);
                }
                if (!claimed && !resumed) {
                    logger.info({ event: 'connect', socket: socket.id, userid, outcome: 'USERID_TAKEN' });
                    // A wrong resume token is slowed down like a wrong password (per userid,
                    // this node), and otherwise answered exactly like any taken userid.
                    if (resume !== undefined) await sleep(resumeDelays.fail(userid));
                    return next(connectError('USERID_TAKEN', `userid "${userid}" is already connected`));
                }
                resumeDelays.succeed(userid);
            } else {
                // No userid asked: assign a random one (the seed snippet connects this way).
                for (let attempt = 0; userid === undefined && attempt < 5; attempt++) {
                    const candidate = randomBytes(12).toString('base64url');
                    if (await rooms.claimUserid(candidate, token)) userid = candidate;
                }
                if (userid === undefined) throw new Error('could not draw a free userid');
            }
        } catch (err) {
            logger.error({ event: 'connect', socket: socket.id, outcome: 'SERVER_ERROR', detail: err.message });
            return next(connectError('SERVER_ERROR', 'the server could not register this connection'));
        }
        socket.data.userid = userid;
        socket.data.token = token;
        socket.data.extra = auth.value.extra ?? null;
        // {from: the replaced connection's token, rooms: the rooms kept}, or null.
        socket.data.resumed = resumed && { from: resume, rooms: resumed.rooms };
        // If the connection drops before `connection` fires, socket.io discards the socket
        // silently: free the claim then, or the userid would stay taken.
        // (A resumed connection also holds rooms by now: it leaves them.)
        socket.conn.once('close', () => {
            if (!socket.data.connected) trackCleanup(userid, departEverywhere(userid, token));
        });
        next();
    });

    // ---- requests -----------------------------------------------------------------------

    const handlers = {
        async 'open-room'(socket, request) {
            const result = await rooms.open(user(socket), request);
            if (!result.ok) return result;
            socket.join(roomChannel(request.roomid));
            if (result.listed) roomList.changed();
            return { ok: true, room: result.room };
        },

        async 'join-room'(socket, request) {
            const { roomid } = request;
            const result = await rooms.join(user(socket), request);
            if (!result.ok) {
                if (result.error.code === 'WRONG_PASSWORD') {
                    const delayMs = socket.data.passwordDelay.fail();
                    await Promise.race([sleep(delayMs), socket.data.closed]);
                }
                return result;
            }
            if (result.room.isPasswordProtected) socket.data.passwordDelay.succeed();
            const channel = roomChannel(roomid);
            socket.join(channel);
            const { userid, extra } = result.member;
            socket.to(channel).emit('member-joined', { roomid, userid, extra });
            socket.to(channel).emit('user-status', { roomid, userid, status: 'online', extra });
            if (result.listed) roomList.changed();
            return { ok: true, room: result.room };
        },

        async 'leave-room'(socket, { roomid }) {
            const result = await rooms.leave(socket.data.userid, roomid, 'left');
            if (!result.ok) return result;
            socket.leave(roomChannel(roomid));
            announceDeparture(result);
            return OK;
        },

        async 'check-presence'(socket, { roomid }) {
            return rooms.checkPresence(roomid);
        },

        async 'list-rooms'() {
            return { ok: true, rooms: await rooms.listRooms() };
        },

        async 'subscribe-rooms'(socket) {
            socket.join(ROOM_LIST_CHANNEL);
            return { ok: true, rooms: await rooms.listRooms() };
        },

        async 'unsubscribe-rooms'(socket) {
            socket.leave(ROOM_LIST_CHANNEL);
            return OK;
        },

        async eject(socket, { roomid, userid: target }) {
            const result = await rooms.eject(socket.data.userid, roomid, target);
            if (!result.ok) return result;
            // Out of the room's channel first (on whichever node it is), then told.
            io.in(userChannel(target)).socketsLeave(roomChannel(roomid));
            io.to(userChannel(target)).emit('ejected', { roomid, by: socket.data.userid });
            announceDeparture(result);
            return OK;
        },

        async 'close-room'(socket, { roomid }) {
            const result = await rooms.close(socket.data.userid, roomid);
            if (!result.ok) return result;
            const channel = roomChannel(roomid);
            io.to(channel).emit('room-closed', { roomid, reason: 'closed-by-owner' });
            io.in(channel).socketsLeave(channel);
            if (result.listed) roomList.changed();
            return OK;
        },

        async 'update-extra'(socket, { extra }) {
            const { userid } = socket.data;
            socket.data.extra = extra;
            const result = await rooms.updateExtra(userid, extra);
            for (const { roomid } of result.rooms) {
                socket.to(roomChannel(roomid)).emit('extra-updated', { roomid, userid, extra });
            }
            if (result.rooms.some((room) => room.isOwner && room.listed)) roomList.changed();
            return OK;
        },

        // Not async: in memory mode a relay completes synchronously (the hot path).
        relay(socket, { roomid, to, data }) {
            const channel = roomChannel(roomid);
            if (!socket.rooms.has(channel)) {
                return failure('NOT_IN_ROOM', `you are not in room "${roomid}"`);
            }
            // `from` is the userid bound to this socket, never taken from the payload.
            const message = { roomid, from: socket.data.userid, data };
            if (to === undefined) {
                socket.to(channel).emit('relay', message);
                return OK;
            }
            const deliver = (isMember) => {
                if (!isMember) return failure('UNKNOWN_USER', `user "${to}" is not in room "${roomid}"`);
                // Same node: straight to the socket. Elsewhere: through the adapter (Redis).
                const local = localSockets.get(to);
                if (local) local.emit('relay', message);
                else io.to(userChannel(to)).emit('relay', message);
                return OK;
            };
            const isMember = rooms.isMember(roomid, to);
            return isThenable(isMember) ? isMember.then(deliver) : deliver(isMember);
        },

        ...seedChannels.handlers,
    };

    // Positional payloads (the seed protocol's `presence` takes the bare channel name).
    const validators = {
        presence: (args) =>
            args.length === 1 ? validateChannelName(args[0]) : validateChannelName(undefined, 'payload'),
    };

    const knownEvents = new Set(Object.keys(handlers));

    function explainInvalid(event, args) {
        const check = validators[event] ? validators[event](args) : validateRequest(event, args);
        return check.ok ? null : check.message;
    }

    function user(socket) {
        const { userid, extra, token } = socket.data;
        return { userid, extra, token };
    }

    // Tells the remaining members what a departure (left, ejected, disconnected) did.
    // Order: owner-changed before member-left, so a client handling member-left of the
    // old owner already knows the new one.
    function announceDeparture(result) {
        const { roomid, member, reason, outcome } = result;
        const channel = roomChannel(roomid);
        if (outcome === 'closed') {
            io.to(channel).emit('room-closed', { roomid, reason: 'owner-left' });
            io.in(channel).socketsLeave(channel);
        } else if (outcome !== 'empty') {
            if (outcome === 'handover') io.to(channel).emit('owner-changed', { roomid, owner: result.owner });
            // An ejected socket on another node may not have left the channel yet.
            const others = io.to(channel).except(userChannel(member.userid));
            others.emit('member-left', { roomid, userid: member.userid, extra: member.extra, reason });
            const offline = { roomid, userid: member.userid, status: 'offline', extra: member.extra };
            others.emit('user-status', offline);
        }
        if (result.listed) roomList.changed();
        logger.info({
            event: 'departure',
            userid: member.userid,
            roomid,
            reason,
            outcome,
            owner: result.owner ?? undefined,
        });
    }

    function dispatch(socket, event, rawArgs) {
        const [args, ack] = splitAck(rawArgs);
        const check = validators[event]
            ? validators[event](args)
            : validateRequest(event, args, { jsonChecked: true });
        const level = event === 'relay' ? 'debug' : 'info';
        if (!check.ok) {
            if (logger.enabled(level)) {
                const { userid } = socket.data;
                logger[level]({ event, socket: socket.id, userid, outcome: check.code, detail: check.message });
            }
            reply(socket, event, ack, failure(check.code, check.message), { alwaysEmit: true });
            return;
        }
        const request = check.value;
        const queue = socket.data.queue;
        if (queue.full) {
            reply(socket, event, ack, failure('RATE_LIMITED', 'too many requests waiting'), { alwaysEmit: true });
            return;
        }
        const finish = (response) => {
            if (socket.connected) reply(socket, event, ack, response);
            if (logger.enabled(level)) {
                logger[level]({
                    event,
                    socket: socket.id,
                    userid: socket.data.userid,
                    roomid: request.roomid,
                    target: request.to ?? (event === 'eject' ? request.userid : undefined),
                    channel: request.channel ?? (typeof request === 'string' ? request : undefined),
                    outcome: response.ok ? 'ok' : response.error.code,
                });
            }
        };
        const fail = (err) => {
            const { userid } = socket.data;
            logger.error({ event, socket: socket.id, userid, outcome: 'SERVER_ERROR', detail: err.message });
            finish(failure('SERVER_ERROR', 'the server could not handle this request'));
        };
        const outcome = queue.run(() => {
            try {
                return handlers[event](socket, request);
            } catch (err) {
                return Promise.reject(err);
            }
        });
        if (isThenable(outcome)) outcome.then(finish, fail);
        else finish(outcome);
    }

    nsp.on('connection', (socket) => {
        const { userid } = socket.data;
        socket.data.connected = true;
        socket.data.queue = new SerialQueue({ limit: config.rateLimitBurst * 2 });
        socket.data.passwordDelay = new WrongPasswordDelay({
            baseMs: config.passwordDelayBaseMs,
            maxMs: config.passwordDelayMaxMs,
        });
        socket.data.closed = new Promise((resolve) => {
            socket.data.markClosed = resolve;
        });
        const previous = localSockets.get(userid);
        localSockets.set(userid, socket);
        socket.join(userChannel(userid));
        const { resumed } = socket.data;
        if (resumed) {
            for (const roomid of resumed.rooms) socket.join(roomChannel(roomid));
            supersede(userid, resumed.from, previous);
        }
        let lastFloodLog = -Infinity;
        guardRequests(socket, {
            knownEvents,
            config,
            explain: explainInvalid,
            onRefused: (event, code) => {
                // A flood is logged once per second per socket, not once per message.
                if (code === 'RATE_LIMITED') {
                    if (performance.now() - lastFloodLog < 1000) return;
                    lastFloodLog = performance.now();
                }
                logger.info({ event: String(event).slice(0, 64), socket: socket.id, userid, outcome: code });
            },
        });
        for (const event of knownEvents) {
            socket.on(event, (...args) => dispatch(socket, event, args));
        }
        socket.on('disconnect', (reason) => onDisconnect(socket, reason));
        socket.emit('welcome', {
            userid,
            protocol: PROTOCOL_VERSION,
            limits: { maxMessageBytes: config.maxMessageBytes },
            resumeToken: socket.data.token,
            resumed: resumed !== null,
            ...(resumed ? { rooms: resumed.rooms } : {}),
        });
        logger.info({ event: 'connect', socket: socket.id, userid, outcome: resumed ? 'resumed' : 'ok' });
    });

    function onDisconnect(socket, reason) {
        const { userid, token } = socket.data;
        socket.data.markClosed();
        if (localSockets.get(userid) === socket) localSockets.delete(userid);
        seedChannels.forget(socket);
        // After the socket's pending requests, so a join in flight is undone too.
        trackCleanup(userid, socket.data.queue.run(() => departEverywhere(userid, token)));
        logger.info({ event: 'disconnect', socket: socket.id, userid, reason, outcome: 'ok' });
    }

    // A connection is gone: it leaves the rooms it is a member of *through its token* and
    // frees its claim. After a resume, the rooms and the claim belong to the new token, so
    // the replaced connection leaves nothing and nobody is told anything.
    async function departEverywhere(userid, token) {
        for (const result of await rooms.leaveAll(userid, 'disconnected', token)) {
            announceDeparture(result);
        }
        await rooms.releaseUserid(userid, token);
    }

    function trackCleanup(userid, promise) {
        const cleanup = Promise.resolve(promise).catch((err) =>
            logger.error({ event: 'disconnect', userid, outcome: 'SERVER_ERROR', detail: err.message }),
        );
        pendingCleanups.add(cleanup);
        cleanup.finally(() => pendingCleanups.delete(cleanup));
    }

    // ---- resume: the replaced connection goes, wherever it is -----------------------------

    // Called once the resuming socket has joined its channels. The old socket is on this
    // node (`previous`) or on another one (Redis adapter: told through serverSideEmit).
    function supersede(userid, oldToken, previous) {
        if (previous && previous.data.token === oldToken) retire(previous);
        else if (sharedStore) nsp.serverSideEmit(SUPERSEDE_EVENT, userid, oldToken);
    }

    // Disconnects a replaced socket. Its room-list subscription (the only channel not
    // derived from the store) passes to the new one first, through the user's channel.
    function retire(old) {
        const { userid } = old.data;
        if (old.rooms.has(ROOM_LIST_CHANNEL)) io.in(userChannel(userid)).socketsJoin(ROOM_LIST_CHANNEL);
        logger.info({ event: 'superseded', socket: old.id, userid, outcome: 'disconnected' });
        old.disconnect(true);
    }

    if (sharedStore) {
        nsp.on(SUPERSEDE_EVENT, (userid, oldToken) => {
            if (typeof userid !== 'string' || typeof oldToken !== 'string') return;
            const old = localSockets.get(userid);
            if (old && old.data.token === oldToken) retire(old);
        });
    }

    // ---- Redis mode upkeep ---------------------------------------------------------------

    // A claim this node held vanished (Redis restart, long partition): another connection
    // may now hold that userid, so this one must not go on using it.
    function onClaimLost(userid, token) {
        const socket = localSockets.get(userid);
        if (socket && socket.data.token === token) {
            logger.warn({ event: 'claim-lost', socket: socket.id, userid, outcome: 'disconnected' });
            socket.disconnect(true);
        }
    }

    // Members whose node died keep their place in Redis until their claim expires; then
    // whichever node sweeps first removes them and tells their room-mates.
    async function sweepStaleMembers() {
        for (const result of await rooms.removeStaleMembers()) announceDeparture(result);
    }

    return {
        onClaimLost,
        sweepStaleMembers,
        localSocketCount: () => nsp.sockets.size,
        // Resolves when every disconnect cleanup started so far has finished.
        async drain() {
            while (pendingCleanups.size > 0) await Promise.allSettled([...pendingCleanups]);
        },
        close() {
            roomList.close();
        },
    };
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
