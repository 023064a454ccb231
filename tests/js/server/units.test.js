// Small pure pieces: validation, size measurement, rate limit, password delay, config.
import { describe, expect, test } from '@jest/globals';
import { inspectJson, validateAuth, validateRequest, validateChannelName } from '../../../server/validate.js';
import { TokenBucket } from '../../../server/rate-limit.js';
import { WrongPasswordDelay } from '../../../server/password-delay.js';
import { configFromEnv, parseStaticRoots, resolveConfig } from '../../../server/config.js';
import { hashPassword, verifyPassword } from '../../../server/passwords.js';

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
