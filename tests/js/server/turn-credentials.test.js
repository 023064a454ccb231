// TURN credentials (server/turn-credentials.js, docs/server.md "TURN"): the TURN REST scheme
// that coturn checks with use-auth-secret / static-auth-secret. The expected passwords are
// computed here from the scheme's definition (draft-uberti-behave-turn-rest-00, section 2.2:
// password = base64(HMAC-SHA1(secret, username)), username = "<expiry>:<user>"), with
// node:crypto directly, and one vector was computed outside Node (Python's hmac module).
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { configFromEnv, resolveConfig } from '../../../server/config.js';
import { createLogger } from '../../../server/log.js';
import { createTurnIssuer, parseTurnUrls, turnCredential, turnUserName } from '../../../server/turn-credentials.js';
import { closeAllSockets, connect, connectUser, firstOf, request, startServer } from './support/helpers.js';

const SECRET = 'north-wind-secret';
const URLS = ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'];

// The scheme's password, written from its definition.
const expectedPassword = (secret, username) => createHmac('sha1', Buffer.from(secret, 'utf8')).update(Buffer.from(username, 'utf8')).digest('base64');

describe('turnCredential', () => {
    test('matches a vector computed outside Node', () => {
        // python3: base64.b64encode(hmac.new(b'north-wind-secret', b'1700000000:alice', hashlib.sha1).digest())
        const { username, credential } = turnCredential({ secret: SECRET, userid: 'alice', ttlMs: 3600000, nowMs: 1700000000000 - 3600000 });
        expect(username).toBe('1700000000:alice');
        expect(credential).toBe('r/l6ttQtMIfbS2lfULS0mDRRNUg=');
    });

    test('username is "<expiry in Unix seconds>:<userid>", the password its HMAC-SHA1 under the secret', () => {
        const nowMs = Date.UTC(2026, 11, 4, 10, 0, 0, 750);
        const ttlMs = 600000;
        const issued = turnCredential({ secret: SECRET, userid: 'bob', ttlMs, nowMs });
        const expiry = Math.floor((nowMs + ttlMs) / 1000);
        expect(issued.username).toBe(`${expiry}:bob`);
        expect(issued.credential).toBe(expectedPassword(SECRET, `${expiry}:bob`));
        // Rounded down: the credential never outlives its TTL, and expires within a second of it.
        expect(issued.expiresAt).toBe(expiry * 1000);
        expect(issued.expiresAt).toBeLessThanOrEqual(nowMs + ttlMs);
        expect(issued.expiresAt).toBeGreaterThan(nowMs + ttlMs - 1000);
        // Another secret, another user or another time: another password.
        expect(turnCredential({ secret: 'other', userid: 'bob', ttlMs, nowMs }).credential).not.toBe(issued.credential);
        expect(turnCredential({ secret: SECRET, userid: 'bobby', ttlMs, nowMs }).credential).not.toBe(issued.credential);
        expect(turnCredential({ secret: SECRET, userid: 'bob', ttlMs, nowMs: nowMs + 5000 }).username).toBe(`${expiry + 5}:bob`);
    });

    test('a userid that is not short printable ASCII is replaced by a digest in the username', () => {
        expect(turnUserName('alice-01@example.org')).toBe('alice-01@example.org');
        expect(turnUserName('a:b')).toBe('a:b'); // coturn reads the expiry before the first colon
        for (const userid of ['Zoë', 'with space', '漢字', '🙂'.repeat(64)]) {
            const name = turnUserName(userid);
            expect(name).toMatch(/^u-[A-Za-z0-9_-]{22}$/);
            expect(turnUserName(userid)).toBe(name); // stable
        }
        expect(turnUserName('Zoë')).not.toBe(turnUserName('Zoe'));
        const { username, credential } = turnCredential({ secret: SECRET, userid: 'Zoë', ttlMs: 60000, nowMs: 0 });
        expect(username).toBe(`60:${turnUserName('Zoë')}`);
        expect(credential).toBe(expectedPassword(SECRET, username));
    });

    test('refuses to make a credential without a secret', () => {
        expect(() => turnCredential({ secret: '', userid: 'a', ttlMs: 1000 })).toThrow('TURN secret');
        expect(() => turnCredential({ secret: undefined, userid: 'a', ttlMs: 1000 })).toThrow('TURN secret');
    });
});

describe('createTurnIssuer', () => {
    test('gives iceServers with fresh credentials and what is left of their life', () => {
        let now = 1_800_000_000_400;
        const issuer = createTurnIssuer(resolveConfig({ turnUrls: URLS, turnSecret: SECRET, turnCredentialTtlMs: 10000 }), () => now);
        const first = issuer.iceServersFor('carol');
        expect(first).toEqual({
            iceServers: [{ urls: URLS, username: '1800000010:carol', credential: expectedPassword(SECRET, '1800000010:carol') }],
            ttlMs: 9600,
            expiresAt: 1800000010000,
        });
        now += 8000; // a renewal later on: a later expiry
        const second = issuer.iceServersFor('carol');
        expect(second.iceServers[0].username).toBe('1800000018:carol');
        expect(second.expiresAt).toBeGreaterThan(first.expiresAt);
        // The URLs handed out are copies: a caller cannot change the issuer's.
        second.iceServers[0].urls.push('turn:evil.example');
        expect(issuer.iceServersFor('carol').iceServers[0].urls).toEqual(URLS);
    });

    test('is absent without TURN_URLS', () => {
        expect(createTurnIssuer(resolveConfig({}))).toBeNull();
    });
});

describe('configuration', () => {
    test('TURN_URLS, TURN_SECRET and TURN_CREDENTIAL_TTL_MS', () => {
        const config = resolveConfig(
            configFromEnv({ TURN_URLS: 'turn:a.example:3478?transport=udp, turns:a.example:5349  stun:a.example', TURN_SECRET: 's3', TURN_CREDENTIAL_TTL_MS: '120000' }),
        );
        expect(config.turnUrls).toEqual(['turn:a.example:3478?transport=udp', 'turns:a.example:5349', 'stun:a.example']);
        expect(config.turnSecret).toBe('s3');
        expect(config.turnCredentialTtlMs).toBe(120000);
        // Defaults: no TURN, one hour.
        const plain = resolveConfig(configFromEnv({}));
        expect(plain.turnUrls).toEqual([]);
        expect(plain.turnSecret).toBeNull();
        expect(plain.turnCredentialTtlMs).toBe(3600000);
    });

    test('mistakes fail at start-up', () => {
        expect(() => resolveConfig(configFromEnv({ TURN_URLS: 'turn:a.example' }))).toThrow('TURN_URLS is set but TURN_SECRET is not');
        expect(() => resolveConfig(configFromEnv({ TURN_SECRET: 'x' }))).toThrow('TURN_SECRET is set but TURN_URLS is not');
        expect(() => configFromEnv({ TURN_URLS: 'http://a.example', TURN_SECRET: 'x' })).toThrow('turn:, turns: or stun:');
        expect(() => configFromEnv({ TURN_URLS: 'turn:a', TURN_SECRET: 'x', TURN_CREDENTIAL_TTL_MS: '999' })).toThrow('TURN_CREDENTIAL_TTL_MS');
        expect(() => resolveConfig({ turnUrls: ['turn:a'], turnSecret: 'x', turnCredentialTtlMs: 1.5 })).toThrow('TURN_CREDENTIAL_TTL_MS');
        expect(parseTurnUrls('')).toEqual([]);
    });
});

describe('the signaling server', () => {
    let withTurn;
    let withoutTurn;
    const logLines = [];

    beforeAll(async () => {
        const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
        withTurn = await startServer({ turnUrls: URLS, turnSecret: SECRET, turnCredentialTtlMs: 30000, rateLimit: 5, rateLimitBurst: 5, logger });
        withoutTurn = await startServer();
    });
    afterEach(() => closeAllSockets());
    afterAll(async () => {
        await withTurn?.server.close();
        await withoutTurn?.server.close();
    });

    test('a connected client gets credentials for its own userid in its welcome', async () => {
        const before = Date.now();
        const { welcome } = await connectUser(withTurn.url, { userid: 'dave' });
        const after = Date.now();
        const { iceServers, ttlMs, expiresAt } = welcome.turn;
        expect(iceServers).toHaveLength(1);
        expect(iceServers[0].urls).toEqual(URLS);
        const [expiry, user] = iceServers[0].username.split(':');
        expect(user).toBe('dave');
        expect(Number(expiry) * 1000).toBe(expiresAt);
        expect(expiresAt).toBeGreaterThan(before + 30000 - 1000);
        expect(expiresAt).toBeLessThanOrEqual(after + 30000);
        expect(ttlMs).toBeGreaterThan(29000 - (after - before));
        expect(ttlMs).toBeLessThanOrEqual(30000);
        expect(iceServers[0].credential).toBe(expectedPassword(SECRET, iceServers[0].username));
        // A drawn userid gets credentials in its name too.
        const drawn = await connectUser(withTurn.url);
        expect(drawn.welcome.turn.iceServers[0].username.split(':')[1]).toBe(drawn.userid);
    });

    test('turn-credentials renews them, with a later expiry', async () => {
        const { socket, welcome } = await connectUser(withTurn.url, { userid: 'erin' });
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const renewed = await request(socket, 'turn-credentials', {});
        expect(renewed.ok).toBe(true);
        expect(renewed.expiresAt).toBeGreaterThan(welcome.turn.expiresAt);
        const { username, credential } = renewed.iceServers[0];
        expect(username).toMatch(/^\d+:erin$/);
        expect(credential).toBe(expectedPassword(SECRET, username));
        // No payload at all works too; fields are refused like in every request.
        expect((await request(socket, 'turn-credentials')).ok).toBe(true);
        expect((await request(socket, 'turn-credentials', { userid: 'mallory' })).error).toEqual({ code: 'INVALID_PAYLOAD', message: 'unknown field "userid"' });
    });

    test('requests for credentials are rate-limited like every other event', async () => {
        const { socket } = await connectUser(withTurn.url, { userid: 'frank' });
        const answers = await Promise.all(Array.from({ length: 12 }, () => request(socket, 'turn-credentials', {})));
        const refused = answers.filter((answer) => !answer.ok);
        expect(refused.length).toBeGreaterThan(0);
        for (const answer of refused) expect(answer.error.code).toBe('RATE_LIMITED');
    });

    test('a connection refused at connect gets no credentials', async () => {
        await connectUser(withTurn.url, { userid: 'grace' });
        const impostor = connect(withTurn.url, { userid: 'grace' });
        const outcome = await firstOf(impostor, ['welcome', 'connect_error']);
        expect(outcome.event).toBe('connect_error');
        expect(outcome.value.message).toBe('USERID_TAKEN');
        expect(JSON.stringify(outcome.value.data)).not.toContain('credential');
    });

    test('the secret and the passwords never reach the log', async () => {
        const { socket, welcome } = await connectUser(withTurn.url, { userid: 'heidi' });
        const renewed = await request(socket, 'turn-credentials', {});
        const log = logLines.join('');
        expect(log).toContain('turn-credentials');
        expect(log).not.toContain(SECRET);
        expect(log).not.toContain(welcome.turn.iceServers[0].credential);
        expect(log).not.toContain(renewed.iceServers[0].credential);
    });

    test('without TURN_URLS: no turn in the welcome, and TURN_NOT_CONFIGURED on request', async () => {
        const { socket, welcome } = await connectUser(withoutTurn.url, { userid: 'ivan' });
        expect(welcome).not.toHaveProperty('turn');
        expect((await request(socket, 'turn-credentials', {})).error).toEqual({
            code: 'TURN_NOT_CONFIGURED',
            message: 'this server issues no TURN credentials (TURN_URLS is not set)',
        });
    });
});
