// The seed documents' socket.io protocol (2013 signaler, upstream-features.md E.1/E.2),
// served beside ours so that their `openSignalingChannel` snippet works unchanged:
//
//   io.connect('/').emit('new-channel', {channel, sender});   // default namespace
//   var socket = io.connect('/' + channel);                    // one namespace per channel
//   socket.emit('message', {sender, data});                    // -> others get 'message', data
//
// Channel namespaces are dynamic (a parent namespace matching safe names). They must
// accept a connection whether or not `new-channel` was seen first: the snippet's two
// sockets share one connection, and the namespace CONNECT packet reaches the server
// before the buffered `new-channel` event. `new-channel` registers the channel name for
// `presence` and reports bad names. Empty channel namespaces are removed by socket.io
// (cleanupEmptyChildNamespaces) and at most config.maxSeedChannels exist at once; one
// connection joins at most config.maxChannelsPerConnection of them (connect_error
// TOO_MANY_CHANNELS), so that one client cannot take the global budget.
// Unlike 2013, any socket of the namespace may send (no per-sender registration), the
// payload is validated and size-limited, and the sender never gets its own message back.

import { channelsPerConnection } from './connection-limits.js';
import { guardRequests, reply, splitAck, errorReply } from './request-guard.js';
import { CHANNEL_PATTERN, validateRequest } from './validate.js';

const CHANNEL_EVENTS = new Set(['message']);

// refusals: the RefusalLog shared with our protocol (refusal-log.js).
export function attachSeedChannels(io, { config, logger, refusals }) {
    const registered = new Map(); // channel -> Set<socket id> of default-namespace sockets
    const registeredBySocket = new Map(); // socket id -> Set<channel>
    const connectedCount = new Map(); // channel -> sockets connected to its namespace (this node)

    const parent = io.of((name, auth, next) => {
        const channel = name.slice(1);
        // `children` holds the live channel namespaces (socket.io removes empty ones).
        next(null, CHANNEL_PATTERN.test(channel) && parent.children.size < config.maxSeedChannels);
    });
    parent.use(channelsPerConnection(config.maxChannelsPerConnection).middleware);

    parent.on('connection', (socket) => {
        const channel = socket.nsp.name.slice(1);
        connectedCount.set(channel, (connectedCount.get(channel) ?? 0) + 1);
        const logRefusal = refusals.forConnection(); // at most one line a second, and globally bounded
        guardRequests(socket, {
            knownEvents: CHANNEL_EVENTS,
            config,
            explain: (event, args) => {
                const check = validateRequest(event, args);
                return check.ok ? null : check.message;
            },
            onRefused: (event, code) => {
                logRefusal({ event: 'channel-message', socket: socket.id, channel, outcome: code });
            },
        });
        socket.on('message', (...rawArgs) => {
            const [args, ack] = splitAck(rawArgs);
            const check = validateRequest('message', args, { jsonChecked: true });
            if (!check.ok) {
                reply(socket, 'message', ack, errorReply(check.code, check.message), { alwaysEmit: true });
                return;
            }
            socket.broadcast.emit('message', check.value.data);
            if (ack) ack({ ok: true });
        });
        socket.on('disconnect', () => {
            const left = connectedCount.get(channel) - 1;
            if (left > 0) connectedCount.set(channel, left);
            else connectedCount.delete(channel);
        });
        logger.debug({ event: 'channel-connect', socket: socket.id, channel, outcome: 'ok' });
    });

    // Handlers for the two seed events that arrive on the default namespace.
    const handlers = {
        'new-channel'(socket, { channel }) {
            let sockets = registered.get(channel);
            if (!sockets) registered.set(channel, (sockets = new Set()));
            sockets.add(socket.id);
            let channels = registeredBySocket.get(socket.id);
            if (!channels) registeredBySocket.set(socket.id, (channels = new Set()));
            channels.add(channel);
            return { ok: true, channel };
        },
        // As in 2013: answered with a `presence` event carrying a boolean. A channel is
        // present while a connected socket registered it or its namespace has sockets.
        presence(socket, channel) {
            const exists = registered.has(channel) || connectedCount.has(channel);
            socket.emit('presence', exists);
            return { ok: true, exists };
        },
    };

    function forget(socket) {
        const channels = registeredBySocket.get(socket.id);
        if (!channels) return;
        registeredBySocket.delete(socket.id);
        for (const channel of channels) {
            const sockets = registered.get(channel);
            sockets.delete(socket.id);
            if (sockets.size === 0) registered.delete(channel);
        }
    }

    return {
        handlers,
        forget,
        emitToAll: (event, payload) => parent.emit(event, payload),
        channelCount: () => parent.children.size,
    };
}
