// The SFU broker's pure parts, without Janus or sockets: the frame rules (what is refused,
// what is rewritten), the session ledger, the room's Janus parameters and views, and every
// SFU setting (default, environment variable, bounds).
import { describe, expect, test } from '@jest/globals';
import { configFromEnv, DEFAULTS, resolveConfig, sfuVariable } from '../../../server/config.js';
import { departure, roomView, publicRoomView, Rooms } from '../../../server/rooms.js';
import { checkClientFrame, scopeToRoom, transactionOf } from '../../../server/sfu/frame-rules.js';
import { drawRoomParams } from '../../../server/sfu/room-params.js';
import { SessionLedger } from '../../../server/sfu/session-ledger.js';
import { validateRequest } from '../../../server/validate.js';

const MAX = 262144;
const check = (frame) => checkClientFrame(typeof frame === 'string' ? frame : JSON.stringify(frame), { maxBytes: MAX });
const message = (body, extra = {}) => ({ janus: 'message', transaction: 't', session_id: 1, handle_id: 2, body, ...extra });

describe('checkClientFrame', () => {
    test.each([
        ['create', { janus: 'create', transaction: 't' }],
        ['attach', { janus: 'attach', transaction: 't', session_id: 1, plugin: 'janus.plugin.videoroom' }],
        ['keepalive', { janus: 'keepalive', transaction: 't', session_id: 1 }],
        ['trickle', { janus: 'trickle', transaction: 't', session_id: 1, handle_id: 2, candidate: { completed: true } }],
        ['detach', { janus: 'detach', transaction: 't', session_id: 1, handle_id: 2 }],
        ['destroy', { janus: 'destroy', transaction: 't', session_id: 1 }],
        ...['publish', 'configure', 'unpublish', 'start', 'pause', 'update', 'leave', 'switch'].map((request) => [request, message({ request })]),
        ['join publisher', message({ request: 'join', ptype: 'publisher' })],
        ['join subscriber', message({ request: 'join', ptype: 'subscriber', streams: [{ feed: 3 }] })],
        ['publish with jsep', message({ request: 'publish' }, { jsep: { type: 'offer', sdp: 'v=0' } })],
    ])('passes %s', (name, frame) => {
        expect(check(frame)).toMatchObject({ ok: true, frame });
    });

    test.each([
        ['claim', { janus: 'claim', transaction: 't', session_id: 1 }, 'janus "claim" is not allowed'],
        ['hangup', { janus: 'hangup', transaction: 't', session_id: 1, handle_id: 2 }, 'janus "hangup" is not allowed'],
        ['no janus', { transaction: 't' }, 'janus "undefined" is not allowed'],
        ['no transaction', { janus: 'create' }, 'transaction must be a string of 1 to 128 characters'],
        ['long transaction', { janus: 'create', transaction: 'x'.repeat(129) }, 'transaction must be a string'],
        ['attach elsewhere', { janus: 'attach', transaction: 't', session_id: 1, plugin: 'janus.plugin.streaming' }, 'only the plugin janus.plugin.videoroom may be attached'],
        ['session as text', { janus: 'keepalive', transaction: 't', session_id: '1' }, 'keepalive needs a session_id'],
        ['trickle without handle', { janus: 'trickle', transaction: 't', session_id: 1 }, 'trickle needs a handle_id'],
        ['body missing', { janus: 'message', transaction: 't', session_id: 1, handle_id: 2 }, 'message needs a body object'],
        ['jsep not an object', message({ request: 'publish' }, { jsep: 'v=0' }), 'jsep must be an object'],
        ...['create', 'destroy', 'edit', 'kick', 'moderate', 'list', 'listparticipants', 'exists', 'rtp_forward', 'enable_recording', 'allowed', 'joinandconfigure'].map(
            (request) => [request, message({ request, secret: 's' }), `videoroom request "${request}" is not allowed`],
        ),
        ['join listener', message({ request: 'join', ptype: 'listener' }), 'join needs ptype "publisher" or "subscriber"'],
    ])('refuses %s', (name, frame, reason) => {
        const result = check(frame);
        expect(result.ok).toBe(false);
        expect(result.reason).toContain(reason);
    });

    test('refuses text that is not one JSON object, or too large, naming the transaction when it can', () => {
        expect(check('{')).toEqual({ ok: false, reason: 'frame is not JSON' });
        expect(check('[]')).toEqual({ ok: false, reason: 'frame must be a JSON object' });
        expect(check('null')).toEqual({ ok: false, reason: 'frame must be a JSON object' });
        expect(checkClientFrame(42, { maxBytes: MAX }).reason).toBe('frame must be the text of one Janus JSON frame');
        const big = JSON.stringify(message({ request: 'configure' }, { jsep: { type: 'offer', sdp: '€'.repeat(MAX / 3) }, transaction: 'rtcmc-9' }));
        expect(big.length).toBeLessThan(MAX); // larger in UTF-8 only
        expect(check(big)).toEqual({ ok: false, reason: `frame is larger than ${MAX} bytes`, transaction: 'rtcmc-9' });
        expect(check({ janus: 'claim', transaction: 'rtcmc-3' }).transaction).toBe('rtcmc-3');
        const deep = `{"janus":"message","transaction":"d","session_id":1,"handle_id":2,"body":{"request":"configure","x":${'['.repeat(50000)}${']'.repeat(50000)}}}`;
        expect(check(deep)).toEqual({ ok: false, reason: 'frame must not nest deeper than 16 levels', transaction: 'd' });
        expect(transactionOf('{"body":{},"transaction" : "rtcmc-7"}')).toBe('rtcmc-7');
        expect(transactionOf('{"sdp":"a \\"transaction\\":\\"x\\""}')).toBeUndefined();
    });

    test('takes credentials and recording fields out of the frame and its body', () => {
        const frame = message(
            { request: 'publish', secret: 's', admin_key: 'k', token: 't', record: true, filename: '/etc/x' },
            { apisecret: 'a', token: 'b', admin_secret: 'c', secret: 'd' },
        );
        const result = check(frame);
        expect(result.frame).toEqual(message({ request: 'publish' }));
    });
});

describe('scopeToRoom', () => {
    const room = { room: 777, pin: 'the-pin', bitrate: 256000 };
    const scoped = (frame) => scopeToRoom(check(frame), { room, userid: 'alice' });

    test('a join goes to the room with its pin; a publisher is displayed as its userid', () => {
        expect(scoped(message({ request: 'join', ptype: 'publisher', room: 1, pin: 'x', display: 'bob' })).body).toEqual({
            request: 'join',
            ptype: 'publisher',
            room: 777,
            pin: 'the-pin',
            display: 'alice',
        });
        expect(scoped(message({ request: 'join', ptype: 'publisher' })).body.display).toBe('alice');
        expect(scoped(message({ request: 'join', ptype: 'subscriber', room: 5, streams: [{ feed: 9 }] })).body).toEqual({
            request: 'join',
            ptype: 'subscriber',
            room: 777,
            pin: 'the-pin',
            streams: [{ feed: 9 }],
        });
    });

    test('publish and configure keep the display and stay under the room\'s bitrate', () => {
        expect(scoped(message({ request: 'configure', display: 'bob', bitrate: 9000000 })).body).toEqual({ request: 'configure', bitrate: 256000 });
        expect(scoped(message({ request: 'publish', bitrate: 128000 })).body).toEqual({ request: 'publish', bitrate: 128000 });
        expect(scoped(message({ request: 'publish', bitrate: 'lots' })).body.bitrate).toBe(256000);
        expect(scoped(message({ request: 'start' }))).toEqual(message({ request: 'start' }));
    });

    test('the checked frame is not changed', () => {
        const checked = check(message({ request: 'join', ptype: 'publisher', room: 1 }));
        scopeToRoom(checked, { room, userid: 'alice' });
        expect(checked.frame.body.room).toBe(1);
    });
});

describe('SessionLedger', () => {
    const ledger = () => new SessionLedger({ maxSessions: 2, maxHandles: 2 });
    const frame = (janus, transaction, extra = {}) => ({ janus, transaction, ...extra });

    test('only sessions and handles Janus made on this connection may be used', () => {
        const books = ledger();
        expect(books.admit(frame('keepalive', 'k', { session_id: 5 }))).toBe('session 5 is not one of yours');
        expect(books.admit(frame('create', 'c1'))).toBe(null);
        books.observe({ janus: 'success', transaction: 'c1', data: { id: 5 } });
        expect(books.admit(frame('keepalive', 'k', { session_id: 5 }))).toBe(null);
        expect(books.admit(frame('attach', 'a1', { session_id: 5 }))).toBe(null);
        books.observe({ janus: 'success', transaction: 'a1', session_id: 5, data: { id: 9 } });
        expect(books.admit(frame('message', 'm', { session_id: 5, handle_id: 9 }))).toBe(null);
        expect(books.admit(frame('message', 'm', { session_id: 5, handle_id: 8 }))).toBe('handle 8 is not one of your session\'s');
        // Detached (by request or by Janus), the handle is no longer usable.
        books.observe({ janus: 'detached', session_id: 5, sender: 9 });
        expect(books.admit(frame('trickle', 't', { session_id: 5, handle_id: 9 }))).toMatch(/not one of/);
        // A timed-out or destroyed session neither.
        books.observe({ janus: 'timeout', session_id: 5 });
        expect(books.admit(frame('keepalive', 'k2', { session_id: 5 }))).toMatch(/not one of yours/);
    });

    test('sessions and handles are bounded, requests in flight included; errors free them', () => {
        const books = ledger();
        expect(books.admit(frame('create', 'c1'))).toBe(null);
        expect(books.admit(frame('create', 'c2'))).toBe(null);
        expect(books.admit(frame('create', 'c3'))).toBe('at most 2 Janus sessions per room');
        books.observe({ janus: 'error', transaction: 'c2', error: { code: 490 } });
        expect(books.admit(frame('create', 'c3'))).toBe(null);
        books.observe({ janus: 'success', transaction: 'c1', data: { id: 1 } });
        expect(books.admit(frame('attach', 'a1', { session_id: 1 }))).toBe(null);
        expect(books.admit(frame('attach', 'a2', { session_id: 1 }))).toBe(null);
        expect(books.admit(frame('attach', 'a3', { session_id: 1 }))).toBe('at most 2 handles per Janus session');
        expect(books.admit(frame('attach', 'a1', { session_id: 1 }))).toMatch(/already waiting/);
        books.observe({ janus: 'success', transaction: 'a1', data: { id: 11 } });
        expect(books.admit(frame('detach', 'd1', { session_id: 1, handle_id: 11 }))).toBe(null);
        books.observe({ janus: 'success', transaction: 'd1' });
        expect(books.sessions.get(1).size).toBe(0);
        expect(books.admit(frame('destroy', 'x1', { session_id: 1 }))).toBe(null);
        books.observe({ janus: 'success', transaction: 'x1' });
        expect(books.sessions.has(1)).toBe(false);
    });
});

describe('the room record', () => {
    test('an SFU room\'s Janus parameters are drawn once, bounded, and never in a view', async () => {
        const params = drawRoomParams({ maxParticipantsAllowed: 3 }, { defaultBitrate: 1000000, maxPublishers: 100 });
        expect(params).toMatchObject({ bitrate: 1000000, publishers: 4 });
        expect(Number.isSafeInteger(params.room)).toBe(true);
        expect(params.pin.length).toBeGreaterThanOrEqual(24);
        expect(params.secret).not.toBe(params.pin);
        expect(drawRoomParams({ sfuBitrate: 64000 }, { defaultBitrate: 1000000, maxPublishers: 100 })).toMatchObject({ bitrate: 64000, publishers: 100 });
        expect(drawRoomParams({}, { defaultBitrate: 1000000, maxPublishers: 100 }).room).not.toBe(params.room);

        const rooms = new Rooms();
        const user = { userid: 'alice', extra: null, token: 'tok' };
        const opened = await rooms.open(user, { roomid: 'r' }, { sfu: params });
        expect(opened.room.sfu).toBe(true);
        const record = rooms.store.get('r');
        for (const view of [roomView(record), publicRoomView(record)]) {
            expect(view.sfu).toBe(true);
            expect(JSON.stringify(view)).not.toContain(params.pin);
            expect(JSON.stringify(view)).not.toContain(params.secret);
        }
        expect(await rooms.sfuParams('r')).toEqual(params);
        // The departure that deletes the room hands the parameters to the broker.
        expect(departure(record, 'alice', 'left').result).toMatchObject({ outcome: 'empty', sfu: params });

        const mesh = await rooms.open({ ...user, userid: 'bob' }, { roomid: 'm' });
        expect(mesh.room.sfu).toBeUndefined();
        expect(publicRoomView(rooms.store.get('m')).sfu).toBeUndefined();
        expect(await rooms.sfuParams('m')).toBe(null);
        expect(await rooms.sfuParams('none')).toBe(null);
    });

    test('open-room takes sfu (boolean) and sfuBitrate (32000 to 10000000 bits per second)', () => {
        expect(validateRequest('open-room', [{ roomid: 'r', sfu: true, sfuBitrate: 32000 }]).ok).toBe(true);
        expect(validateRequest('open-room', [{ roomid: 'r', sfu: true, sfuBitrate: 10000000 }]).ok).toBe(true);
        expect(validateRequest('open-room', [{ roomid: 'r', sfu: 'yes' }]).message).toBe('sfu must be a boolean, got string');
        expect(validateRequest('open-room', [{ roomid: 'r', sfuBitrate: 31999 }]).message).toContain('sfuBitrate must be an integer from 32000 to 10000000');
        expect(validateRequest('open-room', [{ roomid: 'r', sfuBitrate: 10000001 }]).ok).toBe(false);
        expect(validateRequest('sfu', [{ roomid: 'r', frame: '{}' }]).ok).toBe(true);
        expect(validateRequest('sfu', [{ roomid: 'r' }]).message).toBe('frame is required');
        expect(validateRequest('sfu', [{ roomid: 'r', frame: '{}', extra: 1 }]).message).toBe('unknown field "extra"');
    });
});

describe('SFU settings', () => {
    const settings = {
        sfuDefaultBitrate: [1000000, 32000, 10000000],
        sfuMaxPublishers: [100, 1, 1000],
        sfuMaxFrameBytes: [262144, 4096, 4194304],
        sfuFrameRate: [50, 1, 10000],
        sfuFrameBurst: [200, 1, 100000],
        sfuMaxJanusSockets: [4, 1, 1000],
        sfuMaxSessions: [2, 1, 64],
        sfuMaxHandles: [4, 1, 64],
        sfuMaxQueuedFrames: [32, 1, 10000],
        janusTimeoutMs: [5000, 100, 600000],
        janusRetryMaxMs: [5000, 100, 3600000],
        janusKeepaliveMs: [25000, 1000, 55000],
    };

    test.each(Object.entries(settings))('%s: default, RTCMC_ variable, bounds', (option, [value, min, max]) => {
        expect(DEFAULTS[option]).toBe(value);
        const variable = sfuVariable(option);
        expect(variable).toMatch(/^RTCMC_(SFU|JANUS)_[A-Z_]+$/);
        expect(resolveConfig(configFromEnv({ [variable]: String(min) }))[option]).toBe(min);
        expect(resolveConfig(configFromEnv({ [variable]: String(max) }))[option]).toBe(max);
        expect(() => configFromEnv({ [variable]: String(max + 1) })).toThrow(`${variable} must be an integer from ${min} to ${max}`);
        expect(() => configFromEnv({ [variable]: String(min - 1) })).toThrow(variable);
        expect(() => resolveConfig({ [option]: max + 1 })).toThrow(`${variable} must be an integer from ${min} to ${max}`);
    });

    test('RTCMC_JANUS_URL and RTCMC_JANUS_ADMIN_KEY: unset by default, a ws:// or wss:// URL', () => {
        expect(DEFAULTS.janusUrl).toBe(null);
        expect(DEFAULTS.janusAdminKey).toBe(null);
        const config = resolveConfig(configFromEnv({ RTCMC_JANUS_URL: 'ws://127.0.0.1:8188', RTCMC_JANUS_ADMIN_KEY: 'k' }));
        expect(config).toMatchObject({ janusUrl: 'ws://127.0.0.1:8188', janusAdminKey: 'k' });
        expect(resolveConfig(configFromEnv({ RTCMC_JANUS_URL: 'wss://janus.example/ws' })).janusUrl).toBe('wss://janus.example/ws');
        expect(() => resolveConfig(configFromEnv({ RTCMC_JANUS_URL: 'http://127.0.0.1:8088' }))).toThrow('RTCMC_JANUS_URL must be a ws:// or wss:// URL');
        expect(() => resolveConfig({ janusUrl: 'not a url' })).toThrow('RTCMC_JANUS_URL must be a ws:// or wss:// URL');
        expect(resolveConfig(configFromEnv({})).janusUrl).toBe(null);
    });

    test('with Janus, the transport takes a frame of the largest size once escaped', () => {
        expect(resolveConfig({}).transportMaxBytes).toBe(1e6);
        const config = resolveConfig({ janusUrl: 'ws://127.0.0.1:8188', sfuMaxFrameBytes: 4194304 });
        expect(config.sfuEventMaxBytes).toBe(2 * 4194304 + 1024);
        expect(config.transportMaxBytes).toBeGreaterThan(config.sfuEventMaxBytes);
    });
});
