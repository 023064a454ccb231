// Connections as a resource (issue 14, items 12 and 13).
//   - Per client address: at most `maxConnectionsPerAddress` at once. Direct clients are
//     counted by TCP connection (HTTP keep-alive and WebSocket alike) and the one past the
//     limit is closed at once, before it costs anything. Behind a proxy listed in
//     TRUST_PROXY every TCP connection comes from the proxy, so there the limit counts
//     engine.io connections per X-Forwarded-For address (handshakes past it get HTTP 403).
//   - Per connection: at most `maxChannelsPerConnection` seed-protocol channels (socket.io
//     namespaces multiplexed on one engine.io connection).
// The global cap (`maxConnections`) and the header/request timeouts are node:http's own
// settings; index.js sets them.

import { clientAddress, normalizeAddress } from './client-address.js';

export class AddressCounts {
    constructor(max) {
        this.max = max;
        this.counts = new Map();
    }

    // Counts one more connection of `address`; false (and nothing counted) past the limit.
    add(address) {
        const count = this.counts.get(address) ?? 0;
        if (count >= this.max) return false;
        this.counts.set(address, count + 1);
        return true;
    }

    remove(address) {
        const count = (this.counts.get(address) ?? 1) - 1;
        if (count > 0) this.counts.set(address, count);
        else this.counts.delete(address);
    }
}

// TCP connections of direct clients. Trusted proxies are not limited here (see above).
export function limitTcpConnectionsPerAddress(httpServer, { config, logger }) {
    const counts = new AddressCounts(config.maxConnectionsPerAddress);
    httpServer.on('connection', (socket) => {
        if (config.trustedProxies.has(socket.remoteAddress)) return;
        const address = normalizeAddress(socket.remoteAddress);
        if (!counts.add(address)) {
            logger.warn({ event: 'connection', detail: address, outcome: 'TOO_MANY_CONNECTIONS' });
            socket.destroy();
            return;
        }
        socket.once('close', () => counts.remove(address));
    });
    return counts;
}

// engine.io's allowRequest option: per forwarded address, for connections through a
// trusted proxy. Direct clients pass (their TCP connections are counted already).
export function engineConnectionLimit({ config, logger }) {
    const counts = new AddressCounts(config.maxConnectionsPerAddress);
    const counted = new WeakSet(); // requests whose connection was counted
    return {
        allowRequest(req, callback) {
            if (!config.trustedProxies.has(req.socket?.remoteAddress)) return callback(null, true);
            const address = clientAddress(req, config.trustedProxies);
            if (!counts.add(address)) {
                logger.warn({ event: 'connection', detail: address, outcome: 'TOO_MANY_CONNECTIONS' });
                return callback('TOO_MANY_CONNECTIONS', false);
            }
            counted.add(req);
            req.countedAddress = address;
            callback(null, true);
        },
        // engine.io 'connection': the counted handshake became a connection; count until it closes.
        // A counted handshake that never became one (failed upgrade) is released by its close.
        track(engineSocket) {
            const req = engineSocket.request;
            if (!counted.has(req)) return;
            counted.delete(req);
            engineSocket.once('close', () => counts.remove(req.countedAddress));
        },
    };
}

// Seed channels per engine.io connection: counted when a channel namespace accepts a
// socket, released when it goes. `client` is socket.io's per-connection Client.
export function channelsPerConnection(max) {
    const counts = new WeakMap(); // socket.io Client -> channels held
    return {
        // Middleware of the channels' parent namespace.
        middleware(socket, next) {
            const held = counts.get(socket.client) ?? 0;
            if (held >= max) {
                const err = new Error('TOO_MANY_CHANNELS');
                err.data = { code: 'TOO_MANY_CHANNELS', message: `a connection can join at most ${max} channels` };
                return next(err);
            }
            counts.set(socket.client, held + 1);
            socket.once('disconnect', () => counts.set(socket.client, (counts.get(socket.client) ?? 1) - 1));
            next();
        },
    };
}
