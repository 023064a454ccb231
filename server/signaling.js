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
//
// Faults of the shared store (Redis) reach clients as STORE_UNAVAILABLE (store-errors.js).
// A write that may still land after that answer is followed up: a late open or join is
// undone, a late departure is announced (lateOutcome below).

import { randomBytes, randomUUID } from 'node:crypto';
import { failure } from './rooms.js';
import { AttemptLimiter } from './attempt-limiter.js';
import { CleanupRetrier } from './cleanup-retrier.js';
import { clientAddress } from './client-address.js';
import { WrongAttemptDelays, WrongPasswordDelay } from './password-delay.js';
import { verifyPassword } from './passwords.js';
import { ROOM_LIST_CHANNEL, RoomListFeed } from './room-list-feed.js';
import { guardRequests, reply, splitAck } from './request-guard.js';
import { isThenable, SerialQueue } from './serial-queue.js';
import { createSfuBroker } from './sfu/broker.js';
import { rebuildFromSessions } from './state-rebuild.js';
import { Deadlines } from './store-errors.js';
import { createTurnIssuer } from './turn-credentials.js';
import { validateAuth, validateChannelName, validateRequest } from './validate.js';

export const PROTOCOL_VERSION = 1;

const userChannel = (userid) => `user:${userid}`;
const roomChannel = (roomid) => `room:${roomid}`;
const ROOM_CHANNEL_PREFIX = 'room:';

const OK = Object.freeze({ ok: true });

// Node-to-node (serverSideEmit): "the connection of <userid> with <token> was resumed
// elsewhere; disconnect it if it is yours".
const SUPERSEDE_EVENT = 'rtcmc:supersede';
// How long a claim waits for this node's pending departures of the same userid (the cleanup
// retrier backs off up to 2 s between tries while the store is out).
const DEPARTURE_WAIT_MS = 3000;

// Failures a handler may throw that are answers, not bugs: their code goes to the client.
const ANSWERED_FAILURES = new Set(['STORE_UNAVAILABLE', 'SERVER_BUSY']);

function connectError(code, message) {
    const err = new Error(code);
    err.data = { code, message };
    return err;
}

// shared: null (one node), or the Redis mode's parts {store, cache, publishes}.
export function attachSignaling(io, { rooms, config, logger, refusals, seedChannels, hashSlots, shared = null }) {
    const nsp = io.of('/');
    const localSockets = new Map(); // userid -> socket connected to this node
    const cleanups = new CleanupRetrier({ logger });
    const departuresOf = new Map(); // userid -> [promise of a pending departure's cleanup]
    const resumeDelays = new WrongAttemptDelays({ baseMs: config.passwordDelayBaseMs, maxMs: config.passwordDelayMaxMs });
    const wrongPasswordsByAddress = new AttemptLimiter({ perMinute: config.passwordAttemptsPerAddress });
    const wrongPasswordsByRoom = new AttemptLimiter({ perMinute: config.passwordAttemptsPerRoom });
    const publishDeadlines = shared && new Deadlines(config.redisTimeoutMs);
    // TURN credentials for connected clients only: in their welcome, and on request
    // (`turn-credentials`, rate-limited like every event) when they are about to expire.
    const turn = createTurnIssuer(config);
    const roomList = new RoomListFeed({
        io,
        rooms,
        debounceMs: config.roomListDebounceMs,
        onlyLocalSubscribers: !shared,
        firstPage: () => listPage(undefined, undefined),
        logger,
    });
    // Janus frames of SFU rooms (sfu/broker.js); disabled without RTCMC_JANUS_URL.
    const sfu = createSfuBroker({ nsp, rooms, config, logger });

    // ---- identity -----------------------------------------------------------------------

    nsp.use(async (socket, next) => {
        const auth = validateAuth(socket.handshake.auth);
        if (!auth.ok) {
            refusals.forConnection()({ event: 'connect', socket: socket.id, outcome: auth.code });
            return next(connectError(auth.code, auth.message));
        }
        // Only the known fields are kept: `auth` may carry up to maxHttpBufferSize of anything.
        socket.handshake.auth = auth.value;
        const { userid: askedUserid, extra, resume } = auth.value;
        // The connection's claim token. It doubles as its resume secret: it goes to this
        // socket alone (welcome), and otherwise never leaves the server (not in views, events
        // or logs; claims and member records keep it server-side).
        const token = randomUUID();
        let userid = askedUserid;
        let resumed = null;
        let mayHoldSomething = false; // a claim or a takeover that may have landed
        let drawn; // the random userid being claimed, when none was asked
        try {
            if (userid !== undefined) {
                // With a token, the takeover comes first: after its node died, a connection's
                // claim is void to a plain connect, but its token still resumes it.
                if (resume !== undefined) {
                    mayHoldSomething = true;
                    resumed = await rooms.resumeUserid(userid, resume, token);
                }
                let claimed = resumed !== null;
                if (!claimed) {
                    const settling = departuresSettled(userid);
                    if (settling) await settling;
                    mayHoldSomething = true;
                    claimed = await rooms.claimUserid(userid, token);
                }
                if (!claimed) {
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
                    drawn = randomBytes(12).toString('base64url');
                    mayHoldSomething = true;
                    if (await rooms.claimUserid(drawn, token)) userid = drawn;
                    else mayHoldSomething = false;
                }
                if (userid === undefined) throw new Error('could not draw a free userid');
            }
        } catch (err) {
            // Whatever this connection may have taken (a claim, a takeover answered too late)
            // is given back once the store answers.
            const taken = userid ?? drawn;
            if (mayHoldSomething && taken !== undefined) trackCleanup(taken, token);
            if (err.code === 'STORE_UNAVAILABLE') {
                refusals.forConnection()({ event: 'connect', socket: socket.id, userid, outcome: err.code, detail: err.message });
                return next(connectError('STORE_UNAVAILABLE', 'the shared room store is unreachable; try again shortly'));
            }
            logger.error({ event: 'connect', socket: socket.id, outcome: 'SERVER_ERROR', detail: err.message });
            return next(connectError('SERVER_ERROR', 'the server could not register this connection'));
        }
        // A resume may have waited for Redis long enough for the client to give up.
        if (socket.conn.readyState === 'closed') {
            trackCleanup(userid, token);
            return next(connectError('SERVER_ERROR', 'the connection closed while it was being registered'));
        }
        socket.data.userid = userid;
        socket.data.token = token;
        socket.data.extra = extra ?? null;
        socket.data.address = clientAddress(socket.request, config.trustedProxies);
        // {from: the replaced connection's token, rooms: the rooms kept}, or null.
        socket.data.resumed = resumed && { from: resume, rooms: resumed.rooms, extras: resumed.extras };
        // If the connection drops before `connection` fires, socket.io discards the socket
        // silently: free the claim then, or the userid would stay taken.
        // (A resumed connection also holds rooms by now: it leaves them.)
        socket.conn.once('close', () => {
            if (!socket.data.connected) trackCleanup(userid, token);
        });
        next();
    });

    // ---- requests -----------------------------------------------------------------------
    // Each handler asks Rooms, then applies the result (effects.*): the same effects serve
    // a result that arrives after the client was told STORE_UNAVAILABLE (lateOutcome).

    const effects = {
        'open-room'(socket, request, result) {
            if (!result.ok) return result;
            socket.join(roomChannel(request.roomid));
            if (result.listed) roomList.changed();
            return { ok: true, room: result.room };
        },

        'join-room'(socket, { roomid }, result) {
            if (!result.ok) return result;
            const channel = roomChannel(roomid);
            socket.join(channel);
            const { userid, extra } = result.member;
            socket.to(channel).emit('member-joined', { roomid, userid, extra });
            socket.to(channel).emit('user-status', { roomid, userid, status: 'online', extra });
            if (result.listed) roomList.changed();
            return { ok: true, room: result.room };
        },

        'leave-room'(socket, { roomid }, result) {
            if (!result.ok) return result;
            socket.leave(roomChannel(roomid));
            announceDeparture(result);
            return OK;
        },

        eject(socket, { roomid, userid: target }, result) {
            if (!result.ok) return result;
            // Out of the room's channel first (on whichever node it is), then told.
            io.in(userChannel(target)).socketsLeave(roomChannel(roomid));
            io.to(userChannel(target)).emit('ejected', { roomid, by: socket.data.userid });
            announceDeparture(result);
            return OK;
        },

        'close-room'(socket, { roomid }, result) {
            if (!result.ok) return result;
            const channel = roomChannel(roomid);
            io.to(channel).emit('room-closed', { roomid, reason: 'closed-by-owner' });
            io.in(channel).socketsLeave(channel);
            sfu.roomRemoved(result.sfu);
            if (result.listed) roomList.changed();
            return OK;
        },
    };

    const handlers = {
        async 'open-room'(socket, request) {
            const opened = await rooms.open(user(socket), request, { sfu: sfu.roomParams(request) });
            return effects['open-room'](socket, request, opened);
        },

        async 'join-room'(socket, request) {
            const result = await rooms.join(user(socket), request, { checkPassword: checkPasswordOf(socket) });
            if (!result.ok && result.error.code === 'WRONG_PASSWORD') {
                const delayMs = socket.data.passwordDelay.fail();
                await Promise.race([sleep(delayMs), socket.data.closed]);
            }
            if (result.ok && result.room.isPasswordProtected) socket.data.passwordDelay.succeed();
            return effects['join-room'](socket, request, result);
        },

        async 'leave-room'(socket, request) {
            return effects['leave-room'](socket, request, await rooms.leave(user(socket), request.roomid, 'left'));
        },

        async 'check-presence'(socket, { roomid }) {
            return rooms.checkPresence(roomid);
        },

        // The room as it is now, for one of its members (through this connection).
        async 'get-room'(socket, { roomid }) {
            return rooms.viewFor(user(socket), roomid);
        },

        async 'list-rooms'(socket, { cursor, limit }) {
            return listPage(cursor, limit);
        },

        // The first page, then `room-list` pushes (first page too) when the list changes.
        async 'subscribe-rooms'(socket) {
            socket.join(ROOM_LIST_CHANNEL);
            return listPage(undefined, undefined);
        },

        async 'unsubscribe-rooms'(socket) {
            socket.leave(ROOM_LIST_CHANNEL);
            return OK;
        },

        async eject(socket, request) {
            return effects.eject(socket, request, await rooms.eject(user(socket), request.roomid, request.userid));
        },

        async 'close-room'(socket, request) {
            return effects['close-room'](socket, request, await rooms.close(user(socket), request.roomid));
        },

        async 'update-extra'(socket, { extra }) {
            const { userid } = socket.data;
            const result = await rooms.updateExtra(user(socket), extra);
            if (!result.ok) return result;
            socket.data.extra = extra;
            for (const { roomid } of result.rooms) {
                socket.to(roomChannel(roomid)).emit('extra-updated', { roomid, userid, extra });
            }
            if (result.rooms.some((room) => room.isOwner && room.listed)) roomList.changed();
            return OK;
        },

        // Not async: in memory mode a relay completes synchronously (the hot path). With
        // Redis, the answer waits until Redis has taken the relay for the other nodes, so that
        // an acknowledged relay is never one that Redis dropped.
        relay(socket, { roomid, to, data }) {
            const channel = roomChannel(roomid);
            if (!socket.rooms.has(channel)) {
                return failure('NOT_IN_ROOM', `you are not in room "${roomid}"`);
            }
            // `from` is the userid bound to this socket, never taken from the payload.
            const message = { roomid, from: socket.data.userid, data };
            if (to === undefined) return published(() => socket.to(channel).emit('relay', message));
            // isMember: with Redis, the id of the node the target is connected to.
            const deliver = (isMember) => {
                if (!isMember) return failure('UNKNOWN_USER', `user "${to}" is not in room "${roomid}"`);
                // Same node: straight to the socket. Elsewhere: through the adapter (Redis).
                const local = localSockets.get(to);
                if (local) {
                    local.emit('relay', message);
                    return OK;
                }
                // Its connection is on this node but not up yet (a resume being registered) or
                // already gone: published, the relay would reach nobody.
                if (shared && isMember === shared.nodeId) {
                    return failure('UNKNOWN_USER', `user "${to}" is not connected right now`);
                }
                return published(() => io.to(userChannel(to)).emit('relay', message));
            };
            const isMember = rooms.isMember(roomid, to);
            return isThenable(isMember) ? isMember.then(deliver) : deliver(isMember);
        },

        // Fresh TURN credentials for this connection's userid (the ones of its welcome expire).
        'turn-credentials'(socket) {
            if (!turn) return failure('TURN_NOT_CONFIGURED', 'this server issues no TURN credentials (TURN_URLS is not set)');
            return { ok: true, ...turn.iceServersFor(socket.data.userid) };
        },

        ...seedChannels.handlers,
    };

    // Runs an emit; with Redis, resolves once Redis took what it published.
    function published(emit) {
        if (!shared) {
            emit();
            return OK;
        }
        const sent = shared.publishes.collect(emit);
        if (sent.length === 0) return OK;
        return publishDeadlines.wrap(sent.length === 1 ? sent[0] : Promise.all(sent), 'a relay').then(
            () => OK,
            () =>
                failure(
                    'STORE_UNAVAILABLE',
                    'Redis did not take the relay: members on other nodes may not have received it',
                ),
        );
    }

    // A room-list page; null cursor = the first. {ok, rooms, next?}, or INVALID_PAYLOAD.
    async function listPage(cursor, limit) {
        const pageSize = config.roomListPageSize;
        if (limit !== undefined && limit > pageSize) {
            return failure('INVALID_PAYLOAD', `limit must be at most ${pageSize}`);
        }
        const page = await rooms.listRooms({
            cursor: cursor ?? null,
            limit: limit ?? pageSize,
            maxBytes: config.maxAnswerBytes,
        });
        if (page === null) return failure('INVALID_PAYLOAD', 'cursor is not one this server gave');
        return { ok: true, ...page };
    }

    // Password checks of a join: wrong passwords count per client address and per room (a
    // socket of its own per guess resets nothing), and the hash runs in a bounded slot.
    function checkPasswordOf(socket) {
        return async (password, record, roomid) => {
            const { address } = socket.data;
            if (!wrongPasswordsByAddress.allows(address)) {
                return failure('RATE_LIMITED', 'too many wrong passwords from your address; try again in a minute');
            }
            if (!wrongPasswordsByRoom.allows(roomid)) {
                return failure('RATE_LIMITED', `too many wrong passwords for room "${roomid}"; try again in a minute`);
            }
            if (await hashSlots.run(() => verifyPassword(password, record))) return true;
            wrongPasswordsByAddress.spend(address);
            wrongPasswordsByRoom.spend(roomid);
            return failure('WRONG_PASSWORD', `wrong password for room "${roomid}"`);
        };
    }

    // Positional payloads (the seed protocol's `presence` takes the bare channel name).
    const validators = {
        presence: (args) =>
            args.length === 1 ? validateChannelName(args[0]) : validateChannelName(undefined, 'payload'),
    };

    const knownEvents = new Set(Object.keys(handlers));
    // `sfu` frames are plain events (no answer), handled by the broker, not by dispatch().
    const knownEventsWithSfu = new Set([...knownEvents, 'sfu']);

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
        if (outcome === 'closed' || outcome === 'empty') sfu.roomRemoved(result.sfu);
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

    // A write answered STORE_UNAVAILABLE may still have been applied (err.outcome). A late
    // open or join is undone (the client was told it failed); a late departure, ejection or
    // closing is announced (it happened).
    function lateOutcome(socket, event, request, outcome) {
        outcome.then(
            (result) => {
                if (!result || result.ok !== true) return;
                logger.warn({ event, socket: socket.id, userid: socket.data.userid, outcome: 'applied-late' });
                if (event === 'open-room' || event === 'join-room') {
                    trackCleanupOf(() => rooms.leave(user(socket), request.roomid, 'left').then((left) => left.ok && announceDeparture(left)));
                } else if (effects[event]) {
                    effects[event](socket, request, result);
                }
            },
            () => {},
        );
    }

    function dispatch(socket, event, rawArgs) {
        const [args, ack] = splitAck(rawArgs);
        const requestBytes = socket.data.requestBytes ?? 0;
        const check = validators[event]
            ? validators[event](args)
            : validateRequest(event, args, { jsonChecked: true });
        const level = event === 'relay' ? 'debug' : 'info';
        if (!check.ok) {
            socket.data.logRefusal({ event, socket: socket.id, userid: socket.data.userid, outcome: check.code, detail: check.message });
            reply(socket, event, ack, failure(check.code, check.message), { alwaysEmit: true });
            return;
        }
        const request = check.value;
        const queue = socket.data.queue;
        const queueRefusal = queue.full
            ? 'too many requests waiting'
            : queue.pending > 0 && queue.bytes + requestBytes > config.maxQueuedBytes
              ? `too many bytes waiting: at most ${config.maxQueuedBytes} bytes of requests may wait behind a slow one`
              : null;
        if (queueRefusal) {
            socket.data.logRefusal({ event, socket: socket.id, userid: socket.data.userid, outcome: 'RATE_LIMITED' });
            reply(socket, event, ack, failure('RATE_LIMITED', queueRefusal), { alwaysEmit: true });
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
            if (ANSWERED_FAILURES.has(err.code)) {
                if (err.outcome) lateOutcome(socket, event, request, err.outcome);
                finish(failure(err.code, err.message));
                return;
            }
            logger.error({ event, socket: socket.id, userid, outcome: 'SERVER_ERROR', detail: err.message });
            finish(failure('SERVER_ERROR', 'the server could not handle this request'));
        };
        const outcome = queue.run(() => {
            try {
                return handlers[event](socket, request);
            } catch (err) {
                return Promise.reject(err);
            }
        }, requestBytes);
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
        socket.data.logRefusal = refusals.forConnection();
        const previous = localSockets.get(userid);
        localSockets.set(userid, socket);
        socket.join(userChannel(userid));
        const { resumed } = socket.data;
        if (resumed) {
            for (const roomid of resumed.rooms) {
                socket.join(roomChannel(roomid));
                // The room-mates hear that this member is reachable again: whatever they sent
                // it while it was away (a newcomer's offer) was refused, and they may need to
                // send it again (docs/server.md, "Resuming").
                const extra = resumed.extras.get(roomid) ?? null;
                socket.to(roomChannel(roomid)).emit('member-resumed', { roomid, userid, extra });
            }
            supersede(userid, resumed.from, previous);
        }
        guardRequests(socket, {
            knownEvents: knownEventsWithSfu,
            maxBytesOf: { sfu: config.sfuEventMaxBytes },
            config,
            explain: explainInvalid,
            onRefused: (event, code) => {
                socket.data.logRefusal({ event: String(event).slice(0, 64), socket: socket.id, userid, outcome: code });
            },
        });
        for (const event of knownEvents) {
            socket.on(event, (...args) => dispatch(socket, event, args));
        }
        socket.on('disconnect', (reason) => onDisconnect(socket, reason));
        sfu.attach(socket);
        socket.emit('welcome', {
            userid,
            protocol: PROTOCOL_VERSION,
            limits: { maxMessageBytes: config.maxMessageBytes },
            resumeToken: socket.data.token,
            resumed: resumed !== null,
            ...(resumed ? { rooms: resumed.rooms } : {}),
            ...(turn ? { turn: turn.iceServersFor(userid) } : {}),
        });
        logger.info({ event: 'connect', socket: socket.id, userid, outcome: resumed ? 'resumed' : 'ok' });
    });

    function onDisconnect(socket, reason) {
        const { userid, token } = socket.data;
        socket.data.markClosed();
        if (localSockets.get(userid) === socket) localSockets.delete(userid);
        seedChannels.forget(socket);
        // After the socket's pending requests, so a join in flight is undone too.
        const pending = socket.data.queue.drained();
        trackCleanupOf(
            async () => {
                await pending;
                await departEverywhere(userid, token);
            },
            { event: 'disconnect', userid },
        );
        logger.info({ event: 'disconnect', socket: socket.id, userid, reason, outcome: 'ok' });
    }

    // A connection is gone: it leaves the rooms it is a member of *through its token* and
    // frees its claim. After a resume, the rooms and the claim belong to the new token, so
    // the replaced connection leaves nothing and nobody is told anything.
    async function departEverywhere(userid, token) {
        let results;
        try {
            results = await rooms.leaveAll(userid, 'disconnected', token);
        } catch (err) {
            // A departure that lands after all is announced then; the retry will not see it.
            err.outcome?.then((result) => result?.ok && announceDeparture(result), () => {});
            throw err;
        }
        for (const result of results) announceDeparture(result);
        await rooms.releaseUserid(userid, token);
    }

    // Retried until the store takes it (issue 14, item 2). Kept by userid while it runs: a
    // claim of this node that timed out during a store outage may still land when the store
    // comes back, and the same client's next attempt must not find its own stale claim.
    function trackCleanup(userid, token) {
        const done = trackCleanupOf(() => departEverywhere(userid, token), { event: 'disconnect', userid });
        const waiting = departuresOf.get(userid) ?? [];
        waiting.push(done);
        departuresOf.set(userid, waiting);
        done.finally(() => {
            const left = (departuresOf.get(userid) ?? []).filter((entry) => entry !== done);
            if (left.length) departuresOf.set(userid, left);
            else departuresOf.delete(userid);
        });
    }

    // Before a claim of `userid`: this node's pending departures of it, given a bounded time.
    function departuresSettled(userid) {
        const waiting = departuresOf.get(userid);
        if (!waiting) return null;
        return Promise.race([Promise.allSettled(waiting), sleep(DEPARTURE_WAIT_MS)]);
    }

    function trackCleanupOf(run, label = { event: 'cleanup' }) {
        return cleanups.add(run, label);
    }

    // ---- resume: the replaced connection goes, wherever it is -----------------------------

    // Called once the resuming socket has joined its channels. The old socket is on this
    // node (`previous`) or on another one (Redis adapter: told through serverSideEmit).
    function supersede(userid, oldToken, previous) {
        if (previous && previous.data.token === oldToken) retire(previous);
        else if (shared) nsp.serverSideEmit(SUPERSEDE_EVENT, userid, oldToken);
    }

    // Disconnects a replaced socket. Its room-list subscription (the only channel not
    // derived from the store) passes to the new one first, through the user's channel.
    function retire(old) {
        const { userid } = old.data;
        if (old.rooms.has(ROOM_LIST_CHANNEL)) io.in(userChannel(userid)).socketsJoin(ROOM_LIST_CHANNEL);
        logger.info({ event: 'superseded', socket: old.id, userid, outcome: 'disconnected' });
        old.disconnect(true);
    }

    if (shared) {
        nsp.on(SUPERSEDE_EVENT, (userid, oldToken) => {
            if (typeof userid !== 'string' || typeof oldToken !== 'string') return;
            const old = localSockets.get(userid);
            if (old && old.data.token === oldToken) retire(old);
        });
    }

    // ---- Redis mode upkeep (cluster-upkeep.js calls these) ---------------------------------

    // A claim this node held is gone (resumed elsewhere, or this node was found dead and
    // cleaned up): another connection may hold that userid now, so this one goes.
    function onClaimLost(userid, token) {
        const socket = localSockets.get(userid);
        if (socket && socket.data.token === token) {
            logger.warn({ event: 'claim-lost', socket: socket.id, userid, outcome: 'disconnected' });
            socket.disconnect(true);
        }
    }

    // This node's connected sockets: what it vouches for.
    function localSessions() {
        const sessions = [];
        for (const socket of nsp.sockets.values()) {
            if (!socket.data.connected || !socket.connected) continue;
            const roomids = [];
            for (const channel of socket.rooms) {
                if (channel.startsWith(ROOM_CHANNEL_PREFIX)) roomids.push(channel.slice(ROOM_CHANNEL_PREFIX.length));
            }
            sessions.push({ userid: socket.data.userid, token: socket.data.token, roomids, socket });
        }
        return sessions;
    }

    const clusterHooks = shared && {
        // Redis lost its data: put back this node's claims and rooms.
        async rebuild() {
            const lost = await rebuildFromSessions({
                sessions: localSessions(),
                cache: shared.cache,
                rooms,
                store: shared.store,
                logger,
            });
            for (const session of lost) onClaimLost(session.userid, session.token);
            roomList.changed();
        },
        // A dead node's connections leave their rooms; their claims go.
        async sweepNode(nodeId) {
            const claims = await shared.store.nodeClaims(nodeId);
            for (const result of await rooms.removeSessions(claims)) announceDeparture(result);
            for (const [userid, token] of claims) await shared.store.release(userid, token, nodeId);
            await shared.store.forgetNode(nodeId);
            logger.warn({ event: 'node-dead', node: nodeId, outcome: 'swept', count: claims.length });
        },
        // Claims this node lost are let go; claims it holds for nobody are given back.
        async audit(expectedEpoch) {
            const { lost, orphans } = await shared.store.auditClaims(expectedEpoch);
            for (const [userid, token] of lost) onClaimLost(userid, token);
            for (const [userid, token] of orphans) trackCleanup(userid, token);
        },
        async refreshCache() {
            const roomids = [];
            for (const channel of nsp.adapter.rooms.keys()) {
                if (channel.startsWith(ROOM_CHANNEL_PREFIX)) roomids.push(channel.slice(ROOM_CHANNEL_PREFIX.length));
            }
            shared.cache.refresh(roomids, await shared.store.getMany(roomids));
        },
        async staleScan() {
            for (const result of await rooms.removeStaleMembers()) announceDeparture(result);
        },
    };

    return {
        clusterHooks,
        localSocketCount: () => nsp.sockets.size,
        // Resolves when every disconnect cleanup started so far has finished (or timeoutMs).
        drain: (timeoutMs) => cleanups.drain(timeoutMs),
        close() {
            sfu.close();
            roomList.close();
            cleanups.close();
        },
    };
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
