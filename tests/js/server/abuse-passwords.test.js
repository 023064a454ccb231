// Issue 14, item 9: password guessing. The per-socket delay alone let a guesser open a fresh
// socket per guess. Wrong passwords are now counted per client address and per room
// (PASSWORD_ATTEMPTS_PER_ADDRESS, PASSWORD_ATTEMPTS_PER_ROOM, per minute); past either
// budget a join with a password is refused with RATE_LIMITED, the right password included.
// Password hashing (scrypt) runs at most MAX_CONCURRENT_HASHES at a time, with at most
// MAX_QUEUED_HASHES waiting (then SERVER_BUSY), and never for a request that fails anyway:
// the room is checked first.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import { closeAllSockets, connectUser, request, startServer } from './support/helpers.js';

let server;
let url;
let port;

beforeAll(async () => {
    ({ server, url, port } = await startServer({
        passwordAttemptsPerAddress: 5,
        passwordAttemptsPerRoom: 12,
        maxConcurrentHashes: 1,
        maxQueuedHashes: 4,
        passwordDelayBaseMs: 1,
        passwordDelayMaxMs: 1,
        rateLimit: 1e6,
        rateLimitBurst: 1e6,
    }));
});
afterEach(() => closeAllSockets());
afterAll(() => server.close());

// One guess on a fresh connection, as a guesser that sidesteps the per-socket delay would.
async function guessOnFreshSocket(roomid, password, from) {
    const { socket } = await connectUser(url, { from });
    const answer = await request(socket, 'join-room', { roomid, password });
    socket.close();
    return answer.ok ? 'ok' : answer.error.code;
}

describe('password attempts', () => {
    test('per address: a fresh socket per guess does not reset the count; another address is unaffected', async () => {
        const { socket: owner } = await connectUser(url, { userid: 'vault-owner', from: '127.0.0.9' });
        await request(owner, 'open-room', { roomid: 'vault', password: 'correct horse' });
        const outcomes = [];
        for (let i = 0; i < 8; i++) outcomes.push(await guessOnFreshSocket('vault', `guess-${i}`, '127.0.0.3'));
        expect(outcomes).toEqual([...Array(5).fill('WRONG_PASSWORD'), ...Array(3).fill('RATE_LIMITED')]);
        // While limited, even the right password is refused from that address...
        const { socket: limited } = await connectUser(url, { from: '127.0.0.3' });
        const refused = await request(limited, 'join-room', { roomid: 'vault', password: 'correct horse' });
        expect(refused.error.code).toBe('RATE_LIMITED');
        expect(refused.error.message).toMatch(/too many wrong passwords from your address/);
        // ...but not from another one.
        expect(await guessOnFreshSocket('vault', 'correct horse', '127.0.0.4')).toBe('ok');
        // Rooms without a password are not affected by the limit.
        await request(owner, 'open-room', { roomid: 'open-door' });
        expect((await request(limited, 'join-room', { roomid: 'open-door' })).ok).toBe(true);
    });

    test('per room: guesses spread over many addresses are capped too', async () => {
        const { socket: owner } = await connectUser(url, { userid: 'safe-owner', from: '127.0.0.9' });
        await request(owner, 'open-room', { roomid: 'safe', password: 'tr0ub4dor' });
        const outcomes = [];
        for (let i = 0; i < 16; i++) outcomes.push(await guessOnFreshSocket('safe', `guess-${i}`, `127.0.1.${i + 1}`));
        expect(outcomes).toEqual([...Array(12).fill('WRONG_PASSWORD'), ...Array(4).fill('RATE_LIMITED')]);
        const { socket } = await connectUser(url, { from: '127.0.1.100' });
        const refused = await request(socket, 'join-room', { roomid: 'safe', password: 'guess' });
        expect(refused.error.message).toMatch(/too many wrong passwords for room "safe"/);
    });
});

describe('password hashing stays off the path of other requests', () => {
    // A GET on the raw HTTP port (static files and /healthz share the thread pool with scrypt).
    function get(path) {
        return new Promise((resolve, reject) => {
            http.get({ host: '127.0.0.1', port, path }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode));
            }).on('error', reject);
        });
    }

    test('past MAX_QUEUED_HASHES, hashing requests get SERVER_BUSY; checks that need no hash still answer', async () => {
        const { socket: owner } = await connectUser(url, { userid: 'busy-owner', from: '127.0.0.9' });
        await request(owner, 'open-room', { roomid: 'busy', password: 'pw' });
        const openers = [];
        for (let i = 0; i < 12; i++) openers.push((await connectUser(url, { from: `127.0.2.${i + 1}` })).socket);
        // Twelve password rooms opened at once: one hash runs, four wait, the rest are refused.
        const opening = openers.map((socket, i) => request(socket, 'open-room', { roomid: `hashed-${i}`, password: `p${i}` }));
        // Meanwhile: a room that exists is ROOM_EXISTS (no hash), a missing one ROOM_NOT_FOUND,
        // and the HTTP side answers.
        const { socket: other } = await connectUser(url, { from: '127.0.2.200' });
        const exists = await request(other, 'open-room', { roomid: 'busy', password: 'anything' });
        const missing = await request(other, 'join-room', { roomid: 'no-such-room', password: 'anything' });
        expect(exists.error.code).toBe('ROOM_EXISTS');
        expect(missing.error.code).toBe('ROOM_NOT_FOUND');
        expect(await get('/healthz')).toBe(200);
        const codes = (await Promise.all(opening)).map((answer) => (answer.ok ? 'ok' : answer.error.code));
        expect(codes.filter((code) => code === 'ok').length).toBeGreaterThanOrEqual(5);
        expect(codes.filter((code) => code === 'SERVER_BUSY').length).toBeGreaterThan(0);
        expect(codes.every((code) => code === 'ok' || code === 'SERVER_BUSY')).toBe(true);
    });
});
