// Small pure pieces: validation, size measurement, rate limit, password delay, config.
import { describe, expect, test } from '@jest/globals';
import { inspectJson, validateAuth, validateRequest, validateChannelName } from '../../../server/validate.js';
import { TokenBucket } from '../../../server/rate-limit.js';
import { WrongPasswordDelay } from '../../../server/password-delay.js';
import { configFromEnv, parseStaticRoots, resolveConfig } from '../../../server/config.js';
import { hashPassword, verifyPassword } from '../../../server/passwords.js';
import { AttemptLimiter } from '../../../server/attempt-limiter.js';
import { clientAddress } from '../../../server/client-address.js';
import { HashSlots } from '../../../server/hash-slots.js';

describe('validateRequest', () => {
    const cases = [
        // [event, args, expected: 'ok' or a fragment of the message]
        ['open-room', [{ roomid: 'r' }], 'ok'],
        ['open-room', [{ roomid: '' }], 'roomid must be 1 to 128 characters'],
        ['open-room', [{ roomid: 'x'.repeat(129) }], 'roomid must be 1 to 128 characters'],
        ['open-room', [{ roomid: 'a\u0007b' }], 'roomid must not contain control characters'],
        ['open-room', [{ roomid: 5 }], 'roomid must be a string, got number'],
        ['open-room', [{}], 'roomid is required'],
        ['open-room', [{ roomid: 'r', roomId: 'r' }], 'unknown field "roomId"'],
        ['open-room', [{ roomid: 'r', maxParticipantsAllowed: 0 }], 'maxParticipantsAllowed must be an integer from 1 to 10000'],
        ['open-room', [{ roomid: 'r', maxParticipantsAllowed: 1.5 }], 'maxParticipantsAllowed must be an integer'],
        ['open-room', [{ roomid: 'r', maxParticipantsAllowed: 10000 }], 'ok'],
        ['open-room', [{ roomid: 'r', password: 'p'.repeat(257) }], 'password must be at most 256 characters'],
        ['open-room', [{ roomid: 'r', extra: { big: 'x'.repeat(17000) } }], 'extra must serialize to at most 16384 bytes'],
        ['open-room', [{ roomid: 'r', extra: Buffer.from('x') }], 'extra must be JSON (binary data'],
        ['open-room', [{ roomid: 'r', extra: '€'.repeat(6000) }], 'extra must serialize to at most 16384 bytes'],
        ['open-room', [{ roomid: 'r', extra: '€'.repeat(5000) }], 'ok'],
        ['open-room', [{ roomid: 'r', session: 'audio + video', direction: 'one-to-many' }], 'ok'],
        ['open-room', [{ roomid: 'r', session: 7 }], 'session must be a string or an object'],
        ['open-room', [{ roomid: 'r', autoCloseEntireSession: 'yes' }], 'autoCloseEntireSession must be a boolean'],
        ['open-room', [null], 'payload must be an object, got null'],
        ['open-room', [['r']], 'payload must be an object, got an array'],
        ['open-room', [{ roomid: 'r' }, 'second'], 'expected one payload argument, got 2'],
        ['open-room', [], 'payload must be an object, got undefined'],
        ['list-rooms', [], 'ok'],
        ['relay', [{ roomid: 'r', data: null }], 'ok'],
        ['relay', [{ roomid: 'r' }], 'data is required'],
        ['relay', [{ roomid: 'r', to: '', data: 1 }], 'to must be 1 to 128 characters'],
        ['update-extra', [{ extra: null }], 'ok'],
        ['new-channel', [{ channel: 'Default-Socket', sender: 12345 }], 'ok'],
        ['new-channel', [{ channel: '../x', sender: 1 }], 'channel must be 1 to 128 characters among'],
        ['nope', [{}], 'unknown event "nope"'],
    ];
    test.each(cases)('%s %j', (event, args, expected) => {
        const result = validateRequest(event, args);
        if (expected === 'ok') expect(result).toMatchObject({ ok: true });
        else {
            expect(result.ok).toBe(false);
            expect(result.message).toContain(expected);
        }
    });

    test('deep nesting is refused without recursion trouble', () => {
        let deep = 1;
        for (let i = 0; i < 100000; i++) deep = [deep];
        expect(validateRequest('relay', [{ roomid: 'r', data: deep }]).message).toContain('must not nest deeper');
    });

    test('auth: absent is fine, bad userid is refused, unknown keys are ignored', () => {
        expect(validateAuth(undefined)).toEqual({ ok: true, value: {} });
        expect(validateAuth({ userid: 'a', token: 'x' })).toEqual({ ok: true, value: { userid: 'a' } });
        expect(validateAuth({ userid: 42 }).message).toContain('auth.userid must be a string');
        expect(validateChannelName('ok-name').ok).toBe(true);
    });
});

describe('inspectJson', () => {
    test('measures close to the JSON length and stops at the first problem', () => {
        const value = { a: 'héllo', b: [1, 2, null, true], c: { d: false } };
        const { bytes, problem } = inspectJson(value);
        expect(problem).toBeNull();
        expect(Math.abs(bytes - Buffer.byteLength(JSON.stringify(value)))).toBeLessThanOrEqual(4);
        expect(inspectJson({ s: 'x'.repeat(100) }, { maxBytes: 50 }).problem).toBe('size');
        expect(inspectJson([new Uint8Array(10)]).problem).toBe('binary');
        expect(inspectJson([new Uint8Array(100)], { maxBytes: 50 }).problem).toBe('size');
        expect(inspectJson(new Map()).problem).toBe('type');
    });
});

describe('TokenBucket', () => {
    test('allows the burst, then the rate', () => {
        let now = 0;
        const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, now: () => now });
        expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
        now += 100; // one token per 100 ms
        expect([bucket.take(), bucket.take()]).toEqual([true, false]);
        now += 10000;
        expect(Array.from({ length: 4 }, () => bucket.take())).toEqual([true, true, true, false]);
    });
});

describe('WrongPasswordDelay', () => {
    test('doubles up to the cap and resets on success', () => {
        const delay = new WrongPasswordDelay({ baseMs: 100, maxMs: 500 });
        expect([delay.fail(), delay.fail(), delay.fail(), delay.fail()]).toEqual([100, 200, 400, 500]);
        delay.succeed();
        expect(delay.fail()).toBe(100);
    });
});

describe('passwords', () => {
    test('salted scrypt: two hashes of one password differ, both verify, others do not', async () => {
        const a = await hashPassword('secret');
        const b = await hashPassword('secret');
        expect(a.salt).not.toBe(b.salt);
        expect(a.hash).not.toBe(b.hash);
        expect(JSON.stringify(a)).not.toContain('secret');
        expect(await verifyPassword('secret', a)).toBe(true);
        expect(await verifyPassword('Secret', a)).toBe(false);
        expect(await verifyPassword('', b)).toBe(false);
    });
});

describe('config', () => {
    test('reads the documented environment variables', () => {
        const config = resolveConfig(
            configFromEnv({
                PORT: '8080',
                HOST: '0.0.0.0',
                REDIS_URL: 'redis://127.0.0.1:6390',
                MAX_MESSAGE_BYTES: '2048',
                RATE_LIMIT: '5',
                MAX_ROOMS_PER_SOCKET: '2',
                STATIC: '/=demos;/build-wasm/=build-wasm',
                LOG_LEVEL: 'warn',
            }),
        );
        expect(config).toMatchObject({
            port: 8080,
            host: '0.0.0.0',
            redisUrl: 'redis://127.0.0.1:6390',
            maxMessageBytes: 2048,
            rateLimit: 5,
            rateLimitBurst: 10,
            maxRoomsPerSocket: 2,
            staticRoots: [['/', 'demos'], ['/build-wasm/', 'build-wasm']],
            logLevel: 'warn',
        });
        expect(resolveConfig({})).toMatchObject({ port: 9001, host: '127.0.0.1', maxMessageBytes: 65536 });
    });

    test('refuses nonsense early', () => {
        expect(() => configFromEnv({ PORT: 'abc' })).toThrow('PORT must be an integer');
        expect(() => resolveConfig({ logLevel: 'loud' })).toThrow('LOG_LEVEL must be one of');
        expect(() => parseStaticRoots('nofolder')).toThrow('STATIC entries look like');
    });
});

describe('limits from the environment (docs/server.md, Configuration)', () => {
    const cases = [
        ['MAX_ANSWER_BYTES', '262144', 'maxAnswerBytes', 262144],
        ['ROOM_LIST_PAGE_SIZE', '25', 'roomListPageSize', 25],
        ['MAX_UNSENT_BYTES', '1048576', 'maxUnsentBytes', 1048576],
        ['MAX_QUEUED_BYTES', '65536', 'maxQueuedBytes', 65536],
        ['PASSWORD_ATTEMPTS_PER_ADDRESS', '5', 'passwordAttemptsPerAddress', 5],
        ['PASSWORD_ATTEMPTS_PER_ROOM', '50', 'passwordAttemptsPerRoom', 50],
        ['MAX_CONCURRENT_HASHES', '2', 'maxConcurrentHashes', 2],
        ['MAX_QUEUED_HASHES', '8', 'maxQueuedHashes', 8],
        ['MAX_CONNECTIONS_PER_ADDRESS', '500', 'maxConnectionsPerAddress', 500],
        ['MAX_CHANNELS_PER_CONNECTION', '4', 'maxChannelsPerConnection', 4],
        ['MAX_SEED_CHANNELS', '100', 'maxSeedChannels', 100],
        ['HEADERS_TIMEOUT_MS', '5000', 'headersTimeoutMs', 5000],
        ['REQUEST_TIMEOUT_MS', '20000', 'requestTimeoutMs', 20000],
        ['MAX_CONNECTIONS', '2000', 'maxConnections', 2000],
        ['LOG_REFUSALS_PER_SECOND', '3', 'logRefusalsPerSecond', 3],
        ['REDIS_TIMEOUT_MS', '750', 'redisTimeoutMs', 750],
        ['NODE_TTL_MS', '3000', 'nodeTtlMs', 3000],
        ['TRUST_PROXY', '10.0.0.1, 10.0.0.2', 'trustProxy', '10.0.0.1, 10.0.0.2'],
    ];
    test.each(cases)('%s=%s sets %s', (variable, text, option, value) => {
        expect(configFromEnv({ [variable]: text })[option]).toEqual(value);
    });

    test.each(['MAX_ANSWER_BYTES', 'MAX_CONNECTIONS_PER_ADDRESS', 'NODE_TTL_MS', 'REDIS_TIMEOUT_MS'])('%s refuses garbage', (variable) => {
        expect(() => configFromEnv({ [variable]: 'lots' })).toThrow(variable);
    });

    test('every default is resolved, and a request timeout shorter than the header timeout is refused', () => {
        const config = resolveConfig({});
        expect(config).toMatchObject({ maxAnswerBytes: 1048576, roomListPageSize: 100, maxConnectionsPerAddress: 100, nodeTtlMs: 5000 });
        expect(config.trustedProxies.size).toBe(0);
        expect(resolveConfig({ trustProxy: '10.0.0.1' }).trustedProxies).toEqual(new Set(['10.0.0.1', '::ffff:10.0.0.1']));
        expect(() => resolveConfig({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).toThrow('REQUEST_TIMEOUT_MS');
    });
});

describe('client address', () => {
    const request = (peer, forwardedFor) => ({ socket: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    const trusted = new Set(['10.0.0.1', '10.0.0.2']);
    test.each([
        ['a direct client is its TCP peer, whatever it claims', request('::ffff:203.0.113.7', '1.2.3.4'), '203.0.113.7'],
        ['behind a trusted proxy, the address the proxy appended', request('10.0.0.1', '1.2.3.4, 203.0.113.8'), '203.0.113.8'],
        ['behind a chain of trusted proxies, the first untrusted hop from the right', request('10.0.0.1', '203.0.113.9, 10.0.0.2'), '203.0.113.9'],
        ['a trusted proxy that sent no header is itself', request('10.0.0.1'), '10.0.0.1'],
    ])('%s', (name, req, expected) => {
        expect(clientAddress(req, trusted)).toBe(expected);
    });
});

describe('attempt budgets and hash slots', () => {
    test('a budget per key refills over a minute, and one key does not spend another', () => {
        let clock = 0;
        const limiter = new AttemptLimiter({ perMinute: 3, now: () => clock });
        for (let i = 0; i < 3; i++) {
            expect(limiter.allows('a')).toBe(true);
            limiter.spend('a');
        }
        expect(limiter.allows('a')).toBe(false);
        expect(limiter.allows('b')).toBe(true);
        clock += 20000; // a third of a minute: one attempt back
        expect(limiter.allows('a')).toBe(true);
    });

    test('at most `concurrency` tasks run; past `maxQueued` waiting, SERVER_BUSY at once', async () => {
        const slots = new HashSlots({ concurrency: 1, maxQueued: 1 });
        let release;
        const first = slots.run(() => new Promise((resolve) => (release = resolve)));
        const second = slots.run(async () => 'second');
        await expect(slots.run(async () => 'third')).rejects.toMatchObject({ code: 'SERVER_BUSY' });
        release('first');
        expect(await Promise.all([first, second])).toEqual(['first', 'second']);
        expect(await slots.run(async () => 'again')).toBe('again');
    });
});
