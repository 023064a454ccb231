// Janus going away and coming back, with a real janus (tests/support/janus.js) killed and
// restarted on its port: members in Janus hear `sfu-status` gone once, then back when the
// server's admin connection reaches Janus again, and a new join works (the room is created
// again on the new process). A Janus that was never there answers frames with `gone` at
// once. A resumed signaling connection hears gone + back for its SFU rooms.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { freePort, startJanus, videoroomClient } from '../../support/janus.js';
import { closeAllSockets, connect, connectUser, once, request, startServer } from './support/helpers.js';
import { sfuChannel } from './support/sfu-client.js';

let janus;
let server;
let url;

// The server's admin connection retries quickly here (100, 200, 250, 250 ms...).
const FAST_RETRY = { janusRetryMaxMs: 250, janusTimeoutMs: 2000 };

beforeAll(async () => {
    janus = await startJanus();
    ({ server, url } = await startServer({ janusUrl: janus.url, ...FAST_RETRY }));
});
afterAll(async () => {
    closeAllSockets();
    await server?.close();
    await janus?.stop();
});

async function participants(room) {
    const observer = await videoroomClient(janus.url);
    try {
        return (await observer.videoroom({ request: 'listparticipants', room })).participants ?? [];
    } finally {
        observer.close();
    }
}

test('killing janus mid-session: every member in Janus hears gone once, then back, and joins again', async () => {
    const { socket: alice } = await connectUser(url, { userid: 'alice' });
    const { socket: bob } = await connectUser(url, { userid: 'bob' });
    await request(alice, 'open-room', { roomid: 'call', sfu: true });
    await request(bob, 'join-room', { roomid: 'call' });
    const aliceSfu = sfuChannel(alice, 'call');
    const bobSfu = sfuChannel(bob, 'call');
    await aliceSfu.joinAsPublisher();
    await bobSfu.joinAsPublisher();

    await janus.kill('SIGKILL');
    const aliceGone = await aliceSfu.nextStatus((s) => s.status === 'gone');
    expect(aliceGone.reason).toMatch(/Janus/);
    await bobSfu.nextStatus((s) => s.status === 'gone');
    // While janus is away a frame is answered at once.
    aliceSfu.send({ janus: 'create' });
    await aliceSfu.nextStatus(() => aliceSfu.statuses.filter((s) => s.status === 'gone').length === 2, 'second gone');

    await janus.restart();
    await aliceSfu.nextStatus((s) => s.status === 'back');
    await bobSfu.nextStatus((s) => s.status === 'back');
    // Told once each way (the frame sent meanwhile got its own `gone`).
    expect(bobSfu.statuses.map((s) => s.status)).toEqual(['gone', 'back']);
    expect(aliceSfu.statuses.map((s) => s.status)).toEqual(['gone', 'gone', 'back']);

    // A new join opens a new Janus connection; the room is created on the new janus.
    const { joined } = await aliceSfu.joinAsPublisher();
    expect(joined.videoroom).toBe('joined');
    await bobSfu.joinAsPublisher();
    const room = server.rooms.store.get('call').sfu.room;
    expect((await participants(room)).map((p) => p.display).sort()).toEqual(['alice', 'bob']);
}, 14000);

test('a resumed signaling connection hears gone then back for its SFU rooms, and its old Janus session is closed', async () => {
    const { socket: old, welcome } = await connectUser(url, { userid: 'carol' });
    await request(old, 'open-room', { roomid: 'resumed', sfu: true });
    await sfuChannel(old, 'resumed').joinAsPublisher();
    const room = server.rooms.store.get('resumed').sfu.room;
    expect((await participants(room)).map((p) => p.display)).toEqual(['carol']);

    const fresh = connect(url, { auth: { userid: 'carol', resume: welcome.resumeToken } });
    const channel = sfuChannel(fresh, 'resumed');
    expect((await once(fresh, 'welcome')).resumed).toBe(true);
    await channel.nextStatus((s) => s.status === 'back');
    expect(channel.statuses.map((s) => s.status)).toEqual(['gone', 'back']);
    await channel.joinAsPublisher();
    const deadline = Date.now() + 5000;
    while ((await participants(room)).length !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await participants(room)).map((p) => p.display)).toEqual(['carol']);
});

test('a Janus that was never reachable answers frames with gone at once, and back once it starts', async () => {
    const port = await freePort();
    const { server: early, url: earlyUrl } = await startServer({ janusUrl: `ws://127.0.0.1:${port}`, ...FAST_RETRY });
    let late;
    try {
        const { socket } = await connectUser(earlyUrl, { userid: 'dave' });
        const opened = await request(socket, 'open-room', { roomid: 'early', sfu: true });
        expect(opened.room.sfu).toBe(true);
        const channel = sfuChannel(socket, 'early');
        channel.send({ janus: 'create' });
        const gone = await channel.nextStatus((s) => s.status === 'gone');
        expect(gone.reason).toMatch(/Janus/);
        late = await startJanus({ port });
        await channel.nextStatus((s) => s.status === 'back');
        const { joined } = await channel.joinAsPublisher();
        expect(joined.videoroom).toBe('joined');
    } finally {
        await early.close();
        await late?.stop();
    }
});
