// Issue 15, "Signaling loss": the only server process is killed (-9) in the middle of a call
// and a new one starts on the same port with the same Redis. Members come back one by one
// with their resume tokens; a newcomer may join before they do. The room-mates of a member
// that comes back hear it (member-resumed), so that they can send again what the server had
// to refuse meanwhile; the member that comes back asks for the room as it is now (get-room);
// a member that never comes back is removed once its node is found dead (member-left, once).
import { afterEach, expect, test } from '@jest/globals';
import { closeAllSockets, connect, connectUser, once, record, request } from './support/helpers.js';
import { exited, freePort, spawnServerNode, startRedis } from './support/processes.js';

const started = [];
afterEach(async () => {
    closeAllSockets();
    await Promise.all(started.splice(0).reverse().map((process) => process.stop()));
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('after a restart: a newcomer meets members as they resume, and one that never does is reported gone once', async () => {
    const redis = await startRedis();
    started.push(redis);
    const port = await freePort();
    // A short heartbeat so that the dead process is found out within seconds.
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: `restart${process.pid}:`, PORT: String(port), NODE_TTL_MS: '2000' };
    const first = await spawnServerNode(env);
    const alice = await connectUser(first.url, { userid: 'r-alice', extra: { name: 'Alice' } });
    const bob = await connectUser(first.url, { userid: 'r-bob' });
    expect((await request(alice.socket, 'open-room', { roomid: 'r-room' })).ok).toBe(true);
    expect((await request(bob.socket, 'join-room', { roomid: 'r-room' })).ok).toBe(true);
    // (These sockets do not reconnect by themselves: each client comes back when the test says.)

    first.child.kill('SIGKILL');
    await exited(first.child);
    const second = await spawnServerNode(env);
    started.push(second);
    expect(second.url).toBe(first.url);

    // A newcomer joins before anyone is back: the room is there, with its members.
    const carol = await connectUser(second.url, { userid: 'r-carol' });
    const carolLeaves = record(carol.socket, 'member-left');
    const joined = await request(carol.socket, 'join-room', { roomid: 'r-room' });
    expect(joined.room.owner).toBe('r-alice');
    expect(joined.room.members.map((m) => m.userid)).toEqual(['r-alice', 'r-bob', 'r-carol']);
    // Its offer cannot reach a member that is not back: refused, not lost silently.
    const refused = await request(carol.socket, 'relay', { roomid: 'r-room', to: 'r-alice', data: 'offer' });
    expect(refused.error.code).toBe('UNKNOWN_USER');

    // Alice resumes: Carol hears it, with Alice's member extra; Alice asks for the room.
    const resumedHeard = once(carol.socket, 'member-resumed');
    const back = await connectUser(second.url, { userid: 'r-alice', auth: { resume: alice.welcome.resumeToken } });
    expect(back.welcome).toMatchObject({ resumed: true, rooms: ['r-room'] });
    expect(await resumedHeard).toEqual({ roomid: 'r-room', userid: 'r-alice', extra: { name: 'Alice' } });
    const aliceLeaves = record(back.socket, 'member-left');
    const view = await request(back.socket, 'get-room', { roomid: 'r-room' });
    expect(view.ok).toBe(true);
    expect(view.room).toMatchObject({ roomid: 'r-room', owner: 'r-alice' });
    expect(view.room.members.map((m) => m.userid)).toEqual(['r-alice', 'r-bob', 'r-carol']);
    // What Carol sends again now arrives.
    const atAlice = once(back.socket, 'relay');
    expect(await request(carol.socket, 'relay', { roomid: 'r-room', to: 'r-alice', data: 'offer again' })).toEqual({ ok: true });
    expect(await atAlice).toEqual({ roomid: 'r-room', from: 'r-carol', data: 'offer again' });

    // Bob never comes back: once the new process has found the old one dead (two of its own
    // heartbeat periods, then the dead node's sweep), Bob leaves the room, reported once.
    const bobLeft = once(carol.socket, 'member-left', 20000);
    expect(await bobLeft).toMatchObject({ roomid: 'r-room', userid: 'r-bob', reason: 'disconnected' });
    await sleep(3000); // further sweeps and audits report nothing more
    expect(carolLeaves.map((e) => e.userid)).toEqual(['r-bob']);
    expect(aliceLeaves.map((e) => e.userid)).toEqual(['r-bob']);
    expect((await request(back.socket, 'get-room', { roomid: 'r-room' })).room.members.map((m) => m.userid)).toEqual([
        'r-alice',
        'r-carol',
    ]);
    // Bob's session is over: his token resumes nothing, and the userid is free again.
    const late = connect(second.url, { userid: 'r-bob', auth: { resume: bob.welcome.resumeToken } });
    const welcome = await once(late, 'welcome');
    expect(welcome).toMatchObject({ resumed: false });
}, 60000);

test('get-room answers members only, through their own connection', async () => {
    const redis = await startRedis();
    started.push(redis);
    const node = await spawnServerNode({ REDIS_URL: redis.url, REDIS_PREFIX: `getroom${process.pid}:` });
    started.push(node);
    const owner = await connectUser(node.url, { userid: 'g-owner', extra: { x: 1 } });
    const outsider = await connectUser(node.url, { userid: 'g-outsider' });
    await request(owner.socket, 'open-room', { roomid: 'g-room', password: 'secret' });
    const view = await request(owner.socket, 'get-room', { roomid: 'g-room' });
    expect(view).toMatchObject({ ok: true, room: { roomid: 'g-room', owner: 'g-owner', isPasswordProtected: true } });
    expect(JSON.stringify(view)).not.toMatch(/secret|hash|salt|token/);
    expect((await request(outsider.socket, 'get-room', { roomid: 'g-room' })).error.code).toBe('NOT_IN_ROOM');
    expect((await request(outsider.socket, 'get-room', { roomid: 'g-none' })).error.code).toBe('ROOM_NOT_FOUND');
    expect((await request(outsider.socket, 'get-room', { roomid: 5 })).error.code).toBe('INVALID_PAYLOAD');
}, 30000);
