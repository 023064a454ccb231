// A hostile client sends hundreds of malformed and oversize payloads across every event.
// The server must stay up, answer each with an error, leave the room state as it was, and
// keep serving the well-behaved members of the same room.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closeAllSockets, connectUser, once, record, request, startServer } from './support/helpers.js';

let server;
let url;
let alice;
let bob;
let mallory;

function nested(depth, leaf = 1) {
    let value = leaf;
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { v: value };
    return value;
}

const big = (bytes) => 'x'.repeat(bytes);

// Values that are wrong for each kind of field (each one is invalid for that kind).
const BAD = {
    id: [null, 0, 1.5, true, '', big(129), 'line\nbreak', 'nul\u0000', [], ['fortress'], {}, { roomid: 'fortress' }, Buffer.from('fortress')],
    json: [Buffer.from('binary'), new Uint8Array(8), nested(40), { deep: nested(35) }],
    extra: [big(17 * 1024), { blob: big(16400) }],
    password: [0, true, [], {}, big(257), Buffer.from('pw')],
    integer: [0, -1, 1.5, '5', 10001, null, true, [], {}],
    boolean: ['true', 0, 1, null, [], {}],
    session: [0, true, [], Buffer.from('s'), { big: big(3000) }],
    direction: [0, '', big(65), [], {}],
    channel: [0, '', 'bad name', '../etc', big(129), null, {}, []],
    sender: [null, true, [], {}, big(129)],
};
const NOT_AN_OBJECT = [null, 0, 'a string', true, [], ['fortress'], Buffer.from('{}')];

// event -> [valid base payload, {field: kind}]
const EVENTS = {
    'open-room': [{ roomid: 'hostile-open' }, {
        roomid: 'id', extra: 'extra', password: 'password', maxParticipantsAllowed: 'integer',
        autoCloseEntireSession: 'boolean', session: 'session', direction: 'direction', listed: 'boolean',
        channel: 'id',
    }],
    'join-room': [{ roomid: 'fortress' }, { roomid: 'id', extra: 'extra', password: 'password' }],
    'leave-room': [{ roomid: 'fortress' }, { roomid: 'id' }],
    'check-presence': [{ roomid: 'fortress' }, { roomid: 'id' }],
    'get-room': [{ roomid: 'fortress' }, { roomid: 'id' }],
    'list-rooms': [{}, {}],
    'subscribe-rooms': [{}, {}],
    'unsubscribe-rooms': [{}, {}],
    'turn-credentials': [{}, {}],
    eject: [{ roomid: 'fortress', userid: 'bob' }, { roomid: 'id', userid: 'id' }],
    'close-room': [{ roomid: 'fortress' }, { roomid: 'id' }],
    'update-extra': [{ extra: null }, { extra: 'extra' }],
    relay: [{ roomid: 'fortress', data: 'hi' }, { roomid: 'id', to: 'id', data: 'json' }],
    'new-channel': [{ channel: 'ok-channel', sender: 1 }, { channel: 'channel', sender: 'sender' }],
};

function buildCorpus() {
    const corpus = []; // [event, args, expected codes]
    const invalid = ['INVALID_PAYLOAD'];
    for (const [event, [base, fields]] of Object.entries(EVENTS)) {
        for (const value of NOT_AN_OBJECT) corpus.push([event, [value], invalid]);
        corpus.push([event, [base, 'extra argument'], invalid]);
        corpus.push([event, [{ ...base, unexpected: true }], invalid]);
        corpus.push([event, [{ ...base, constructor: 'x' }], invalid]);
        corpus.push([event, [JSON.parse(`{"__proto__": {"polluted": true}, "base": ${JSON.stringify(base)}}`)], invalid]);
        for (const [field, kind] of Object.entries(fields)) {
            const values = kind === 'extra' ? [...BAD.json, ...BAD.extra] : BAD[kind];
            for (const value of values) corpus.push([event, [{ ...base, [field]: value }], invalid]);
            if (['roomid', 'userid', 'extra', 'data', 'channel'].includes(field) && field in base) {
                const { [field]: _omitted, ...missing } = base;
                corpus.push([event, [missing], invalid]);
            }
        }
        // Oversize: past MAX_MESSAGE_BYTES (64 KiB) but under the transport cap (1 MB).
        corpus.push([event, [{ ...base, padding: big(70 * 1024) }], ['MESSAGE_TOO_LARGE']]);
        corpus.push([event, [{ ...base, blob: new Uint8Array(80 * 1024) }], ['MESSAGE_TOO_LARGE']]);
        corpus.push([event, [{ ...base, deep: nested(200) }], invalid]);
    }
    for (const value of [0, null, {}, [], 'bad name', big(129), Buffer.from('c')]) {
        corpus.push(['presence', [value], invalid]);
    }
    corpus.push(['presence', ['ok', 'extra'], invalid]);
    corpus.push(['relay', [{ roomid: 'fortress', data: big(300 * 1024) }], ['MESSAGE_TOO_LARGE']]);
    corpus.push(['update-extra', [{ extra: { list: new Array(20000).fill(1) } }], ['INVALID_PAYLOAD', 'MESSAGE_TOO_LARGE']]);
    const unknown = ['change-userid', 'set-password', 'RTCMultiConnection-Message', 'extra-data-updated',
        'admin', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'message', 'welcome', big(500)];
    for (const event of unknown) corpus.push([event, [{ roomid: 'fortress', userid: 'bob' }], ['UNKNOWN_EVENT']]);
    return corpus;
}

beforeAll(async () => {
    // Rate limit out of the way: this suite is about payloads (identity.test.js covers floods).
    ({ server, url } = await startServer({ rateLimit: 1e6, rateLimitBurst: 1e6 }));
    alice = (await connectUser(url, { userid: 'alice', extra: { role: 'owner' } })).socket;
    bob = (await connectUser(url, { userid: 'bob' })).socket;
    mallory = (await connectUser(url, { userid: 'mallory' })).socket;
    await request(alice, 'open-room', { roomid: 'fortress', password: 'moat', maxParticipantsAllowed: 5 });
    await request(bob, 'join-room', { roomid: 'fortress', password: 'moat' });
    await request(mallory, 'join-room', { roomid: 'fortress', password: 'moat' });
});

afterAll(async () => {
    closeAllSockets();
    await server.close();
});

describe('hostile client', () => {
    test('hundreds of malformed payloads: each refused, state unchanged, server serving', async () => {
        const corpus = buildCorpus();
        expect(corpus.length).toBeGreaterThanOrEqual(200);
        const roomBefore = await server.rooms.getRoom('fortress');
        const listBefore = await server.rooms.listRooms();
        const aliceSaw = record(alice, 'relay');
        const aliceEvents = [];
        for (const name of ['member-left', 'owner-changed', 'room-closed', 'extra-updated', 'member-joined']) {
            alice.on(name, (payload) => aliceEvents.push([name, payload]));
        }
        const errorEvents = record(mallory, 'error-event');

        // Sent in order, each awaited: every one must be answered with an error.
        const unanswered = [];
        for (const [event, args, codes] of corpus) {
            let answer;
            try {
                answer = await mallory.timeout(10000).emitWithAck(event, ...args);
            } catch (err) {
                unanswered.push([event, err.message]);
                continue;
            }
            if (answer?.ok !== false || !codes.includes(answer.error.code)) {
                unanswered.push([event, JSON.stringify(args).slice(0, 120), answer]);
            }
        }
        expect(unanswered).toEqual([]);
        expect(errorEvents.length).toBe(corpus.length);
        expect(errorEvents.every((e) => typeof e.code === 'string' && typeof e.message === 'string')).toBe(true);

        // Room state is exactly as before; nothing reached the room.
        expect(await server.rooms.getRoom('fortress')).toEqual(roomBefore);
        expect(await server.rooms.listRooms()).toEqual(listBefore);
        expect(aliceSaw).toEqual([]);
        expect(aliceEvents).toEqual([]);

        // Well-behaved members still work, in both directions, and so does mallory's
        // connection for valid requests.
        const toBob = once(bob, 'relay');
        alice.emit('relay', { roomid: 'fortress', to: 'bob', data: { sdp: 'offer' } });
        expect(await toBob).toEqual({ roomid: 'fortress', from: 'alice', data: { sdp: 'offer' } });
        const toAlice = once(alice, 'relay');
        bob.emit('relay', { roomid: 'fortress', to: 'alice', data: { sdp: 'answer' } });
        expect((await toAlice).data).toEqual({ sdp: 'answer' });
        expect((await request(mallory, 'check-presence', { roomid: 'fortress' })).room.participants).toBe(3);
        const healthz = await fetch(url + 'healthz');
        expect((await healthz.json()).status).toBe('ok');
    });

    test('raw protocol garbage closes only the offending connection', async () => {
        const roomBefore = await server.rooms.getRoom('fortress');
        const { socket: raw } = await connectUser(url);
        const errors = record(raw, 'error-event');
        // Hand-made socket.io packets ("2" = EVENT), past the client's encoder.
        const deepJson = '['.repeat(100000) + ']'.repeat(100000);
        raw.io.engine.send(`2["relay",{"roomid":"fortress","data":${deepJson}}]`);
        raw.io.engine.send('2[1234,{}]'); // event name not a string
        const refused = once(raw, 'error-event');
        raw.io.engine.send('2["relay",{"roomid":"fortress","data":1}]'); // not a member
        await refused;
        expect(errors.map((e) => e.code)).toEqual(['INVALID_PAYLOAD', 'UNKNOWN_EVENT', 'NOT_IN_ROOM']);
        const closed = once(raw, 'disconnect');
        raw.io.engine.send('2["relay",{"roomid":'); // not JSON: socket.io drops the connection
        expect(await closed).toBe('transport close');
        expect(await server.rooms.getRoom('fortress')).toEqual(roomBefore);
        const toBob = once(bob, 'relay');
        alice.emit('relay', { roomid: 'fortress', data: 'still here' });
        expect((await toBob).data).toBe('still here');
    });
});
