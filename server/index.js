// createServer(options) -> {httpServer, io, listen(port, host), close()}
// One HTTP server carries the static files, /healthz and socket.io (our protocol on "/",
// the seed protocol's channel namespaces beside it). Without redisUrl, rooms live in this
// process; with it, rooms live in Redis and socket.io fans out through the Redis adapter.

import http from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { PROJECT_ROOT, resolveConfig } from './config.js';
import { createLogger } from './log.js';
import { Rooms } from './rooms.js';
import { MemoryStore } from './store-memory.js';
import { RedisStore } from './store-redis.js';
import { createStaticHandler, sendText } from './static.js';
import { attachSeedChannels } from './seed-channels.js';
import { attachSignaling } from './signaling.js';

export { configFromEnv } from './config.js';

export function createServer(options = {}) {
    const config = resolveConfig(options);
    const logger = options.logger ?? createLogger({ level: config.logLevel });
    const serveStatic = createStaticHandler({
        roots: config.staticRoots,
        projectRoot: options.projectRoot ?? PROJECT_ROOT,
    });

    // The store is created in listen() when it needs a Redis connection; requests before
    // that cannot happen because nothing listens yet.
    const rooms = new Rooms({ store: new MemoryStore(), maxRoomsPerUser: config.maxRoomsPerSocket });
    let signaling = null;

    const httpServer = http.createServer((req, res) => {
        handleHttp(req, res).catch((err) => {
            logger.error({ event: 'http', outcome: 'error', detail: err.message });
            if (!res.headersSent) sendText(res, 500, 'internal error\n');
            else res.destroy();
        });
    });

    async function handleHttp(req, res) {
        // Raw path (no URL normalisation): static.js refuses ".." itself.
        const urlPath = req.url.split(/[?#]/, 1)[0] || '/';
        if (urlPath === '/healthz') {
            const body = JSON.stringify({
                status: 'ok',
                rooms: (await rooms.counts()).rooms,
                sockets: signaling ? signaling.localSocketCount() : 0,
                uptime: Math.round((performance.now() - startedAt) / 1000),
            });
            sendText(res, 200, body, {
                'Content-Type': 'application/json; charset=utf-8',
                'Cache-Control': 'no-store',
            });
            return;
        }
        await serveStatic(req, res, urlPath);
    }

    const startedAt = performance.now();
    const io = new Server(httpServer, {
        // Above our own MESSAGE_TOO_LARGE check, so oversize requests get an answer;
        // beyond this socket.io closes the connection.
        maxHttpBufferSize: config.transportMaxBytes,
        cleanupEmptyChildNamespaces: true, // seed channel namespaces go away when empty
    });

    const seedChannels = attachSeedChannels(io, { config, logger });
    let redisClients = [];
    let timers = [];
    let listening = null;
    let closing = null;

    async function connectRedis() {
        const onError = (err) => logger.error({ event: 'redis', outcome: 'error', detail: err.message });
        const pub = createClient({ url: config.redisUrl });
        const sub = pub.duplicate();
        pub.on('error', onError);
        sub.on('error', onError);
        await Promise.all([pub.connect(), sub.connect()]);
        redisClients = [pub, sub];
        io.adapter(createAdapter(pub, sub, { key: `${config.redisPrefix}socket.io` }));
        rooms.store = await RedisStore.connect({
            url: config.redisUrl,
            prefix: config.redisPrefix,
            claimTtlMs: config.claimTtlMs,
            onError,
            onClaimLost: (userid, token) => signaling?.onClaimLost(userid, token),
        });
    }

    async function listen(port = config.port, host = config.host) {
        if (listening) return listening;
        listening = (async () => {
            if (config.redisUrl) await connectRedis();
            signaling = attachSignaling(io, {
                rooms,
                config,
                logger,
                seedChannels,
                sharedStore: Boolean(config.redisUrl),
            });
            if (config.redisUrl) {
                const sweep = setInterval(() => {
                    signaling.sweepStaleMembers().catch((err) =>
                        logger.error({ event: 'sweep', outcome: 'error', detail: err.message }),
                    );
                }, config.claimTtlMs);
                sweep.unref();
                timers.push(sweep);
            }
            await new Promise((resolve, reject) => {
                httpServer.once('error', reject);
                httpServer.listen(port, host, () => {
                    httpServer.off('error', reject);
                    resolve();
                });
            });
            const address = httpServer.address();
            const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
            const url = `http://${urlHost}:${address.port}/`;
            const result = { port: address.port, host: address.address, url };
            const detail = config.redisUrl ? 'redis' : 'memory';
            logger.info({ event: 'listen', url, outcome: 'ok', detail });
            return result;
        })();
        return listening;
    }

    // Tells every client (both protocols) why, then closes sockets, HTTP and Redis.
    async function close({ reason = 'server shutting down' } = {}) {
        if (closing) return closing;
        closing = (async () => {
            io.of('/').emit('server-shutdown', { reason });
            seedChannels.emitToAll('server-shutdown', { reason });
            for (const timer of timers) clearInterval(timer);
            signaling?.close();
            // Let the shutdown frames reach the sockets before they are closed.
            await new Promise((resolve) => setImmediate(resolve));
            await new Promise((resolve) => io.close(() => resolve()));
            // Disconnect cleanups (members leaving rooms) still need the store.
            await signaling?.drain();
            await rooms.store.close();
            await Promise.allSettled(redisClients.filter((c) => c.isOpen).map((c) => c.quit()));
            logger.info({ event: 'close', outcome: 'ok', reason });
        })();
        return closing;
    }

    return { httpServer, io, config, rooms, listen, close };
}
