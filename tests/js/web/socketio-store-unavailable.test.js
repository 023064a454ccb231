// The library's channel (web/signaling/socketio-channel.js) against a real server in Redis
// mode whose Redis stops answering: the server refuses new connections with
// STORE_UNAVAILABLE ("try again shortly"), and the channel does try again, with its usual
// backoff, until it gets in. This is how the clients of a crashed node come back when Redis
// is out at the same time (issue 14, item 5 and the load test with faults).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { WebSocket } from 'ws';
import { createServer } from '../../../server/index.js';
import { SocketIoChannel } from '../../../web/signaling/socketio-channel.js';
import { startRedis } from '../server/support/processes.js';

let redis;
let server;
let url;

beforeAll(async () => {
    redis = await startRedis();
    server = createServer({ logLevel: 'silent', redisUrl: redis.url, redisPrefix: `lib${process.pid}:`, redisTimeoutMs: 500 });
    ({ url } = await server.listen(0, '127.0.0.1'));
});
afterAll(async () => {
    redis.resume();
    await server.close();
    await redis.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('a connection refused with STORE_UNAVAILABLE is retried until the store answers again', async () => {
    redis.pause();
    const events = { errors: [], welcomes: [], refusals: 0 };
    let channel;
    try {
        await sleep(700); // the server's Redis probe has seen it go quiet
        channel = new SocketIoChannel(
            { url, userid: 'patient', extra: null, options: { WebSocket, reconnectionDelay: 100, reconnectionDelayMax: 400 } },
            {
                onConnect: () => {},
                onError: (code, message) => events.errors.push({ code, message }),
                onRelay: () => {},
                onServerEvent: (name, payload) => name === 'welcome' && events.welcomes.push(payload),
            },
        );
        channel.socket.on('connect_error', (error) => {
            if (error.data?.code === 'STORE_UNAVAILABLE') events.refusals += 1;
        });
        const deadline = Date.now() + 5000;
        while (events.refusals < 2 && Date.now() < deadline) await sleep(50);
        expect(events.refusals).toBeGreaterThanOrEqual(2); // refused, and tried again
    } finally {
        redis.resume();
    }
    try {
        const deadline = Date.now() + 10000;
        while (events.welcomes.length === 0 && Date.now() < deadline) await sleep(50);
        // Both together, so that a failure says whether the channel gave up and why. A
        // transient refusal is not an error for the page.
        expect({ welcomes: events.welcomes, errors: events.errors }).toEqual({ welcomes: [{ resumed: false, rooms: [] }], errors: [] });
        expect(channel.socket.connected).toBe(true);
        expect((await channel.request('open-room', { roomid: 'after-the-outage' })).ok).toBe(true);
    } finally {
        channel.close();
    }
});
