// SFU rooms across two nodes sharing a real redis-server: the room's Janus parameters live in
// its record, so members on either node meet in the same Janus room (the second node's
// create is answered "427 already exists", which is fine); an ejection decided on one node
// closes the ejected member's Janus connection on the other; the owner's close on one node
// destroys the Janus room.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startJanus, videoroomClient } from '../../support/janus.js';
import { startJanusTap } from './support/janus-tap.js';
import { closeAllSockets, connectUser, once, request, startServer } from './support/helpers.js';
import { startRedis } from './support/processes.js';
import { sfuChannel } from './support/sfu-client.js';

let redis;
let janus;
let tap;
let nodeA;
let nodeB;
let observer;

beforeAll(async () => {
    [redis, janus] = await Promise.all([startRedis(), startJanus()]);
    tap = await startJanusTap(janus.url);
    const options = { redisUrl: redis.url, redisPrefix: `sfu${process.pid}:`, janusUrl: tap.url };
    nodeA = await startServer(options);
    nodeB = await startServer(options);
    observer = await videoroomClient(janus.url);
});
afterAll(async () => {
    closeAllSockets();
    observer?.close();
    await nodeA?.server.close();
    await nodeB?.server.close();
    await tap?.close();
    await Promise.all([janus?.stop(), redis?.stop()]);
});

const displays = async (room) => ((await observer.videoroom({ request: 'listparticipants', room })).participants ?? []).map((p) => p.display).sort();

async function until(check, what, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

test('members on two nodes share one Janus room; ejection and closing work across nodes', async () => {
    const { socket: alice } = await connectUser(nodeA.url, { userid: 'alice' });
    const { socket: bob } = await connectUser(nodeB.url, { userid: 'bob' });
    expect((await request(alice, 'open-room', { roomid: 'shared', sfu: true, sfuBitrate: 200000 })).room.sfu).toBe(true);
    expect((await request(bob, 'join-room', { roomid: 'shared' })).room.sfu).toBe(true);
    const bobSfu = sfuChannel(bob, 'shared');
    // Bob's node creates the room first this time; Alice's node then finds it there.
    await bobSfu.joinAsPublisher();
    await sfuChannel(alice, 'shared').joinAsPublisher();
    const room = (await nodeA.server.rooms.store.get('shared')).sfu;
    expect(room.bitrate).toBe(200000);
    expect(await displays(room.room)).toEqual(['alice', 'bob']);
    const creates = tap.toJanus().filter(({ frame }) => frame.body?.request === 'create' && frame.body.room === room.room);
    expect(creates.length).toBe(2);
    const answers = tap.fromJanus().filter(({ frame }) => creates.some((c) => c.frame.transaction === frame.transaction));
    expect(answers.map(({ frame }) => frame.plugindata.data.videoroom === 'created' || frame.plugindata.data.error_code).sort()).toEqual([427, true]);

    // Alice (node A) ejects Bob (node B): his Janus connection on node B closes.
    const ejected = once(bob, 'ejected');
    expect((await request(alice, 'eject', { roomid: 'shared', userid: 'bob' })).ok).toBe(true);
    await ejected;
    await until(async () => (await displays(room.room)).length === 1, 'bob to leave the Janus room');
    expect(await displays(room.room)).toEqual(['alice']);

    expect((await request(alice, 'close-room', { roomid: 'shared' })).ok).toBe(true);
    await until(async () => (await observer.videoroom({ request: 'exists', room: room.room })).exists === false, 'the Janus room to go');
});
