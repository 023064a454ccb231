// What the SFU broker refuses, with a real Janus behind a recording tap: every refusal is an
// `sfu-status` {status: 'refused', reason} naming the frame's transaction, and the refused
// frame never reaches Janus. Operator requests (room create/destroy/kick/list, with or
// without a secret), claim, other plugins; non-members and mesh rooms; oversize and
// malformed frames; the frame rate; sessions and Janus connections per client. And a server
// without RTCMC_JANUS_URL makes mesh rooms of `sfu: true`.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startJanus } from '../../support/janus.js';
import { startJanusTap } from './support/janus-tap.js';
import { closeAllSockets, connectUser, once, request, startServer } from './support/helpers.js';
import { sfuChannel } from './support/sfu-client.js';

const MAX_FRAME_BYTES = 8192;
let janus;
let tap;
let server;
let url;
let owner;
let ownerSfu;
let session;
let handle;

beforeAll(async () => {
    janus = await startJanus();
    tap = await startJanusTap(janus.url);
    ({ server, url } = await startServer({
        janusUrl: tap.url,
        sfuMaxFrameBytes: MAX_FRAME_BYTES,
        sfuMaxJanusSockets: 2,
    }));
    ({ socket: owner } = await connectUser(url, { userid: 'owner' }));
    await request(owner, 'open-room', { roomid: 'sfu-room', sfu: true });
    ownerSfu = sfuChannel(owner, 'sfu-room');
    ({ session, handle } = await ownerSfu.joinAsPublisher());
});
afterAll(async () => {
    closeAllSockets();
    await server?.close();
    await tap?.close();
    await janus?.stop();
});

// Sends `frame` (object or text) and expects its refusal, with `reason` (string or RegExp),
// and that Janus never saw it.
async function expectRefused(channel, frame, reason) {
    const before = tap.toJanus().length;
    let answer;
    if (typeof frame === 'string') {
        channel.sendText(frame);
        answer = { refused: await channel.nextStatus((s) => s.status === 'refused' && !channel.seen?.has(s)) };
    } else {
        answer = await channel.request(frame);
    }
    expect(answer.refused).toBeDefined();
    (channel.seen ??= new Set()).add(answer.refused);
    expect(answer.refused.status).toBe('refused');
    if (reason instanceof RegExp) expect(answer.refused.reason).toMatch(reason);
    else expect(answer.refused.reason).toBe(reason);
    // A keepalive afterwards is answered: the refused frame would have reached Janus first.
    const { frame: ack } = await ownerSfu.request({ janus: 'keepalive', session_id: session });
    expect(ack.janus).toBe('ack');
    expect(tap.toJanus().length).toBe(before + 1);
    return answer.refused;
}

test('operator requests never reach Janus, with or without a secret', async () => {
    const room = server.rooms.store.get('sfu-room').sfu;
    const operatorRequests = [
        { request: 'create', room: 99, secret: 'guess' },
        { request: 'destroy', room: room.room, secret: room.secret },
        { request: 'kick', room: room.room, id: 1, secret: room.secret },
        { request: 'list' },
        { request: 'listparticipants', room: room.room },
        { request: 'edit', room: room.room, secret: room.secret, new_pin: 'mine' },
        { request: 'rtp_forward', room: room.room, publisher_id: 1, host: '127.0.0.1' },
        { request: 'enable_recording', room: room.room, record: true },
        { request: 'allowed', room: room.room, action: 'disable' },
        { request: 'joinandconfigure', room: room.room, ptype: 'publisher' },
    ];
    for (const body of operatorRequests) {
        const refused = await expectRefused(ownerSfu, { janus: 'message', session_id: session, handle_id: handle, body }, /^videoroom request ".*" is not allowed/);
        expect(refused.transaction).toMatch(/^rtcmc-/);
    }
});

test('claim, other plugins, other Janus requests and a join without ptype are refused', async () => {
    await expectRefused(ownerSfu, { janus: 'claim', session_id: session }, /^janus "claim" is not allowed/);
    for (const kind of ['hangup', 'info', 'ping', 'list_sessions']) {
        await expectRefused(ownerSfu, { janus: kind, session_id: session, handle_id: handle }, /is not allowed/);
    }
    for (const plugin of ['janus.plugin.echotest', 'janus.plugin.streaming', 'janus.plugin.videoroom.x', undefined]) {
        await expectRefused(ownerSfu, { janus: 'attach', plugin, session_id: session }, 'only the plugin janus.plugin.videoroom may be attached');
    }
    await expectRefused(ownerSfu, { janus: 'message', session_id: session, handle_id: handle, body: { request: 'join', room: 1 } }, 'join needs ptype "publisher" or "subscriber"');
});

test('credentials are taken out of the frames that go on, and a subscriber join is tied to the room too', async () => {
    const room = server.rooms.store.get('sfu-room').sfu;
    const subscriberHandle = await ownerSfu.attach(session);
    await ownerSfu.request({
        janus: 'message',
        session_id: session,
        handle_id: subscriberHandle,
        apisecret: 'a',
        token: 'b',
        admin_secret: 'c',
        body: { request: 'join', ptype: 'subscriber', room: 42, pin: 'p', secret: 's', admin_key: 'k', token: 't', streams: [{ feed: 1 }] },
    });
    const sent = tap.toJanus().map((e) => e.frame).filter((f) => f.body?.ptype === 'subscriber').pop();
    expect(Object.keys(sent).sort()).toEqual(['body', 'handle_id', 'janus', 'session_id', 'transaction']);
    expect(sent.body).toEqual({ request: 'join', ptype: 'subscriber', room: room.room, pin: room.pin, streams: [{ feed: 1 }] });
});

test('malformed and oversize frames are refused with the reason', async () => {
    await expectRefused(ownerSfu, 'not json', 'frame is not JSON');
    await expectRefused(ownerSfu, '[1,2]', 'frame must be a JSON object');
    await expectRefused(ownerSfu, '{"janus":"keepalive"}', /^transaction must be a string/);
    await expectRefused(ownerSfu, { janus: 'keepalive' }, 'keepalive needs a session_id');
    await expectRefused(ownerSfu, { janus: 'message', session_id: session, handle_id: handle }, 'message needs a body object');
    await expectRefused(ownerSfu, { janus: 'message', session_id: session, body: { request: 'leave' } }, 'message needs a handle_id');
    const big = { janus: 'message', session_id: session, handle_id: handle, body: { request: 'configure' }, jsep: { type: 'offer', sdp: 'x'.repeat(MAX_FRAME_BYTES) } };
    const refused = await expectRefused(ownerSfu, big, `frame is larger than ${MAX_FRAME_BYTES} bytes`);
    expect(refused.transaction).toMatch(/^rtcmc-/);
    // A payload that is not {roomid, frame: text}.
    owner.emit('sfu', { roomid: 'sfu-room', frame: { janus: 'create' } });
    expect((await ownerSfu.nextStatus((s) => s.reason === 'frame must be a string, got object')).status).toBe('refused');
});

test('non-members and members of a mesh room are refused', async () => {
    const { socket: outsider } = await connectUser(url, { userid: 'outsider' });
    await expectRefused(sfuChannel(outsider, 'sfu-room'), { janus: 'create' }, 'you are not in room "sfu-room"');
    await request(outsider, 'open-room', { roomid: 'mesh-room' });
    await expectRefused(sfuChannel(outsider, 'mesh-room'), { janus: 'create' }, 'room "mesh-room" is not an SFU room');
    // Before any member frame the broker opened no Janus connection for either.
    expect(tap.toJanus().filter((e) => e.frame.janus === 'create').length).toBe(2); // the admin's and the owner's
});

test('a client has at most sfuMaxSessions sessions per room and sfuMaxJanusSockets Janus connections', async () => {
    const { socket: many } = await connectUser(url, { userid: 'many' });
    const rooms = ['a1', 'a2', 'a3'];
    for (const roomid of rooms) await request(many, 'open-room', { roomid, sfu: true });
    const [first, second, third] = rooms.map((roomid) => sfuChannel(many, roomid));
    await first.createSession();
    await first.createSession();
    await expectRefused(first, { janus: 'create' }, 'at most 2 Janus sessions per room');
    await second.createSession();
    await expectRefused(third, { janus: 'create' }, 'at most 2 Janus connections per client');
    // Leaving a room frees its connection.
    await request(many, 'leave-room', { roomid: 'a1' });
    await third.createSession();
});

test('frames past the rate limit are refused', async () => {
    const { server: strict, url: strictUrl } = await startServer({ janusUrl: tap.url, sfuFrameRate: 20, sfuFrameBurst: 30 });
    try {
        const { socket: fast } = await connectUser(strictUrl, { userid: 'fast' });
        await request(fast, 'open-room', { roomid: 'rate-room', sfu: true });
        const channel = sfuChannel(fast, 'rate-room');
        const transactions = [];
        for (let i = 0; i < 40; i++) transactions.push(channel.send({ janus: 'create' }));
        const limited = await channel.nextStatus((s) => /^too many SFU frames/.test(s.reason));
        expect(limited.reason).toBe('too many SFU frames: at most 20 per second (bursts of 30)');
        expect(transactions).toContain(limited.transaction);
        const refusedCount = () => channel.statuses.filter((s) => /^too many SFU frames/.test(s.reason)).length;
        // About 10 of the 40 (the bucket refills at 20 per second while they are sent).
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(refusedCount()).toBeGreaterThanOrEqual(5);
        expect(refusedCount()).toBeLessThanOrEqual(10);
    } finally {
        await strict.close();
    }
});

test('a server without RTCMC_JANUS_URL opens mesh rooms and refuses frames', async () => {
    const { server: plain, url: plainUrl } = await startServer();
    try {
        const { socket } = await connectUser(plainUrl, { userid: 'plain' });
        const opened = await request(socket, 'open-room', { roomid: 'wanted-sfu', sfu: true, sfuBitrate: 500000 });
        expect(opened.ok).toBe(true);
        expect(opened.room.sfu).toBeUndefined();
        expect(plain.rooms.store.get('wanted-sfu').sfu).toBe(null);
        const channel = sfuChannel(socket, 'wanted-sfu');
        const { refused } = await channel.request({ janus: 'create' });
        expect(refused.reason).toBe('this server has no SFU (RTCMC_JANUS_URL is not set)');
        // And sfuBitrate is checked like any field.
        const bad = await request(socket, 'open-room', { roomid: 'bad-bitrate', sfu: true, sfuBitrate: 10 });
        expect(bad.error).toMatchObject({ code: 'INVALID_PAYLOAD', message: 'sfuBitrate must be an integer from 32000 to 10000000, got number' });
    } finally {
        await plain.close();
    }
});

test('an sfu event larger than the guard\'s limit is refused before the broker', async () => {
    // Far past the frame limit (and its escaped form): the request guard's MESSAGE_TOO_LARGE.
    const error = once(owner, 'error-event');
    owner.emit('sfu', { roomid: 'sfu-room', frame: 'x'.repeat(MAX_FRAME_BYTES * 3) });
    expect(await error).toMatchObject({ code: 'MESSAGE_TOO_LARGE', event: 'sfu' });
});
