// The SFU broker with a real Janus (Debian's 1.1.2, tests/support/janus.js) behind a
// recording tap (support/janus-tap.js): members' frames reach Janus tied to their own room,
// with the room's pin and their userid as display, whatever they wrote; the room is created
// by the server with the room's bitrate and a pin no page ever sees; leaving closes the
// member's Janus connection and closing the room destroys the Janus room.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startJanus, videoroomClient } from '../../support/janus.js';
import { startJanusTap } from './support/janus-tap.js';
import { closeAllSockets, connectUser, request, startServer } from './support/helpers.js';
import { sfuChannel } from './support/sfu-client.js';

let janus;
let tap;
let server;
let url;
let observer; // a client of our own, straight to Janus: listparticipants, exists

beforeAll(async () => {
    janus = await startJanus();
    tap = await startJanusTap(janus.url);
    ({ server, url } = await startServer({ janusUrl: tap.url }));
    observer = await videoroomClient(janus.url);
});
afterAll(async () => {
    closeAllSockets();
    observer?.close();
    await server?.close();
    await tap?.close();
    await janus?.stop();
});

const recordOf = (roomid) => server.rooms.store.get(roomid);
const participants = async (room) => (await observer.videoroom({ request: 'listparticipants', room })).participants ?? [];

async function until(check, what, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await check()) return;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

let alice;
let bob;
let aliceSfu;
let bobSfu;
let room; // the conference's Janus parameters, as the server keeps them

test('a member joins the room\'s own Janus room: created by the server with the bitrate and a pin the page never sees', async () => {
    ({ socket: alice } = await connectUser(url, { userid: 'alice' }));
    const opened = await request(alice, 'open-room', { roomid: 'conference', sfu: true, sfuBitrate: 300000, maxParticipantsAllowed: 5 });
    expect(opened.ok).toBe(true);
    expect(opened.room.sfu).toBe(true);
    room = recordOf('conference').sfu;
    expect(room).toMatchObject({ bitrate: 300000, publishers: 6 });
    expect(JSON.stringify(opened)).not.toContain(room.pin);
    expect(JSON.stringify(opened)).not.toContain(room.secret);

    aliceSfu = sfuChannel(alice, 'conference');
    // The page names another room, a wrong pin and another display: all overwritten.
    const { joined } = await aliceSfu.joinAsPublisher({ room: 1234, pin: 'a guess', display: 'mallory' });
    expect(joined).toMatchObject({ videoroom: 'joined', room: room.room });

    const sent = tap.toJanus().map((entry) => entry.frame);
    const created = sent.find((frame) => frame.body?.request === 'create');
    expect(created.body).toMatchObject({ room: room.room, pin: room.pin, secret: room.secret, bitrate: 300000, publishers: 6, notify_joining: false });
    const join = sent.find((frame) => frame.body?.request === 'join');
    expect(join.body).toMatchObject({ room: room.room, pin: room.pin, display: 'alice', ptype: 'publisher' });
    // The room was created before the join went out.
    expect(sent.indexOf(created)).toBeLessThan(sent.indexOf(join));
    // Nothing the page received carries the pin or the secret.
    for (const { text } of aliceSfu.frames) {
        expect(text).not.toContain(room.pin);
        expect(text).not.toContain(room.secret);
    }
    // The room needs that pin: a join with another fails on Janus.
    const stranger = await videoroomClient(janus.url);
    const refused = await stranger.videoroom({ request: 'join', ptype: 'publisher', room: room.room, pin: 'a guess', display: 'stranger' });
    expect(refused.error_code).toBe(433); // JANUS_VIDEOROOM_ERROR_UNAUTHORIZED
    stranger.close();
    expect(await participants(room.room)).toEqual([expect.objectContaining({ display: 'alice' })]);
});

test('a join naming another SFU room\'s number still joins the member\'s own room, as its userid', async () => {
    ({ socket: bob } = await connectUser(url, { userid: 'bob' }));
    expect((await request(bob, 'join-room', { roomid: 'conference' })).room.sfu).toBe(true);
    const { socket: carol } = await connectUser(url, { userid: 'carol' });
    await request(carol, 'open-room', { roomid: 'elsewhere', sfu: true });
    const carolSfu = sfuChannel(carol, 'elsewhere');
    await carolSfu.joinAsPublisher();
    const elsewhere = recordOf('elsewhere').sfu;
    expect(elsewhere.room).not.toBe(room.room);

    bobSfu = sfuChannel(bob, 'conference');
    const { joined } = await bobSfu.joinAsPublisher({ room: elsewhere.room, pin: elsewhere.pin, display: 'carol' });
    expect(joined.room).toBe(room.room);
    const displays = (await participants(room.room)).map((p) => p.display).sort();
    expect(displays).toEqual(['alice', 'bob']);
    expect((await participants(elsewhere.room)).map((p) => p.display)).toEqual(['carol']);
});

test('publish and configure cannot change the display, record, or lift the bitrate cap', async () => {
    const join = tap.toJanus().map((e) => e.frame).filter((f) => f.body?.request === 'join' && f.body.display === 'bob').pop();
    const { frame } = await bobSfu.message(join.session_id, join.handle_id, {
        request: 'configure',
        display: 'alice',
        record: true,
        filename: '/tmp/rtcmc-not-here',
        bitrate: 5000000,
        secret: room.secret,
    });
    expect(frame.plugindata.data.configured).toBe('ok');
    const configure = tap.toJanus().map((e) => e.frame).filter((f) => f.body?.request === 'configure').pop();
    expect(configure.body).toEqual({ request: 'configure', bitrate: 300000 });
    expect((await participants(room.room)).map((p) => p.display).sort()).toEqual(['alice', 'bob']);
});

test('a frame naming a session this WebSocket did not create is refused and never reaches Janus', async () => {
    const aliceJoin = tap.toJanus().map((e) => e.frame).find((f) => f.body?.request === 'join' && f.body.display === 'alice');
    const before = tap.toJanus().length;
    const { refused } = await bobSfu.request({ janus: 'attach', plugin: 'janus.plugin.videoroom', session_id: aliceJoin.session_id });
    expect(refused).toMatchObject({ status: 'refused', reason: `session ${aliceJoin.session_id} is not one of yours` });
    const { refused: refusedMessage } = await bobSfu.message(aliceJoin.session_id, aliceJoin.handle_id, { request: 'leave' });
    expect(refusedMessage.reason).toMatch(/not one of yours/);
    expect(tap.toJanus().length).toBe(before);
});

test('leaving the room closes the member\'s Janus WebSocket: Janus drops it from the room', async () => {
    const open = tap.openConnections();
    expect((await request(bob, 'leave-room', { roomid: 'conference' })).ok).toBe(true);
    await until(async () => (await participants(room.room)).length === 1, 'bob to leave the Janus room');
    expect((await participants(room.room)).map((p) => p.display)).toEqual(['alice']);
    expect(tap.openConnections()).toBe(open - 1);
    // And he is no member any more: his frames are refused.
    const { refused } = await bobSfu.request({ janus: 'create' });
    expect(refused.reason).toBe('you are not in room "conference"');
});

test('closing the room destroys its Janus room', async () => {
    expect((await observer.videoroom({ request: 'exists', room: room.room })).exists).toBe(true);
    expect((await request(alice, 'close-room', { roomid: 'conference' })).ok).toBe(true);
    await until(async () => (await observer.videoroom({ request: 'exists', room: room.room })).exists === false, 'the Janus room to go');
    const destroy = tap.toJanus().map((e) => e.frame).find((f) => f.body?.request === 'destroy');
    expect(destroy.body).toEqual({ request: 'destroy', room: room.room, secret: room.secret });
});

test('the last member leaving an SFU room destroys its Janus room too', async () => {
    const { socket: dave } = await connectUser(url, { userid: 'dave' });
    await request(dave, 'open-room', { roomid: 'solo', sfu: true });
    await sfuChannel(dave, 'solo').joinAsPublisher();
    const solo = recordOf('solo').sfu;
    expect((await observer.videoroom({ request: 'exists', room: solo.room })).exists).toBe(true);
    dave.disconnect();
    await until(async () => (await observer.videoroom({ request: 'exists', room: solo.room })).exists === false, 'the Janus room to go');
});
