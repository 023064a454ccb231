// Several nodes behind one real redis-server (started here on a free port, stopped after).
// 1. The Rooms contract again, on the Redis store (same logic, second store).
// 2. Atomicity: two stores racing on the same room / userid.
// 3. Two server/bin.js processes, clients on each: rooms, relays, handover, ejection,
//    userid uniqueness and passwords agree across nodes; a crashed node's users go away.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Rooms } from '../../../server/rooms.js';
import { RedisStore } from '../../../server/store-redis.js';
import { defineRoomsContract } from './support/rooms-contract.js';
import { closeAllSockets, connect, connectUser, expectRelayRefusedAndUndelivered, firstOf, once, record, request } from './support/helpers.js';
import { exited, spawnServerNode, startRedis } from './support/processes.js';
import { startProxy } from './support/tcp-proxy.js';

let redis;
let prefixCounter = 0;
const freshPrefix = () => `test${process.pid}-${++prefixCounter}:`;
let nodeCounter = 0;

// A store as a node has it: its own node id, alive (a heartbeat written), so that its
// claims hold.
async function liveStore(prefix) {
    const store = await RedisStore.connect({ url: redis.url, prefix, nodeId: `store-node-${++nodeCounter}` });
    await store.heartbeat({ ttlMs: 60000, knownEpoch: null, newEpoch: 'test-epoch', rebuildWindowMs: 0 });
    return store;
}

beforeAll(async () => {
    redis = await startRedis();
});
afterAll(async () => {
    await redis?.stop();
});

describe('Rooms on the Redis store', () => {
    defineRoomsContract(() => liveStore(freshPrefix()));
});

describe('atomic updates across stores', () => {
    let stores = [];
    afterEach(async () => {
        await Promise.all(stores.map((store) => store.close()));
        stores = [];
    });

    async function twoNodes() {
        const prefix = freshPrefix();
        stores = await Promise.all([0, 1].map(() => liveStore(prefix)));
        return stores.map((store) => new Rooms({ store }));
    }

    test('concurrent joins never overfill a room', async () => {
        const [nodeA, nodeB] = await twoNodes();
        await nodeA.open({ userid: 'owner', extra: null, token: 't' }, { roomid: 'tight', maxParticipantsAllowed: 3 });
        const joins = Array.from({ length: 16 }, (_, i) =>
            (i % 2 ? nodeA : nodeB).join({ userid: `u${i}`, extra: null, token: `t${i}` }, { roomid: 'tight' }),
        );
        const results = await Promise.all(joins);
        expect(results.filter((r) => r.ok).length).toBe(3);
        for (const member of (await nodeB.getRoom('tight')).members) {
            const token = member.userid === 'owner' ? 't' : `t${member.userid.slice(1)}`;
            await nodeA.claimUserid(member.userid, token);
        }
        expect(results.filter((r) => !r.ok).every((r) => r.error.code === 'ROOM_FULL')).toBe(true);
        const room = await nodeB.getRoom('tight');
        expect(room.members.length).toBe(4);
        for (const member of room.members) expect(await nodeA.isMember('tight', member.userid)).toBeTruthy();
    });

    test('one userid, claimed concurrently from two nodes, has exactly one holder', async () => {
        const [nodeA, nodeB] = await twoNodes();
        const claims = await Promise.all(
            Array.from({ length: 10 }, (_, i) => (i % 2 ? nodeA : nodeB).claimUserid('contested', `token-${i}`)),
        );
        expect(claims.filter(Boolean).length).toBe(1);
    });

    test('owner leaving while others join: one consistent owner, who is a member', async () => {
        const [nodeA, nodeB] = await twoNodes();
        await nodeA.open({ userid: 'owner', extra: null, token: 't' }, { roomid: 'busy' });
        await nodeA.join({ userid: 'first', extra: null, token: 't1' }, { roomid: 'busy' });
        const racing = [
            nodeA.leave({ userid: 'owner', token: 't' }, 'busy'),
            ...Array.from({ length: 6 }, (_, i) => nodeB.join({ userid: `late${i}`, extra: null, token: `l${i}` }, { roomid: 'busy' })),
        ];
        const [left] = await Promise.all(racing);
        expect(left).toMatchObject({ ok: true, outcome: 'handover', owner: 'first' });
        const room = await nodeB.getRoom('busy');
        expect(room.owner).toBe('first');
        expect(room.members[0].userid).toBe('first');
        expect(room.members.length).toBe(7);
    });
});

describe('two server processes', () => {
    let nodeA;
    let nodeB;
    let clusterEnv;

    beforeAll(async () => {
        // A short node heartbeat TTL so that the crash test sees the sweep within seconds.
        clusterEnv = { REDIS_URL: redis.url, REDIS_PREFIX: freshPrefix(), NODE_TTL_MS: '1000' };
        [nodeA, nodeB] = await Promise.all([spawnServerNode(clusterEnv), spawnServerNode(clusterEnv)]);
    });
    afterEach(() => closeAllSockets());
    afterAll(async () => {
        await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    });

    test('users on different nodes meet in one room and exchange relays', async () => {
        const alice = (await connectUser(nodeA.url, { userid: 'x-alice' })).socket;
        const bob = (await connectUser(nodeB.url, { userid: 'x-bob', extra: { on: 'B' } })).socket;
        const carol = (await connectUser(nodeB.url, { userid: 'x-carol' })).socket;
        await request(alice, 'open-room', { roomid: 'across' });
        const joined = once(alice, 'member-joined');
        const ack = await request(bob, 'join-room', { roomid: 'across' });
        expect(ack.room.members.map((m) => m.userid)).toEqual(['x-alice', 'x-bob']);
        expect(await joined).toEqual({ roomid: 'across', userid: 'x-bob', extra: { on: 'B' } });
        await request(carol, 'join-room', { roomid: 'across' });

        const atBob = once(bob, 'relay');
        const atCarol = once(carol, 'relay');
        await request(alice, 'relay', { roomid: 'across', data: { sdp: 'offer' } });
        expect(await atBob).toEqual({ roomid: 'across', from: 'x-alice', data: { sdp: 'offer' } });
        expect(await atCarol).toEqual({ roomid: 'across', from: 'x-alice', data: { sdp: 'offer' } });

        const carolSaw = record(carol, 'relay');
        const atAlice = once(alice, 'relay');
        await request(bob, 'relay', { roomid: 'across', to: 'x-alice', data: { sdp: 'answer' } });
        expect(await atAlice).toEqual({ roomid: 'across', from: 'x-bob', data: { sdp: 'answer' } });
        const sentinel = once(carol, 'relay');
        await request(alice, 'relay', { roomid: 'across', to: 'x-carol', data: 'sentinel' });
        await sentinel;
        expect(carolSaw.map((m) => m.data)).toEqual(['sentinel']);

        // The room list and presence agree on both nodes.
        const fromB = await request(carol, 'check-presence', { roomid: 'across' });
        expect(fromB.room).toMatchObject({ owner: 'x-alice', participants: 3 });
        const listA = await request(alice, 'list-rooms', {});
        expect(listA.rooms.find((r) => r.roomid === 'across').participants).toBe(3);
    });

    test('a userid connected on one node is refused on the other', async () => {
        await connectUser(nodeA.url, { userid: 'x-unique' });
        const intruder = connect(nodeB.url, { userid: 'x-unique' });
        const err = await once(intruder, 'connect_error');
        expect(err.data).toEqual({ code: 'USERID_TAKEN', message: 'userid "x-unique" is already connected' });
    });

    test('passwords are checked on whichever node the joiner uses', async () => {
        const owner = (await connectUser(nodeA.url)).socket;
        const guest = (await connectUser(nodeB.url)).socket;
        await request(owner, 'open-room', { roomid: 'locked-across', password: 'open sesame' });
        expect((await request(guest, 'join-room', { roomid: 'locked-across', password: 'guess' })).error.code).toBe('WRONG_PASSWORD');
        const ok = await request(guest, 'join-room', { roomid: 'locked-across', password: 'open sesame' });
        expect(ok.ok).toBe(true);
        expect(JSON.stringify(ok)).not.toContain('open sesame');
    });

    test('ownership passes across nodes when the owner leaves', async () => {
        const owner = (await connectUser(nodeA.url, { userid: 'h-owner' })).socket;
        const heir = (await connectUser(nodeB.url, { userid: 'h-heir' })).socket;
        const third = (await connectUser(nodeA.url, { userid: 'h-third' })).socket;
        await request(owner, 'open-room', { roomid: 'handover-across' });
        await request(heir, 'join-room', { roomid: 'handover-across' });
        await request(third, 'join-room', { roomid: 'handover-across' });
        const heirTold = once(heir, 'owner-changed');
        const thirdTold = once(third, 'owner-changed');
        const thirdLeft = once(third, 'member-left');
        owner.close(); // disconnect, on node A
        expect(await heirTold).toEqual({ roomid: 'handover-across', owner: 'h-heir' });
        expect(await thirdTold).toEqual({ roomid: 'handover-across', owner: 'h-heir' });
        expect(await thirdLeft).toMatchObject({ userid: 'h-owner', reason: 'disconnected' });
        // The new owner (node B) has the owner's rights over a member on node A.
        expect((await request(third, 'eject', { roomid: 'handover-across', userid: 'h-heir' })).error.code).toBe('NOT_OWNER');
        const ejected = once(third, 'ejected');
        expect(await request(heir, 'eject', { roomid: 'handover-across', userid: 'h-third' })).toEqual({ ok: true });
        expect(await ejected).toEqual({ roomid: 'handover-across', by: 'h-heir' });
    });

    test('ejection across nodes removes and tells the target, and tells the others', async () => {
        const owner = (await connectUser(nodeA.url, { userid: 'e-owner' })).socket;
        const target = (await connectUser(nodeB.url, { userid: 'e-target' })).socket;
        const witness = (await connectUser(nodeB.url, { userid: 'e-witness' })).socket;
        await request(owner, 'open-room', { roomid: 'eject-across' });
        await request(target, 'join-room', { roomid: 'eject-across' });
        await request(witness, 'join-room', { roomid: 'eject-across' });
        expect((await request(witness, 'eject', { roomid: 'eject-across', userid: 'e-target' })).error.code).toBe('NOT_OWNER');

        const told = once(target, 'ejected');
        const witnessTold = once(witness, 'member-left');
        expect(await request(owner, 'eject', { roomid: 'eject-across', userid: 'e-target' })).toEqual({ ok: true });
        expect(await told).toEqual({ roomid: 'eject-across', by: 'e-owner' });
        expect(await witnessTold).toEqual({ roomid: 'eject-across', userid: 'e-target', extra: null, reason: 'ejected' });

        // Cut off on its own node: cannot relay, does not receive, cannot rejoin.
        expect((await request(target, 'relay', { roomid: 'eject-across', data: 'x' })).error.code).toBe('NOT_IN_ROOM');
        const targetSaw = record(target, 'relay');
        const atWitness = once(witness, 'relay');
        await request(owner, 'relay', { roomid: 'eject-across', data: 'members only' });
        await atWitness;
        expect((await request(target, 'join-room', { roomid: 'eject-across' })).error.code).toBe('EJECTED');
        expect(targetSaw).toEqual([]);
    });

    describe('addressed relays across nodes reach members only', () => {
        // owner and sender on node A, target on node B; all three share `side-<roomid>`.
        async function threeUsers(prefix, roomid, openOptions = {}) {
            const owner = (await connectUser(nodeA.url, { userid: `${prefix}-owner` })).socket;
            const sender = (await connectUser(nodeA.url, { userid: `${prefix}-sender` })).socket;
            const target = (await connectUser(nodeB.url, { userid: `${prefix}-target` })).socket;
            await request(owner, 'open-room', { roomid, ...openOptions });
            await request(owner, 'open-room', { roomid: `side-${roomid}` });
            for (const socket of [sender, target]) {
                expect((await request(socket, 'join-room', { roomid })).ok).toBe(true);
                expect((await request(socket, 'join-room', { roomid: `side-${roomid}` })).ok).toBe(true);
            }
            return { owner, sender, target, targetId: `${prefix}-target` };
        }

        test('a member on the other node receives; a user connected nowhere is UNKNOWN_USER, with or without an ack', async () => {
            const { sender, target, targetId } = await threeUsers('m1', 'mc-normal');
            const arrived = once(target, 'relay');
            expect(await request(sender, 'relay', { roomid: 'mc-normal', to: targetId, data: 'hello' })).toEqual({ ok: true });
            expect(await arrived).toEqual({ roomid: 'mc-normal', from: 'm1-sender', data: 'hello' });
            expect((await request(sender, 'relay', { roomid: 'mc-normal', to: 'm1-nobody', data: 'x' })).error).toEqual({
                code: 'UNKNOWN_USER',
                message: 'user "m1-nobody" is not in room "mc-normal"',
            });
            const errorEvent = once(sender, 'error-event');
            sender.emit('relay', { roomid: 'mc-normal', to: 'm1-nobody', data: 'x' });
            expect(await errorEvent).toEqual({
                code: 'UNKNOWN_USER',
                message: 'user "m1-nobody" is not in room "mc-normal"',
                event: 'relay',
            });
        });

        test('addressed relays of one socket across nodes arrive in order, the refused ones not at all', async () => {
            const { sender, target, targetId } = await threeUsers('m2', 'mc-order');
            const seen = record(target, 'relay');
            const answers = [];
            for (let i = 0; i < 40; i++) {
                const to = i % 10 === 9 ? 'm2-nobody' : targetId;
                answers.push(request(sender, 'relay', { roomid: 'mc-order', to, data: i }));
            }
            const results = await Promise.all(answers);
            expect(results.map((r) => r.ok)).toEqual(Array.from({ length: 40 }, (_, i) => i % 10 !== 9));
            const last = once(target, 'relay');
            await request(sender, 'relay', { roomid: 'mc-order', to: targetId, data: 'end' });
            await last;
            while (seen[seen.length - 1]?.data !== 'end') await once(target, 'relay');
            const expected = Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 10 !== 9);
            expect(seen.map((m) => m.data)).toEqual([...expected, 'end']);
        });

        test('to a user who left the room', async () => {
            const { sender, target, targetId } = await threeUsers('m3', 'mc-left');
            const told = once(sender, 'member-left');
            expect(await request(target, 'leave-room', { roomid: 'mc-left' })).toEqual({ ok: true });
            await told;
            await expectRelayRefusedAndUndelivered(sender, target, targetId, 'mc-left', 'side-mc-left');
        });

        test('to a user who was ejected, from either node', async () => {
            const { owner, sender, target, targetId } = await threeUsers('m4', 'mc-ejected');
            // A room-mate on the target's node (B) too: its relays take the same-node path.
            const neighbour = (await connectUser(nodeB.url, { userid: 'm4-neighbour' })).socket;
            await request(neighbour, 'join-room', { roomid: 'mc-ejected' });
            await request(neighbour, 'join-room', { roomid: 'side-mc-ejected' });
            const senderTold = once(sender, 'member-left');
            const neighbourTold = once(neighbour, 'member-left');
            expect(await request(owner, 'eject', { roomid: 'mc-ejected', userid: targetId })).toEqual({ ok: true });
            expect(await senderTold).toMatchObject({ userid: targetId, reason: 'ejected' });
            expect(await neighbourTold).toMatchObject({ userid: targetId, reason: 'ejected' });
            await expectRelayRefusedAndUndelivered(sender, target, targetId, 'mc-ejected', 'side-mc-ejected');
            await expectRelayRefusedAndUndelivered(owner, target, targetId, 'mc-ejected', 'side-mc-ejected');
            await expectRelayRefusedAndUndelivered(neighbour, target, targetId, 'mc-ejected', 'side-mc-ejected');
        });

        test('to a user whose room was closed and re-opened without them', async () => {
            const { owner, sender, target, targetId } = await threeUsers('m5', 'mc-closed');
            // A room-mate on the target's node (B) too: its relays take the same-node path.
            const neighbour = (await connectUser(nodeB.url, { userid: 'm5-neighbour' })).socket;
            await request(neighbour, 'join-room', { roomid: 'mc-closed' });
            await request(neighbour, 'join-room', { roomid: 'side-mc-closed' });
            const targetTold = once(target, 'room-closed');
            const neighbourTold = once(neighbour, 'room-closed');
            expect(await request(owner, 'close-room', { roomid: 'mc-closed' })).toEqual({ ok: true });
            await targetTold;
            await neighbourTold;
            expect((await request(owner, 'open-room', { roomid: 'mc-closed' })).ok).toBe(true);
            expect((await request(sender, 'join-room', { roomid: 'mc-closed' })).ok).toBe(true);
            expect((await request(neighbour, 'join-room', { roomid: 'mc-closed' })).ok).toBe(true);
            await expectRelayRefusedAndUndelivered(sender, target, targetId, 'mc-closed', 'side-mc-closed');
            await expectRelayRefusedAndUndelivered(owner, target, targetId, 'mc-closed', 'side-mc-closed');
            await expectRelayRefusedAndUndelivered(neighbour, target, targetId, 'mc-closed', 'side-mc-closed');
        });

        test('to a user whose room closed as its owner left, then re-opened without them', async () => {
            const { owner, sender, target, targetId } = await threeUsers('m6', 'mc-owner-left', {
                autoCloseEntireSession: true,
            });
            const targetTold = once(target, 'room-closed');
            expect(await request(owner, 'leave-room', { roomid: 'mc-owner-left' })).toEqual({ ok: true });
            expect(await targetTold).toEqual({ roomid: 'mc-owner-left', reason: 'owner-left' });
            expect((await request(sender, 'open-room', { roomid: 'mc-owner-left' })).ok).toBe(true);
            await expectRelayRefusedAndUndelivered(sender, target, targetId, 'mc-owner-left', 'side-mc-owner-left');
        });

        test('ids containing ":" cannot reach a member of another room', async () => {
            // Room "ma:mb" + user "mc" and room "ma" + user "mb:mc" spell the same string once
            // joined with ":": no key or channel built from the two may confuse them.
            const victim = (await connectUser(nodeB.url, { userid: 'mc' })).socket;
            const mallory = (await connectUser(nodeA.url, { userid: 'm7-mallory' })).socket;
            await request(victim, 'open-room', { roomid: 'ma:mb' });
            await request(mallory, 'open-room', { roomid: 'ma' });
            await request(victim, 'open-room', { roomid: 'm7-side' });
            await request(mallory, 'join-room', { roomid: 'm7-side' });
            await expectRelayRefusedAndUndelivered(mallory, victim, 'mb:mc', 'ma', 'm7-side', 'mc');
        });
    });

    test('a session dropped on node A resumes on node B: same member and owner, the old socket dismissed', async () => {
        // Alice reaches node A through a proxy that can drop her network without closing it.
        const proxy = await startProxy(Number(new URL(nodeA.url).port));
        try {
            const alice = await connectUser(proxy.url, { userid: 'r-alice' });
            const bob = (await connectUser(nodeA.url, { userid: 'r-bob' })).socket;
            const carol = (await connectUser(nodeB.url, { userid: 'r-carol' })).socket;
            await request(alice.socket, 'open-room', { roomid: 'resume-across' });
            await request(bob, 'join-room', { roomid: 'resume-across' });
            const carolAnnounced = once(bob, 'user-status'); // the last event of carol's join
            await request(carol, 'join-room', { roomid: 'resume-across' });
            expect(await carolAnnounced).toMatchObject({ userid: 'r-carol', status: 'online' });
            const seen = [bob, carol].map((socket) => {
                const events = [];
                socket.onAny((event) => events.push(event));
                return events;
            });
            const [link] = proxy.freeze();
            // Node A still holds the userid: without the token, B refuses it.
            expect((await once(connect(nodeB.url, { userid: 'r-alice' }), 'connect_error')).message).toBe('USERID_TAKEN');

            const back = await connectUser(nodeB.url, { userid: 'r-alice', auth: { resume: alice.welcome.resumeToken } });
            expect(back.welcome).toMatchObject({ userid: 'r-alice', resumed: true, rooms: ['resume-across'] });
            // Node A dismissed the old socket: it says so once its network is back.
            const dismissed = firstOf(alice.socket, ['disconnect']);
            proxy.thaw(link);
            expect((await dismissed).value).toBe('io server disconnect');

            // Still the owner and a member; relays from both nodes reach the new socket.
            const fromA = once(back.socket, 'relay');
            await request(bob, 'relay', { roomid: 'resume-across', to: 'r-alice', data: 'from A' });
            expect(await fromA).toEqual({ roomid: 'resume-across', from: 'r-bob', data: 'from A' });
            const fromB = once(back.socket, 'relay');
            await request(carol, 'relay', { roomid: 'resume-across', data: 'from B' });
            expect(await fromB).toEqual({ roomid: 'resume-across', from: 'r-carol', data: 'from B' });
            // Addressed from the new socket's own node too (same-node path).
            const fromCarol = once(back.socket, 'relay');
            await request(carol, 'relay', { roomid: 'resume-across', to: 'r-alice', data: 'to you, from B' });
            expect(await fromCarol).toEqual({ roomid: 'resume-across', from: 'r-carol', data: 'to you, from B' });
            const presence = await request(bob, 'check-presence', { roomid: 'resume-across' });
            expect(presence.room).toMatchObject({ owner: 'r-alice', participants: 3 });
            // Past an audit of node A's claims and a sweep (NODE_TTL_MS 1 s): node A must not
            // undo the resume when it finds its old claim gone, nor sweep Alice out as stale.
            await new Promise((resolve) => setTimeout(resolve, 2500));
            const atBob = once(bob, 'relay');
            await request(back.socket, 'relay', { roomid: 'resume-across', data: 'still owner' });
            expect(await atBob).toEqual({ roomid: 'resume-across', from: 'r-alice', data: 'still owner' });
            expect((await request(carol, 'check-presence', { roomid: 'resume-across' })).room.owner).toBe('r-alice');
            expect(back.socket.connected).toBe(true);
            // Bob and Carol heard that Alice is back (once, across nodes) and relays: no
            // member-left, owner-changed or offline status.
            expect(seen.map((events) => events.filter((event) => event !== 'relay'))).toEqual([['member-resumed'], ['member-resumed']]);
            expect(seen[0].length).toBe(3);
        } finally {
            await proxy.close();
        }
    });

    test('a node shut down with SIGTERM takes its users out of shared rooms at once', async () => {
        const leaving = await spawnServerNode(clusterEnv);
        try {
            const stayer = (await connectUser(nodeA.url, { userid: 'g-stayer' })).socket;
            const goer = (await connectUser(leaving.url, { userid: 'g-goer' })).socket;
            await request(goer, 'open-room', { roomid: 'graceful' });
            await request(stayer, 'join-room', { roomid: 'graceful' });
            const told = once(goer, 'server-shutdown');
            const handedOver = once(stayer, 'owner-changed');
            const left = once(stayer, 'member-left');
            leaving.child.kill('SIGTERM');
            expect(await told).toEqual({ reason: 'server shutting down (SIGTERM)' });
            expect(await handedOver).toEqual({ roomid: 'graceful', owner: 'g-stayer' });
            expect(await left).toMatchObject({ userid: 'g-goer', reason: 'disconnected' });
            expect(await exited(leaving.child)).toEqual({ code: 0, signal: null });
            // Its userid is free at once (released, not left to expire).
            expect((await connectUser(nodeB.url, { userid: 'g-goer' })).userid).toBe('g-goer');
        } finally {
            await leaving.stop();
        }
    });

    test('a crashed node\'s users leave their rooms and free their userids after its heartbeat TTL', async () => {
        const doomed = await spawnServerNode(clusterEnv); // a third node, about to crash
        try {
            const survivor = (await connectUser(nodeA.url, { userid: 'c-survivor' })).socket;
            const victim = (await connectUser(doomed.url, { userid: 'c-victim' })).socket;
            await request(survivor, 'open-room', { roomid: 'crash' });
            await request(victim, 'join-room', { roomid: 'crash' });
            const left = once(survivor, 'member-left', 15000);
            doomed.child.kill('SIGKILL');
            await exited(doomed.child);
            expect(await left).toEqual({ roomid: 'crash', userid: 'c-victim', extra: null, reason: 'disconnected' });
            const back = await connectUser(nodeB.url, { userid: 'c-victim' });
            expect(back.userid).toBe('c-victim');
        } finally {
            await doomed.stop();
        }
    });
});
