// Issue 14, items 10 and 11: what one connection can make the server do and hold.
//   10. Unknown event names count against the rate limit like any request, and refusals
//       are logged at most once per second per connection (LOG_REFUSALS_PER_SECOND overall).
//   11. Requests waiting behind a slow one hold at most MAX_QUEUED_BYTES per connection;
//       only the known `auth` fields are kept; `extra` is bounded by what it costs to keep
//       (its serialized size plus a weight per object, array and member name).
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createLogger } from '../../../server/log.js';
import { closeAllSockets, connect, connectUser, once, request, startServer } from './support/helpers.js';

let server;
let url;
const logLines = [];

beforeAll(async () => {
    ({ server, url } = await startServer({
        rateLimit: 20,
        rateLimitBurst: 20,
        maxQueuedBytes: 256 * 1024,
        passwordDelayBaseMs: 1500,
        passwordDelayMaxMs: 1500,
        logger: createLogger({ level: 'info', write: (line) => logLines.push(JSON.parse(line)) }),
    }));
});
afterEach(() => closeAllSockets());
afterAll(() => server.close());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('unknown events', () => {
    test('count against the rate limit, and their refusals are logged at most once a second', async () => {
        const { socket, welcome } = await connectUser(url);
        const codes = [];
        socket.on('error-event', (error) => codes.push(error.code));
        for (let i = 0; i < 300; i++) socket.emit(`no-such-event-${i}`, { i });
        const last = once(socket, 'error-event');
        socket.emit('one-more-unknown', {});
        await last;
        while (codes.length < 301) await once(socket, 'error-event');
        // The first ones within the burst are UNKNOWN_EVENT; the flood behind them RATE_LIMITED.
        expect(codes.slice(0, 20)).toEqual(Array(20).fill('UNKNOWN_EVENT'));
        expect(codes.filter((code) => code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(250);
        const lines = logLines.filter((line) => line.userid === welcome.userid && line.outcome !== 'ok');
        expect(lines.length).toBeGreaterThan(0);
        expect(lines.length).toBeLessThanOrEqual(3);
    });
});

describe('refusal logs', () => {
    test('many connections refused at once write at most LOG_REFUSALS_PER_SECOND lines a second', async () => {
        const lines = [];
        const quiet = await startServer({
            logRefusalsPerSecond: 5,
            logger: createLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line)) }),
        });
        try {
            const sockets = [];
            for (let i = 0; i < 20; i++) sockets.push((await connectUser(quiet.url)).socket);
            const refused = lines.length;
            const answers = sockets.map((socket) => once(socket, 'error-event'));
            for (const socket of sockets) socket.emit('not-an-event', {});
            expect((await Promise.all(answers)).every((error) => error.code === 'UNKNOWN_EVENT')).toBe(true);
            const written = lines.slice(refused).filter((line) => line.outcome === 'UNKNOWN_EVENT');
            expect(written.length).toBeGreaterThan(0);
            expect(written.length).toBeLessThanOrEqual(5);
        } finally {
            closeAllSockets();
            await quiet.server.close();
        }
    });
});

describe('refusal logs on seed channels', () => {
    test('unknown events on a channel are rate-limited and logged at most once a second too', async () => {
        const channel = connect(url, { path: '/refusal-logs-channel' });
        await once(channel, 'connect');
        const before = logLines.length;
        const codes = [];
        channel.on('error-event', (error) => codes.push(error.code));
        for (let i = 0; i < 60; i++) channel.emit(`not-a-channel-event-${i}`, {});
        while (codes.length < 60) await once(channel, 'error-event');
        // The burst (20) is served, then the rest is refused; on a loaded machine the bucket may
        // refill for a few while the 60 arrive, so the count past the burst is a bound.
        expect(codes.slice(0, 20)).toEqual(Array(20).fill('UNKNOWN_EVENT'));
        expect(codes.slice(20).filter((code) => code !== 'RATE_LIMITED' && code !== 'UNKNOWN_EVENT')).toEqual([]);
        expect(codes.filter((code) => code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(30);
        const lines = logLines.slice(before).filter((line) => line.event === 'channel-message');
        expect(lines.length).toBe(1);
    });
});

describe('memory one connection can pin', () => {
    test('requests queued behind a slow one hold at most MAX_QUEUED_BYTES; the rest are refused', async () => {
        const { socket: owner } = await connectUser(url, { userid: 'queue-owner' });
        await request(owner, 'open-room', { roomid: 'queue-room', password: 'right' });
        await request(owner, 'open-room', { roomid: 'queue-side' });
        const { socket } = await connectUser(url, { userid: 'queue-filler' });
        await request(socket, 'join-room', { roomid: 'queue-side' });
        await sleep(1100); // a full rate-limit bucket
        // A wrong password is answered after 1.5 s; what follows waits behind it.
        const slow = request(socket, 'join-room', { roomid: 'queue-room', password: 'wrong' });
        const big = 'x'.repeat(60 * 1024);
        const relays = [];
        for (let i = 0; i < 12; i++) relays.push(request(socket, 'relay', { roomid: 'queue-side', data: big }));
        const answers = await Promise.all(relays);
        expect((await slow).error.code).toBe('WRONG_PASSWORD');
        const queued = answers.filter((answer) => answer.ok).length;
        const refused = answers.filter((answer) => !answer.ok);
        expect(queued).toBeGreaterThan(0);
        expect(queued * 60 * 1024).toBeLessThanOrEqual(256 * 1024);
        expect(refused.length).toBe(12 - queued);
        expect(refused[0].error).toEqual({ code: 'RATE_LIMITED', message: expect.stringContaining('bytes') });
    });

    test('only the known auth fields are kept', async () => {
        const socket = connect(url, { auth: { userid: 'auth-padder', proxyToken: 'p'.repeat(900 * 1024), other: { a: 1 } } });
        await once(socket, 'welcome');
        const [held] = [...server.io.of('/').sockets.values()].filter((s) => s.data.userid === 'auth-padder');
        expect(held.handshake.auth).toEqual({ userid: 'auth-padder' });
        expect(JSON.stringify(held.handshake).length).toBeLessThan(16 * 1024);
    });

    test('an extra that costs far more memory than its size is refused; a plain 16 KiB one is fine', async () => {
        const nestedArrays = JSON.parse(`[${Array(1500).fill('[[[[0]]]]').join(',')}]`); // ~15 KB of text
        const manyKeys = Object.fromEntries(Array.from({ length: 1600 }, (_, i) => [`k${i}`, 1])); // ~15 KB
        for (const extra of [nestedArrays, manyKeys]) {
            expect(Buffer.byteLength(JSON.stringify(extra))).toBeLessThan(16 * 1024);
            const refusedAtConnect = connect(url, { userid: 'heavy-extra', extra });
            const error = await once(refusedAtConnect, 'connect_error');
            expect(error.message).toBe('INVALID_PAYLOAD');
            expect(error.data.message).toContain('auth.extra');
            const { socket } = await connectUser(url);
            const answer = await request(socket, 'update-extra', { extra });
            expect(answer.error.code).toBe('INVALID_PAYLOAD');
            socket.close();
        }
        const plain = { name: 'Alice', bio: 'b'.repeat(16 * 1024 - 100) };
        const { socket } = await connectUser(url, { userid: 'plain-extra', extra: plain });
        expect((await request(socket, 'update-extra', { extra: plain })).ok).toBe(true);
    });
});
