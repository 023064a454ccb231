// Resuming a session (docs/server.md, "Resuming"): a client whose network dropped comes back
// with the secret resumeToken of its welcome before the server has noticed the drop, and
// takes its userid, rooms and ownership over without anyone else seeing a departure.
// The drop is real: a TCP proxy stops carrying bytes without closing anything, so the
// server still believes the old socket is connected.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createLogger } from '../../../server/log.js';
import { closeAllSockets, connect, connectUser, firstOf, once, record, request, startServer } from './support/helpers.js';
import { startProxy } from './support/tcp-proxy.js';

let server;
let url;
let proxy;
const logLines = [];

beforeAll(async () => {
    let port;
    ({ server, url, port } = await startServer({
        passwordDelayBaseMs: 100,
        passwordDelayMaxMs: 400,
        logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
    }));
    proxy = await startProxy(port);
});
afterEach(() => closeAllSockets());
afterAll(async () => {
    await proxy.close();
    await server.close();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function serverSockets(userid) {
    return [...server.io.of('/').sockets.values()].filter((socket) => socket.data.userid === userid);
}

// Every event a socket receives, for "nothing else happened" checks.
function recordAll(socket) {
    const seen = [];
    socket.onAny((event, payload) => seen.push({ event, payload }));
    return seen;
}

// Alice (through the proxy) opens `roomid`, Bob (direct) joins it.
async function aliceAndBob(tag) {
    const alice = await connectUser(proxy.url, { userid: `${tag}-alice`, extra: { who: 'alice' } });
    const bob = await connectUser(url, { userid: `${tag}-bob` });
    const roomid = `${tag}-room`;
    expect((await request(alice.socket, 'open-room', { roomid })).ok).toBe(true);
    expect((await request(bob.socket, 'join-room', { roomid })).ok).toBe(true);
    return { alice, bob, roomid };
}

// Freezes Alice's link: from now on the server hears nothing from her old socket.
function dropAlice(alice) {
    const [link] = proxy.freeze();
    expect(link).toBeDefined();
    expect(serverSockets(alice.userid).every((socket) => socket.connected)).toBe(true);
    return link;
}

describe('resume with the welcome token', () => {
    test('welcome carries a fresh secret token; it appears in no other event and no log line', async () => {
        const logged = logLines.length;
        const { alice, bob, roomid } = await aliceAndBob('secret');
        expect(alice.welcome).toEqual({
            userid: 'secret-alice',
            protocol: 1,
            limits: { maxMessageBytes: 65536 },
            resumeToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
            resumed: false,
        });
        expect(bob.welcome.resumeToken).not.toBe(alice.welcome.resumeToken);
        const bobSaw = recordAll(bob.socket);
        const carol = await connectUser(url, { userid: 'secret-carol' });
        const carolSaw = recordAll(carol.socket);
        await request(carol.socket, 'subscribe-rooms', {});
        await request(carol.socket, 'join-room', { roomid });
        await request(carol.socket, 'list-rooms', {});
        await request(alice.socket, 'update-extra', { extra: { who: 'alice', again: true } });
        const relayed = once(carol.socket, 'relay');
        await request(alice.socket, 'relay', { roomid, data: 'hello' });
        await relayed;
        const views = JSON.stringify([bobSaw, carolSaw, await request(carol.socket, 'check-presence', { roomid })]);
        expect(bobSaw.length).toBeGreaterThan(0);
        for (const token of [alice.welcome.resumeToken, bob.welcome.resumeToken]) {
            expect(views).not.toContain(token);
            expect(logLines.slice(logged).join('\n')).not.toContain(token);
        }
    });

    test('after an abrupt drop the client resumes at once: same member, same owner, nobody told', async () => {
        const { alice, bob, roomid } = await aliceAndBob('drop');
        const bobSaw = recordAll(bob.socket);
        const link = dropAlice(alice);
        const lost = once(alice.socket, 'disconnect');
        proxy.cutClient(link);
        expect(await lost).toBe('transport close');
        // The server has not noticed: without a token the userid is still taken.
        expect((await once(connect(url, { userid: 'drop-alice' }), 'connect_error')).message).toBe('USERID_TAKEN');
        const oldServerSocket = serverSockets('drop-alice')[0];
        const oldGone = once(oldServerSocket, 'disconnect');

        const back = await connectUser(proxy.url, {
            userid: 'drop-alice',
            auth: { resume: alice.welcome.resumeToken },
            extra: { who: 'alice' },
        });
        expect(back.welcome).toEqual({
            userid: 'drop-alice',
            protocol: 1,
            limits: { maxMessageBytes: 65536 },
            resumeToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
            resumed: true,
            rooms: [roomid],
        });
        expect(back.welcome.resumeToken).not.toBe(alice.welcome.resumeToken);
        // The old socket is dismissed by the server, with no departure.
        await oldGone;
        expect(serverSockets('drop-alice').length).toBe(1);

        // Still the owner and a member, with her extra.
        const presence = await request(bob.socket, 'check-presence', { roomid });
        expect(presence.room).toMatchObject({ owner: 'drop-alice', participants: 2, extra: { who: 'alice' } });
        // Relays reach the new socket, both broadcast and addressed, and go out from it.
        const atAlice = once(back.socket, 'relay');
        await request(bob.socket, 'relay', { roomid, to: 'drop-alice', data: 'to you' });
        expect(await atAlice).toEqual({ roomid, from: 'drop-bob', data: 'to you' });
        const broadcast = once(back.socket, 'relay');
        await request(bob.socket, 'relay', { roomid, data: 'to all' });
        expect((await broadcast).data).toBe('to all');
        const atBob = once(bob.socket, 'relay');
        expect(await request(back.socket, 'relay', { roomid, data: 'back' })).toEqual({ ok: true });
        expect(await atBob).toEqual({ roomid, from: 'drop-alice', data: 'back' });
        // Her owner's rights too.
        expect(await request(back.socket, 'eject', { roomid, userid: 'drop-bob' })).toEqual({ ok: true });
        // Bob heard that Alice is back, two relays and his ejection: no member-left,
        // owner-changed or offline.
        expect(bobSaw.map((e) => e.event)).toEqual(['member-resumed', 'relay', 'ejected']);
        expect(bobSaw[0].payload).toEqual({ roomid, userid: 'drop-alice', extra: { who: 'alice' } });
    });

    test('a wrong or stale token is USERID_TAKEN, exactly as without one, and changes nothing', async () => {
        const { alice, bob, roomid } = await aliceAndBob('wrong');
        const bobSaw = recordAll(bob.socket);
        const taken = { code: 'USERID_TAKEN', message: 'userid "wrong-alice" is already connected' };
        for (const resume of ['not-the-token', bob.welcome.resumeToken, alice.welcome.resumeToken.toUpperCase()]) {
            const err = await once(connect(url, { userid: 'wrong-alice', auth: { resume } }), 'connect_error');
            expect(err.message).toBe('USERID_TAKEN');
            expect(err.data).toEqual(taken);
        }
        // A stale token (one already used to resume) no longer works either.
        const link = dropAlice(alice);
        proxy.cutClient(link);
        const back = await connectUser(url, { userid: 'wrong-alice', auth: { resume: alice.welcome.resumeToken } });
        expect(back.welcome.resumed).toBe(true);
        const stale = await once(connect(url, { userid: 'wrong-alice', auth: { resume: alice.welcome.resumeToken } }), 'connect_error');
        expect(stale.data).toEqual(taken);
        // The holder is undisturbed.
        expect(serverSockets('wrong-alice').length).toBe(1);
        expect(serverSockets('wrong-alice')[0].id).toBe(back.socket.id);
        const atBack = once(back.socket, 'relay');
        await request(bob.socket, 'relay', { roomid, data: 'still here?' });
        expect((await atBack).data).toBe('still here?');
        expect((await request(bob.socket, 'check-presence', { roomid })).room.owner).toBe('wrong-alice');
        // Bob heard the one real resume, and nothing of the refused ones.
        expect(bobSaw.map((e) => e.event)).toEqual(['member-resumed']);
    });

    test('wrong tokens are answered more and more slowly, like wrong passwords', async () => {
        await connectUser(url, { userid: 'slow-alice' });
        const times = [];
        for (let i = 0; i < 3; i++) {
            const started = Date.now();
            await once(connect(url, { userid: 'slow-alice', auth: { resume: `guess-${i}` } }), 'connect_error');
            times.push(Date.now() - started);
        }
        // 100 ms, 200 ms, 400 ms (passwordDelayBaseMs 100, max 400).
        expect(times[0]).toBeGreaterThanOrEqual(90);
        expect(times[2]).toBeGreaterThanOrEqual(390);
    });

    test('a resume token must be a string of 1 to 128 characters', async () => {
        for (const resume of [42, '', 'x'.repeat(129), { token: 'x' }]) {
            const err = await once(connect(url, { userid: 'invalid-resume', auth: { resume } }), 'connect_error');
            expect(err.data).toEqual({ code: 'INVALID_PAYLOAD', message: 'auth.resume must be a string of 1 to 128 characters' });
        }
        // Null is the same as absent.
        expect((await connectUser(url, { userid: 'invalid-resume', auth: { resume: null } })).welcome.resumed).toBe(false);
    });

    test('the old socket, coming back to life, is already gone and cannot relay', async () => {
        const { alice, bob, roomid } = await aliceAndBob('zombie');
        const bobRelays = record(bob.socket, 'relay');
        const link = dropAlice(alice);
        const back = await connectUser(url, { userid: 'zombie-alice', auth: { resume: alice.welcome.resumeToken } });
        expect(back.welcome).toMatchObject({ resumed: true, rooms: [roomid] });
        // The network comes back: what the server sent meanwhile arrives, its DISCONNECT first.
        const dismissed = firstOf(alice.socket, ['disconnect']);
        proxy.thaw(link);
        expect((await dismissed).value).toBe('io server disconnect');
        expect(alice.socket.connected).toBe(false);
        // Whatever it tries goes nowhere; the resumed socket's relays still arrive.
        alice.socket.emit('relay', { roomid, data: 'from the dead' });
        const sentinel = once(bob.socket, 'relay');
        await request(back.socket, 'relay', { roomid, data: 'sentinel' });
        await sentinel;
        expect(bobRelays.map((m) => m.data)).toEqual(['sentinel']);
        expect(serverSockets('zombie-alice').map((s) => s.id)).toEqual([back.socket.id]);
    });

    test('resuming after the departure was processed is a fresh connect: resumed false, no rooms', async () => {
        const { alice, bob, roomid } = await aliceAndBob('late');
        const left = once(bob.socket, 'member-left');
        const owner = once(bob.socket, 'owner-changed');
        alice.socket.close(); // the server processes this departure at once
        expect(await owner).toEqual({ roomid, owner: 'late-bob' });
        expect(await left).toMatchObject({ userid: 'late-alice', reason: 'disconnected' });
        let welcome = null;
        for (let attempt = 0; attempt < 20 && !welcome; attempt++) {
            const again = connect(url, { userid: 'late-alice', auth: { resume: alice.welcome.resumeToken } });
            const first = await firstOf(again, ['welcome', 'connect_error']);
            if (first.event === 'welcome') welcome = first.value;
            else await sleep(50);
        }
        expect(welcome).toMatchObject({ userid: 'late-alice', resumed: false });
        expect(welcome.rooms).toBeUndefined();
        const presence = await request(bob.socket, 'check-presence', { roomid });
        expect(presence.room).toMatchObject({ owner: 'late-bob', participants: 1 });
    });

    test('a subscription to the room list follows the resumed connection', async () => {
        const alice = await connectUser(proxy.url, { userid: 'list-alice' });
        await request(alice.socket, 'subscribe-rooms', {});
        const link = dropAlice(alice);
        proxy.cutClient(link);
        const back = await connectUser(url, { userid: 'list-alice', auth: { resume: alice.welcome.resumeToken } });
        const pushes = record(back.socket, 'room-list');
        const opener = await connectUser(url, { userid: 'list-opener' });
        await request(opener.socket, 'open-room', { roomid: 'listed-after-resume' });
        // (A push for an earlier change, e.g. the previous test's rooms closing, may come first.)
        const deadline = Date.now() + 10000;
        const listed = () => pushes.some((push) => push.rooms.some((r) => r.roomid === 'listed-after-resume'));
        while (!listed() && Date.now() < deadline) await sleep(20);
        expect(listed()).toBe(true);
    });
});
