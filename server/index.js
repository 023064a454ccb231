// createServer(options) -> {httpServer, io, listen(port, host), close()}
// One HTTP server carries the static files, /healthz and socket.io (our protocol on "/",
// the seed protocol's channel namespaces beside it). Without redisUrl, rooms live in this
// process; with it, rooms live in Redis and socket.io fans out through the Redis adapter.

import http from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { PROJECT_ROOT, resolveConfig } from './config.js';
import { ClusterUpkeep } from './cluster-upkeep.js';
import { engineConnectionLimit, limitTcpConnectionsPerAddress } from './connection-limits.js';
import { HashSlots } from './hash-slots.js';
import { createLogger } from './log.js';
import { hashPassword } from './passwords.js';
import { RedisHealth } from './redis-health.js';
import { RefusalLog } from './refusal-log.js';
import { guardPublishes } from './redis-publish.js';
import { RoomRecordCache } from './room-record-cache.js';
import { Rooms } from './rooms.js';
import { MemoryStore } from './store-memory.js';
import { randomNodeId, redisClientOptions, RedisStore } from './store-redis.js';
import { createStaticHandler, sendText } from './static.js';
import { attachSeedChannels } from './seed-channels.js';
import { attachSignaling } from './signaling.js';
import { watchUnsentBytes } from './unsent-bytes-watch.js';

export { configFromEnv } from './config.js';

// /healthz waits at most this long for the room count before it answers without it.
const HEALTH_ROOM_COUNT_MS = 500;
// On close, disconnect cleanups get this long to reach Redis before the node gives up (a
// node that goes away without cleaning up is cleaned up by the others, as a dead node).
const CLOSE_DRAIN_MS = 5000;

export function createServer(options = {}) {
    const config = resolveConfig(options);
    const logger = options.logger ?? createLogger({ level: config.logLevel });
    const serveStatic = createStaticHandler({
        roots: config.staticRoots,
        projectRoot: options.projectRoot ?? PROJECT_ROOT,
    });

    // Password hashes run a few at a time (hash-slots.js): opening and joining share them.
    const hashSlots = new HashSlots({ concurrency: config.maxConcurrentHashes, maxQueued: config.maxQueuedHashes });
    // The store is created in listen() when it needs a Redis connection; requests before
    // that cannot happen because nothing listens yet.
    const rooms = new Rooms({
        store: new MemoryStore(),
        maxRoomsPerUser: config.maxRoomsPerSocket,
        maxViewBytes: config.maxAnswerBytes,
        hashPassword: (password) => hashSlots.run(() => hashPassword(password)),
    });
    let signaling = null;
    let health = null; // RedisHealth, in Redis mode

    // Slowloris (issue 14, item 13): headers and whole requests must arrive in time, and the
    // server holds a bounded number of connections (node:http closes the ones past it).
    const httpServer = http.createServer(
        {
            headersTimeout: config.headersTimeoutMs,
            requestTimeout: config.requestTimeoutMs,
            // How often node:http looks for requests past those timeouts.
            connectionsCheckingInterval: Math.min(1000, Math.ceil(config.headersTimeoutMs / 2)),
        },
        (req, res) => {
            handleHttp(req, res).catch((err) => {
                logger.error({ event: 'http', outcome: 'error', detail: err.message });
                if (!res.headersSent) sendText(res, 500, 'internal error\n');
                else res.destroy();
            });
        },
    );
    httpServer.maxConnections = config.maxConnections;
    limitTcpConnectionsPerAddress(httpServer, { config, logger });

    async function handleHttp(req, res) {
        // Raw path (no URL normalisation): static.js refuses ".." itself.
        const urlPath = req.url.split(/[?#]/, 1)[0] || '/';
        if (urlPath === '/healthz') {
            const body = JSON.stringify(await healthReport());
            sendText(res, 200, body, {
                'Content-Type': 'application/json; charset=utf-8',
                'Cache-Control': 'no-store',
            });
            return;
        }
        await serveStatic(req, res, urlPath);
    }

    // Never waits on a Redis that does not answer: its state comes from the health probe,
    // and the room count is left out (null) when it is not there in time.
    async function healthReport() {
        const redis = health ? health.state : undefined;
        let roomCount = null;
        if (redis !== 'unreachable') {
            let timer;
            const late = new Promise((resolve) => {
                timer = setTimeout(resolve, HEALTH_ROOM_COUNT_MS, null);
            });
            const counted = Promise.resolve(rooms.counts()).then((counts) => counts.rooms, () => null);
            roomCount = await Promise.race([counted, late]);
            clearTimeout(timer);
        }
        const degraded = redis === 'unreachable' || (health !== null && roomCount === null);
        return {
            status: degraded ? 'degraded' : 'ok',
            ...(health ? { redis: degraded ? 'unreachable' : 'ok' } : {}),
            rooms: roomCount,
            sockets: signaling ? signaling.localSocketCount() : 0,
            // Whether rooms may ask for the SFU (RTCMC_JANUS_URL): the demos offer it then.
            sfu: Boolean(config.janusUrl),
            uptime: Math.round((performance.now() - startedAt) / 1000),
        };
    }

    const startedAt = performance.now();
    const engineLimit = engineConnectionLimit({ config, logger });
    const io = new Server(httpServer, {
        // Above our own MESSAGE_TOO_LARGE check, so oversize requests get an answer;
        // beyond this socket.io closes the connection.
        maxHttpBufferSize: config.transportMaxBytes,
        cleanupEmptyChildNamespaces: true, // seed channel namespaces go away when empty
        allowRequest: engineLimit.allowRequest,
    });
    io.engine.on('connection', (engineSocket) => engineLimit.track(engineSocket));
    const unsentWatch = watchUnsentBytes(io, { maxUnsentBytes: config.maxUnsentBytes, logger });

    // Refused requests of both protocols share one bound on log lines (refusal-log.js).
    const refusals = new RefusalLog({ logger, perSecond: config.logRefusalsPerSecond });
    const seedChannels = attachSeedChannels(io, { config, logger, refusals });
    let redisClients = [];
    let upkeep = null;
    let listening = null;
    let closing = null;

    // node-redis reports every failed reconnection attempt: one line per second is enough.
    function redisErrorLogger(role) {
        let lastAt = -Infinity;
        let skipped = 0;
        return (err) => {
            if (performance.now() - lastAt < 1000) {
                skipped += 1;
                return;
            }
            lastAt = performance.now();
            logger.error({ event: 'redis', node: role, outcome: 'error', count: skipped || undefined, detail: err.message });
            skipped = 0;
        };
    }

    async function connectRedis() {
        const nodeId = randomNodeId();
        const pub = createClient(redisClientOptions({ url: config.redisUrl, timeoutMs: config.redisTimeoutMs }));
        const sub = pub.duplicate();
        pub.on('error', redisErrorLogger('pub'));
        sub.on('error', redisErrorLogger('sub'));
        await Promise.all([pub.connect(), sub.connect()]);
        redisClients = [pub, sub];
        const publishes = guardPublishes(pub, { logger });
        io.adapter(createAdapter(publishes.client, sub, { key: `${config.redisPrefix}socket.io` }));
        const store = await RedisStore.connect({
            url: config.redisUrl,
            prefix: config.redisPrefix,
            nodeId,
            timeoutMs: config.redisTimeoutMs,
            // Four heartbeats missed (a stall of Redis itself, or a node that is dying): its
            // users get no relays until it beats again. Fewer would refuse relays to nodes
            // that are only slow under load; a killed node is caught at once by its presence.
            freshBeatMs: (4 * config.nodeTtlMs) / 5,
            onError: redisErrorLogger('store'),
        });
        health = new RedisHealth({ client: store.liveness, ready: [store.client], logger, failFastAfterMs: config.redisTimeoutMs });
        health.start();
        store.health = health;
        const cache = new RoomRecordCache();
        store.onRecordWritten = (roomid, record) => cache.written(roomid, record);
        rooms.store = store;
        return { store, cache, publishes, nodeId };
    }

    async function listen(port = config.port, host = config.host) {
        if (listening) return listening;
        listening = (async () => {
            const shared = config.redisUrl ? await connectRedis() : null;
            signaling = attachSignaling(io, { rooms, config, logger, refusals, seedChannels, hashSlots, shared });
            if (shared) {
                upkeep = new ClusterUpkeep({
                    store: shared.store,
                    nodeTtlMs: config.nodeTtlMs,
                    logger,
                    hooks: signaling.clusterHooks,
                });
                await upkeep.start();
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
            const detail = shared ? `redis, node ${shared.nodeId}` : 'memory';
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
            upkeep?.close();
            unsentWatch.close();
            // Let the shutdown frames reach the sockets before they are closed.
            await new Promise((resolve) => setImmediate(resolve));
            await new Promise((resolve) => io.close(() => resolve()));
            // Disconnect cleanups (members leaving rooms) still need the store.
            await signaling?.drain(config.redisUrl ? CLOSE_DRAIN_MS : Infinity);
            signaling?.close();
            health?.close();
            await rooms.store.close();
            await Promise.allSettled(
                redisClients.filter((c) => c.isOpen).map((c) =>
                    Promise.race([c.quit(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]).then(
                        () => c.isOpen && c.disconnect(),
                    ),
                ),
            );
            logger.info({ event: 'close', outcome: 'ok', reason });
        })();
        return closing;
    }

    return { httpServer, io, config, rooms, listen, close };
}
