// Issue 14, item 4: Redis restarts empty under two nodes (a crash without persistence, or a
// new instance on the same port). The nodes rebuild the shared state from their own sockets:
// the clients, still connected, see each other again within 10 s without reconnecting, and
// the rooms keep their owner, members, order and password.
import { afterAll, afterEach, expect, test } from '@jest/globals';
import { closeAllSockets, connect, connectUser, firstOf, once, request } from './support/helpers.js';
import { spawnServerNode, startRedis } from './support/processes.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const started = [];
afterEach(async () => {
    closeAllSockets();
    await Promise.all(started.splice(0).reverse().map((process) => process.stop()));
});
afterAll(() => closeAllSockets());

async function eventually(what, attempt, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
        try {
            last = await attempt();
            if (last) return last;
        } catch (err) {
            last = err;
        }
        await sleep(200);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last?.message ?? JSON.stringify(last)})`);
}

test('4. Redis restarted empty: rooms come back from the nodes, clients see each other within 10 s', async () => {
    const redis = await startRedis();
    started.push(redis);
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: `recovery${process.pid}:` };
    const [nodeA, nodeB] = await Promise.all([spawnServerNode(env), spawnServerNode(env)]);
    started.push(nodeA, nodeB);
    const alice = (await connectUser(nodeA.url, { userid: 'p-alice', extra: { who: 'alice' } })).socket;
    const bob = (await connectUser(nodeB.url, { userid: 'p-bob' })).socket;
    const carol = (await connectUser(nodeA.url, { userid: 'p-carol' })).socket;
    await request(alice, 'open-room', { roomid: 'phoenix', password: 'ashes', extra: { topic: 'rebirth' } });
    await request(bob, 'join-room', { roomid: 'phoenix', password: 'ashes' });
    await request(carol, 'join-room', { roomid: 'phoenix', password: 'ashes' });
    const before = await request(bob, 'check-presence', { roomid: 'phoenix' });
    const disconnects = [];
    for (const socket of [alice, bob, carol]) socket.on('disconnect', (reason) => disconnects.push(reason));

    await redis.kill();
    const restarted = await startRedis({ port: redis.port }); // empty
    started.push(restarted);
    const restartedAt = Date.now();

    // Addressed relays across nodes check membership in Redis: they work once it is rebuilt.
    await eventually('an addressed relay from node A to node B', async () => {
        const arrived = firstOf(bob, ['relay'], 1000).then(({ value }) => value.data === 'rebuilt', () => false);
        const answer = await request(alice, 'relay', { roomid: 'phoenix', to: 'p-bob', data: 'rebuilt' }, 1000);
        return answer.ok && (await arrived);
    });
    await eventually('an addressed relay from node B to node A', async () => {
        const arrived = firstOf(carol, ['relay'], 1000).then(({ value }) => value.data === 'back', () => false);
        const answer = await request(bob, 'relay', { roomid: 'phoenix', to: 'p-carol', data: 'back' }, 1000);
        return answer.ok && (await arrived);
    });
    expect(Date.now() - restartedAt).toBeLessThan(10000);

    // The same room as before: owner, members in join order, extra; the password still holds.
    const after = await eventually('all three members listed', async () => {
        const presence = await request(carol, 'check-presence', { roomid: 'phoenix' });
        return presence.room?.participants === 3 && presence;
    });
    expect(after.room).toEqual(before.room);
    const listed = await request(bob, 'list-rooms', {});
    expect(listed.rooms.map((room) => room.roomid)).toContain('phoenix');
    // New connections wait (STORE_UNAVAILABLE) for a moment after the loss, while the nodes
    // reclaim their own sockets' userids.
    const guesser = await eventually('a new connection accepted', async () => {
        const socket = connect(nodeB.url, { userid: 'p-guesser' });
        const outcome = await firstOf(socket, ['welcome', 'connect_error']);
        if (outcome.event === 'welcome') return socket;
        expect(outcome.value.data.code).toBe('STORE_UNAVAILABLE');
        socket.close();
        return null;
    });
    expect((await request(guesser, 'join-room', { roomid: 'phoenix', password: 'wrong' })).error.code).toBe('WRONG_PASSWORD');
    // Userids are claimed again: nobody else can take them.
    const intruder = connect(nodeB.url, { userid: 'p-alice' });
    expect((await once(intruder, 'connect_error')).message).toBe('USERID_TAKEN');
    // Nobody was disconnected or told anything happened.
    expect(disconnects).toEqual([]);
    // And the room still behaves: the owner leaving hands it over to the next in line.
    const handed = once(carol, 'owner-changed');
    await request(alice, 'leave-room', { roomid: 'phoenix' });
    expect(await handed).toEqual({ roomid: 'phoenix', owner: 'p-bob' });
});
