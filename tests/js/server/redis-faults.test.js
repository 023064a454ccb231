// Issue 14, items 1 to 3: two server processes sharing a real redis-server (started here),
// and Redis failing under them.
//   1. Redis dies while relays are being published: no node crashes, and relays flow again
//      once Redis is back.
//   2. A client that disconnects while its node cannot reach Redis does not become a ghost:
//      its departure is retried until Redis answers (room-mates hear of it, its userid is free).
//   3. Redis stops answering (paused): requests fail fast with STORE_UNAVAILABLE instead of
//      hanging, /healthz says "degraded" within a second, and all is well once Redis answers.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { closeAllSockets, connect, connectUser, firstOf, once, request } from './support/helpers.js';
import { spawnServerNode, startRedis } from './support/processes.js';
import { startProxy } from './support/tcp-proxy.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let prefixCounter = 0;
const freshPrefix = () => `faults${process.pid}-${++prefixCounter}:`;

const started = [];
async function redisServer(options) {
    const redis = await startRedis(options);
    started.push(redis);
    return redis;
}
async function serverNode(env) {
    const node = await spawnServerNode(env);
    started.push(node);
    return node;
}
afterEach(async () => {
    closeAllSockets();
    await Promise.all(started.splice(0).reverse().map((process) => process.stop()));
});
afterAll(() => closeAllSockets());

const alive = (node) => node.child.exitCode === null && node.child.signalCode === null;

// Retries `attempt` (resolving truthy when done) every `everyMs` until `timeoutMs`.
async function eventually(what, attempt, { timeoutMs = 10000, everyMs = 200 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    while (Date.now() < deadline) {
        try {
            const result = await attempt();
            if (result) return result;
        } catch (err) {
            lastError = err;
        }
        await sleep(everyMs);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

async function healthz(node, timeoutMs = 2000) {
    const res = await fetch(node.url + 'healthz', { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.json() };
}

describe('Redis faults under two nodes', () => {
    test('1. Redis killed while relays are published: no node crashes; relays flow again once it is back', async () => {
        const redis = await redisServer();
        const env = { REDIS_URL: redis.url, REDIS_PREFIX: freshPrefix() };
        const [nodeA, nodeB] = await Promise.all([serverNode(env), serverNode(env)]);
        const alice = (await connectUser(nodeA.url, { userid: 'f1-alice' })).socket;
        const bob = (await connectUser(nodeB.url, { userid: 'f1-bob' })).socket;
        await request(alice, 'open-room', { roomid: 'f1-room' });
        await request(bob, 'join-room', { roomid: 'f1-room' });
        alice.on('error-event', () => {}); // refusals while Redis is gone are expected
        // Relays from both sides, without pause, so that PUBLISHes are in flight when Redis dies.
        const pump = setInterval(() => {
            for (let i = 0; i < 40; i++) {
                alice.emit('relay', { roomid: 'f1-room', data: i });
                bob.emit('relay', { roomid: 'f1-room', data: i });
            }
        }, 2);
        try {
            await sleep(300);
            await redis.kill();
            await sleep(1500);
        } finally {
            clearInterval(pump);
        }
        expect([alive(nodeA), alive(nodeB)]).toEqual([true, true]);
        await redisServer({ port: redis.port });
        await eventually('a relay across nodes after Redis came back', async () => {
            const arrived = firstOf(bob, ['relay'], 500).then(({ value }) => value.data === 'back', () => false);
            alice.emit('relay', { roomid: 'f1-room', data: 'back' });
            return arrived;
        });
        expect([alive(nodeA), alive(nodeB)]).toEqual([true, true]);
    });

    test('2. a client that leaves while its node cannot reach Redis does not stay a ghost', async () => {
        const redis = await redisServer();
        const redisLink = await startProxy(redis.port); // node A reaches Redis through it
        try {
            const prefix = freshPrefix();
            const nodeA = await serverNode({ REDIS_URL: `redis://127.0.0.1:${new URL(redisLink.url).port}`, REDIS_PREFIX: prefix });
            const nodeB = await serverNode({ REDIS_URL: redis.url, REDIS_PREFIX: prefix });
            const alice = (await connectUser(nodeA.url, { userid: 'f2-alice' })).socket;
            const bob = (await connectUser(nodeB.url, { userid: 'f2-bob' })).socket;
            await request(bob, 'open-room', { roomid: 'f2-room' });
            await request(alice, 'join-room', { roomid: 'f2-room' });
            const left = once(bob, 'member-left', 20000);
            redisLink.cut();
            alice.close(); // node A cannot record the departure now
            await sleep(1500);
            redisLink.restore();
            expect(await left).toEqual({ roomid: 'f2-room', userid: 'f2-alice', extra: null, reason: 'disconnected' });
            const presence = await request(bob, 'check-presence', { roomid: 'f2-room' });
            expect(presence.room.participants).toBe(1);
            const back = await eventually('the userid to be free', async () => {
                const socket = connect(nodeB.url, { userid: 'f2-alice' });
                const outcome = await firstOf(socket, ['welcome', 'connect_error']);
                if (outcome.event === 'welcome') return outcome.value;
                socket.close();
                return null;
            });
            expect(back.userid).toBe('f2-alice');
        } finally {
            await redisLink.close();
        }
    });

    test('3. Redis paused: requests fail fast with STORE_UNAVAILABLE, /healthz says degraded, then all recovers', async () => {
        const redis = await redisServer();
        const env = { REDIS_URL: redis.url, REDIS_PREFIX: freshPrefix(), REDIS_TIMEOUT_MS: '1000' };
        const nodeA = await serverNode(env);
        expect((await healthz(nodeA)).body).toMatchObject({ status: 'ok' });
        const alice = (await connectUser(nodeA.url, { userid: 'f3-alice' })).socket;
        await request(alice, 'open-room', { roomid: 'f3-room' });
        redis.pause();
        try {
            await sleep(1000);
            const degraded = await healthz(nodeA);
            expect(degraded.status).toBe(200);
            expect(degraded.body).toMatchObject({ status: 'degraded', redis: 'unreachable' });
            // Requests that need Redis answer with a clear code, well within the client's patience.
            const answer = await request(alice, 'check-presence', { roomid: 'f3-room' }, 5000);
            expect(answer.error.code).toBe('STORE_UNAVAILABLE');
            const joinAnswer = await request(alice, 'open-room', { roomid: 'f3-other' }, 5000);
            expect(joinAnswer.error.code).toBe('STORE_UNAVAILABLE');
            // A new connection that needs a userid claim is refused with the same code.
            const newcomer = connect(nodeA.url, { userid: 'f3-newcomer' });
            const refused = await once(newcomer, 'connect_error', 5000);
            expect(refused.data.code).toBe('STORE_UNAVAILABLE');
        } finally {
            redis.resume();
        }
        await eventually('/healthz ok again', async () => (await healthz(nodeA)).body.status === 'ok');
        const presence = await eventually('a request served again', async () => {
            const reply = await request(alice, 'check-presence', { roomid: 'f3-room' });
            return reply.ok && reply;
        });
        expect(presence.room.owner).toBe('f3-alice');
        expect((await connectUser(nodeA.url, { userid: 'f3-later' })).userid).toBe('f3-later');
    });
});
