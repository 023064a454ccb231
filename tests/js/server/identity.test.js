// Identity, request conventions and per-socket limits, over real sockets.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createLogger } from '../../../server/log.js';
import { closeAllSockets, connect, connectUser, firstOf, once, record, request, startServer } from './support/helpers.js';

let server;
let url;
const logLines = [];

beforeAll(async () => {
    ({ server, url } = await startServer({
        rateLimit: 5,
        rateLimitBurst: 5,
        maxMessageBytes: 4096,
        passwordDelayBaseMs: 100,
        passwordDelayMaxMs: 2000,
        logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
    }));
});
afterEach(() => closeAllSockets());
afterAll(() => server.close());

describe('userid binding', () => {
    test('a socket without auth gets a random userid in welcome', async () => {
        const { welcome } = await connectUser(url);
        expect(welcome).toEqual({
            userid: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
            protocol: 1,
            limits: { maxMessageBytes: 4096 },
            resumeToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
            resumed: false,
        });
    });

    test('a second socket asking for a userid in use is refused at connect', async () => {
        const first = await connectUser(url, { userid: 'alice', extra: { n: 1 } });
        expect(first.welcome.userid).toBe('alice');
        const intruder = connect(url, { userid: 'alice' });
        const err = await once(intruder, 'connect_error');
        expect(err.message).toBe('USERID_TAKEN');
        expect(err.data).toEqual({ code: 'USERID_TAKEN', message: 'userid "alice" is already connected' });
        // The holder is undisturbed.
        expect((await request(first.socket, 'open-room', { roomid: 'still-mine' })).ok).toBe(true);
    });

    test('no request changes a userid, and relays carry the bound one', async () => {
        const alice = await connectUser(url, { userid: 'alice-2' });
        const bob = await connectUser(url, { userid: 'bob-2' });
        const refused = await request(alice.socket, 'change-userid', { userid: 'bob-2' });
        expect(refused.error.code).toBe('UNKNOWN_EVENT');
        await request(alice.socket, 'open-room', { roomid: 'ids' });
        await request(bob.socket, 'join-room', { roomid: 'ids' });
        // A `from` in the payload is refused; a `from` inside data is just data.
        expect((await request(bob.socket, 'relay', { roomid: 'ids', from: 'alice-2', data: 1 })).error).toEqual({
            code: 'INVALID_PAYLOAD',
            message: 'unknown field "from"',
        });
        const got = once(alice.socket, 'relay');
        bob.socket.emit('relay', { roomid: 'ids', data: { from: 'alice-2' } });
        expect(await got).toEqual({ roomid: 'ids', from: 'bob-2', data: { from: 'alice-2' } });
    });

    test('the userid is free again once its socket disconnects', async () => {
        const first = await connectUser(url, { userid: 'carol' });
        const gone = once(first.socket, 'disconnect');
        first.socket.close();
        await gone;
        // The server frees it after its disconnect cleanup; retry until then (bounded).
        let welcome = null;
        for (let attempt = 0; attempt < 20 && !welcome; attempt++) {
            const again = connect(url, { userid: 'carol' });
            const first = await firstOf(again, ['welcome', 'connect_error']);
            if (first.event === 'welcome') welcome = first.value;
        }
        expect(welcome.userid).toBe('carol');
    });

    test('an invalid userid is refused with INVALID_PAYLOAD', async () => {
        const socket = connect(url, { userid: 'x'.repeat(200) });
        const err = await once(socket, 'connect_error');
        expect(err.message).toBe('INVALID_PAYLOAD');
        expect(err.data.message).toContain('auth.userid must be 1 to 128 characters');
    });
});

describe('request conventions', () => {
    test('without an ack, errors arrive as error-event naming the request', async () => {
        const { socket } = await connectUser(url);
        const error = once(socket, 'error-event');
        socket.emit('join-room', { roomid: 'no-such-room' });
        expect(await error).toEqual({
            code: 'ROOM_NOT_FOUND',
            message: 'room "no-such-room" does not exist',
            event: 'join-room',
        });
    });

    test('malformed payloads get both an error ack and an error-event', async () => {
        const { socket } = await connectUser(url);
        const event = once(socket, 'error-event');
        const ack = await request(socket, 'open-room', { roomid: 42 });
        expect(ack).toEqual({
            ok: false,
            error: { code: 'INVALID_PAYLOAD', message: 'roomid must be a string, got number' },
        });
        expect(await event).toMatchObject({ code: 'INVALID_PAYLOAD', event: 'open-room' });
    });

    test('oversize requests are refused with MESSAGE_TOO_LARGE', async () => {
        const { socket } = await connectUser(url);
        await request(socket, 'open-room', { roomid: 'big' });
        const ack = await request(socket, 'relay', { roomid: 'big', data: 'x'.repeat(5000) });
        expect(ack.error).toEqual({ code: 'MESSAGE_TOO_LARGE', message: 'relay payload is larger than 4096 bytes' });
        // Measured in UTF-8 bytes: 1,500 euro signs are 4,500 bytes.
        expect((await request(socket, 'relay', { roomid: 'big', data: '€'.repeat(1500) })).error.code).toBe('MESSAGE_TOO_LARGE');
        expect((await request(socket, 'relay', { roomid: 'big', data: '€'.repeat(1000) })).ok).toBe(true);
    });

    test('floods beyond the rate limit are refused, not queued', async () => {
        const alice = await connectUser(url);
        const bob = await connectUser(url);
        await request(alice.socket, 'open-room', { roomid: 'flood' });
        await request(bob.socket, 'join-room', { roomid: 'flood' });
        const received = record(alice.socket, 'relay');
        const acks = await Promise.all(
            Array.from({ length: 20 }, (_, i) => request(bob.socket, 'relay', { roomid: 'flood', data: i })),
        );
        const accepted = acks.filter((ack) => ack.ok).length;
        const refused = acks.filter((ack) => ack.error?.code === 'RATE_LIMITED');
        expect(accepted).toBeGreaterThanOrEqual(3);
        expect(accepted).toBeLessThanOrEqual(6);
        expect(refused.length).toBe(20 - accepted);
        expect(refused[0].error.message).toContain('at most 5 per second');
        // Only accepted relays were delivered: wait for a later one to pass, then count.
        await new Promise((resolve) => setTimeout(resolve, 400)); // let bob's bucket refill
        const sentinel = once(alice.socket, 'relay');
        bob.socket.emit('relay', { roomid: 'flood', data: 'sentinel' });
        expect((await sentinel).data).toBe('sentinel');
        expect(received.length).toBe(accepted + 1);
    });
});

describe('passwords', () => {
    test('wrong passwords are refused, slower each time; the right one still works', async () => {
        const owner = await connectUser(url);
        const guesser = await connectUser(url);
        await request(owner.socket, 'open-room', { roomid: 'vault', password: 's3cret-pass' });
        const durations = [];
        for (let i = 0; i < 4; i++) {
            const started = performance.now();
            const ack = await request(guesser.socket, 'join-room', { roomid: 'vault', password: `guess-${i}` });
            durations.push(performance.now() - started);
            expect(ack.error).toEqual({ code: 'WRONG_PASSWORD', message: 'wrong password for room "vault"' });
        }
        // Delays are 100, 200, 400, 800 ms on top of the scrypt check. Timers never fire
        // early, so these lower bounds hold on any machine; a busy one only adds time.
        [100, 200, 400, 800].forEach((delay, i) => expect(durations[i]).toBeGreaterThanOrEqual(delay));
        expect(durations[3]).toBeGreaterThan(durations[0]);
        const ok = await request(guesser.socket, 'join-room', { roomid: 'vault', password: 's3cret-pass' });
        expect(ok.ok).toBe(true);
        expect(ok.room.isPasswordProtected).toBe(true);
        expect(JSON.stringify(ok)).not.toContain('s3cret-pass');
    });

    test('logs are JSON lines with event and outcome, never passwords or bodies', () => {
        expect(logLines.length).toBeGreaterThan(10);
        const entries = logLines.map((line) => JSON.parse(line));
        expect(entries).toContainEqual(
            expect.objectContaining({ event: 'join-room', roomid: 'vault', outcome: 'WRONG_PASSWORD' }),
        );
        expect(entries).toContainEqual(expect.objectContaining({ event: 'relay', outcome: 'ok' }));
        const all = logLines.join('');
        expect(all).not.toContain('s3cret-pass');
        expect(all).not.toContain('guess-');
        expect(all).not.toContain('sentinel');
    });
});
