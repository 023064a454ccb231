// Relays stay inside rooms and reach only their addressee; presence and room lists.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { closeAllSockets, connectUser, expectRelayRefusedAndUndelivered, once, record, request, startServer } from './support/helpers.js';

let server;
let url;

beforeAll(async () => {
    ({ server, url } = await startServer({ roomListDebounceMs: 50 }));
});
afterEach(() => closeAllSockets());
afterAll(() => server.close());

async function users(...userids) {
    const sockets = {};
    for (const userid of userids) sockets[userid] = (await connectUser(url, { userid })).socket;
    return sockets;
}

describe('relay', () => {
    test('broadcast reaches every other member, never the sender or outsiders', async () => {
        const s = await users('r1-alice', 'r1-bob', 'r1-carol', 'r1-outsider');
        await request(s['r1-alice'], 'open-room', { roomid: 'relay-1' });
        await request(s['r1-bob'], 'join-room', { roomid: 'relay-1' });
        await request(s['r1-carol'], 'join-room', { roomid: 'relay-1' });
        await request(s['r1-outsider'], 'open-room', { roomid: 'relay-1-elsewhere' });
        const seenByAlice = record(s['r1-alice'], 'relay');
        const seenByOutsider = record(s['r1-outsider'], 'relay');
        const bob = once(s['r1-bob'], 'relay');
        const carol = once(s['r1-carol'], 'relay');
        expect(await request(s['r1-alice'], 'relay', { roomid: 'relay-1', data: { sdp: 'offer' } })).toEqual({ ok: true });
        const expected = { roomid: 'relay-1', from: 'r1-alice', data: { sdp: 'offer' } };
        expect(await bob).toEqual(expected);
        expect(await carol).toEqual(expected);
        // Sentinels sent after: when they arrive, anything misrouted before would have too.
        const aliceSentinel = once(s['r1-alice'], 'relay');
        s['r1-bob'].emit('relay', { roomid: 'relay-1', to: 'r1-alice', data: 'sentinel' });
        expect((await aliceSentinel).data).toBe('sentinel');
        await request(s['r1-outsider'], 'check-presence', { roomid: 'relay-1' });
        expect(seenByAlice).toEqual([{ roomid: 'relay-1', from: 'r1-bob', data: 'sentinel' }]);
        expect(seenByOutsider).toEqual([]);
    });

    test('an addressed relay reaches only its addressee', async () => {
        const s = await users('r2-alice', 'r2-bob', 'r2-carol');
        await request(s['r2-alice'], 'open-room', { roomid: 'relay-2' });
        await request(s['r2-bob'], 'join-room', { roomid: 'relay-2' });
        await request(s['r2-carol'], 'join-room', { roomid: 'relay-2' });
        const seenByCarol = record(s['r2-carol'], 'relay');
        const bob = once(s['r2-bob'], 'relay');
        await request(s['r2-alice'], 'relay', { roomid: 'relay-2', to: 'r2-bob', data: 'for bob only' });
        expect(await bob).toEqual({ roomid: 'relay-2', from: 'r2-alice', data: 'for bob only' });
        const sentinel = once(s['r2-carol'], 'relay');
        await request(s['r2-alice'], 'relay', { roomid: 'relay-2', to: 'r2-carol', data: 'sentinel' });
        await sentinel;
        expect(seenByCarol.map((m) => m.data)).toEqual(['sentinel']);
    });

    test('relaying outside one\'s rooms, or to someone outside the room, is impossible', async () => {
        const s = await users('r3-alice', 'r3-bob', 'r3-mallory');
        await request(s['r3-alice'], 'open-room', { roomid: 'relay-3' });
        await request(s['r3-bob'], 'join-room', { roomid: 'relay-3' });
        await request(s['r3-mallory'], 'open-room', { roomid: 'relay-3-mallory' });
        const seenByAlice = record(s['r3-alice'], 'relay');
        // Mallory is not a member: no broadcast, no addressed message into the room.
        expect((await request(s['r3-mallory'], 'relay', { roomid: 'relay-3', data: 'x' })).error).toEqual({
            code: 'NOT_IN_ROOM',
            message: 'you are not in room "relay-3"',
        });
        expect((await request(s['r3-mallory'], 'relay', { roomid: 'relay-3', to: 'r3-alice', data: 'x' })).error.code).toBe('NOT_IN_ROOM');
        // Through her own room, she cannot reach alice either: alice is not a member there.
        expect((await request(s['r3-mallory'], 'relay', { roomid: 'relay-3-mallory', to: 'r3-alice', data: 'x' })).error).toEqual({
            code: 'UNKNOWN_USER',
            message: 'user "r3-alice" is not in room "relay-3-mallory"',
        });
        // And bob cannot address a non-member through the room they share.
        expect((await request(s['r3-bob'], 'relay', { roomid: 'relay-3', to: 'r3-mallory', data: 'x' })).error.code).toBe('UNKNOWN_USER');
        const sentinel = once(s['r3-alice'], 'relay');
        s['r3-bob'].emit('relay', { roomid: 'relay-3', data: 'sentinel' });
        await sentinel;
        expect(seenByAlice.map((m) => m.data)).toEqual(['sentinel']);
    });

    // The owner opens `roomid` and `side-<roomid>`; sender and target join both.
    async function ownerSenderTarget(prefix, roomid, openOptions = {}) {
        const s = await users(`${prefix}-owner`, `${prefix}-sender`, `${prefix}-target`);
        await request(s[`${prefix}-owner`], 'open-room', { roomid, ...openOptions });
        await request(s[`${prefix}-owner`], 'open-room', { roomid: `side-${roomid}` });
        for (const userid of [`${prefix}-sender`, `${prefix}-target`]) {
            expect((await request(s[userid], 'join-room', { roomid })).ok).toBe(true);
            expect((await request(s[userid], 'join-room', { roomid: `side-${roomid}` })).ok).toBe(true);
        }
        return { owner: s[`${prefix}-owner`], sender: s[`${prefix}-sender`], target: s[`${prefix}-target`], targetId: `${prefix}-target` };
    }

    test('an addressed relay to a user who left the room is refused and not delivered', async () => {
        const { sender, target, targetId } = await ownerSenderTarget('r5', 'relay-5');
        expect(await request(target, 'leave-room', { roomid: 'relay-5' })).toEqual({ ok: true });
        await expectRelayRefusedAndUndelivered(sender, target, targetId, 'relay-5', 'side-relay-5');
    });

    test('an addressed relay to an ejected user is refused and not delivered', async () => {
        const { owner, sender, target, targetId } = await ownerSenderTarget('r6', 'relay-6');
        expect(await request(owner, 'eject', { roomid: 'relay-6', userid: targetId })).toEqual({ ok: true });
        await expectRelayRefusedAndUndelivered(sender, target, targetId, 'relay-6', 'side-relay-6');
        await expectRelayRefusedAndUndelivered(owner, target, targetId, 'relay-6', 'side-relay-6');
    });

    test('an addressed relay to a user whose room was closed and re-opened without them is refused', async () => {
        const { owner, sender, target, targetId } = await ownerSenderTarget('r7', 'relay-7');
        expect(await request(owner, 'close-room', { roomid: 'relay-7' })).toEqual({ ok: true });
        expect((await request(owner, 'open-room', { roomid: 'relay-7' })).ok).toBe(true);
        expect((await request(sender, 'join-room', { roomid: 'relay-7' })).ok).toBe(true);
        await expectRelayRefusedAndUndelivered(sender, target, targetId, 'relay-7', 'side-relay-7');
        await expectRelayRefusedAndUndelivered(owner, target, targetId, 'relay-7', 'side-relay-7');
    });

    test('an addressed relay to a user whose room closed as its owner left, then re-opened, is refused', async () => {
        const { owner, sender, target, targetId } = await ownerSenderTarget('r8', 'relay-8', { autoCloseEntireSession: true });
        const closed = once(target, 'room-closed');
        expect(await request(owner, 'leave-room', { roomid: 'relay-8' })).toEqual({ ok: true });
        expect(await closed).toEqual({ roomid: 'relay-8', reason: 'owner-left' });
        expect((await request(sender, 'open-room', { roomid: 'relay-8' })).ok).toBe(true);
        await expectRelayRefusedAndUndelivered(sender, target, targetId, 'relay-8', 'side-relay-8');
    });

    test('relay requests from one socket are delivered in order', async () => {
        const s = await users('r4-alice', 'r4-bob');
        await request(s['r4-alice'], 'open-room', { roomid: 'relay-4' });
        await request(s['r4-bob'], 'join-room', { roomid: 'relay-4' });
        const seen = record(s['r4-bob'], 'relay');
        for (let i = 0; i < 50; i++) s['r4-alice'].emit('relay', { roomid: 'relay-4', data: i });
        const last = once(s['r4-bob'], 'relay');
        s['r4-alice'].emit('relay', { roomid: 'relay-4', data: 'end' });
        // `last` may resolve on an earlier one; wait until 'end' is in.
        await last;
        while (seen[seen.length - 1]?.data !== 'end') await once(s['r4-bob'], 'relay');
        expect(seen.map((m) => m.data)).toEqual([...Array.from({ length: 50 }, (_, i) => i), 'end']);
    });
});

describe('presence and room lists', () => {
    test('check-presence and list-rooms show public views, never a password', async () => {
        const s = await users('l1-alice', 'l1-bob', 'l1-viewer');
        await request(s['l1-alice'], 'open-room', {
            roomid: 'listed-1',
            password: 'do-not-show',
            maxParticipantsAllowed: 1,
            extra: { topic: 'cats' },
            session: { audio: true },
            direction: 'one-to-one',
        });
        await request(s['l1-bob'], 'join-room', { roomid: 'listed-1', password: 'do-not-show' });
        await request(s['l1-bob'], 'open-room', { roomid: 'unlisted-1', listed: false });
        const publicView = {
            roomid: 'listed-1',
            owner: 'l1-alice',
            extra: { topic: 'cats' },
            participants: 2,
            maxParticipantsAllowed: 1,
            isFull: true,
            isPasswordProtected: true,
            session: { audio: true },
            direction: 'one-to-one',
        };
        const presence = await request(s['l1-viewer'], 'check-presence', { roomid: 'listed-1' });
        expect(presence).toEqual({ ok: true, exists: true, room: publicView });
        expect(await request(s['l1-viewer'], 'check-presence', { roomid: 'unlisted-1' })).toMatchObject({ exists: true });
        const list = await request(s['l1-viewer'], 'list-rooms', {});
        expect(list.rooms).toContainEqual(publicView);
        expect(list.rooms.map((r) => r.roomid)).not.toContain('unlisted-1');
        expect(JSON.stringify([presence, list])).not.toMatch(/do-not-show|hash|salt/);
        // list-rooms without a payload works too.
        expect((await request(s['l1-viewer'], 'list-rooms')).ok).toBe(true);
    });

    test('subscribe-rooms pushes room-list on changes, coalesced, until unsubscribed', async () => {
        const s = await users('l2-sub', 'l2-alice', 'l2-bob');
        const subscribed = await request(s['l2-sub'], 'subscribe-rooms', {});
        expect(subscribed.ok).toBe(true);
        const pushes = record(s['l2-sub'], 'room-list');
        // A burst of changes within the coalescing window...
        const next = once(s['l2-sub'], 'room-list');
        await request(s['l2-alice'], 'open-room', { roomid: 'feed-1', password: 'nope-secret' });
        await request(s['l2-bob'], 'open-room', { roomid: 'feed-2' });
        const pushed = await next;
        // ...may arrive as one push or two, but the last one shows the state after both.
        let latest = pushed;
        while (!latest.rooms.some((r) => r.roomid === 'feed-2')) latest = await once(s['l2-sub'], 'room-list');
        expect(latest.rooms.map((r) => r.roomid)).toEqual(expect.arrayContaining(['feed-1', 'feed-2']));
        expect(pushes.length).toBeLessThanOrEqual(2);
        expect(JSON.stringify(pushes)).not.toContain('nope-secret');
        // Closing a room pushes again.
        const afterClose = once(s['l2-sub'], 'room-list');
        await request(s['l2-alice'], 'close-room', { roomid: 'feed-1' });
        expect((await afterClose).rooms.map((r) => r.roomid)).not.toContain('feed-1');
        // Unsubscribed: a change no longer pushes. A second subscriber proves a push happened.
        const count = pushes.length;
        expect(await request(s['l2-sub'], 'unsubscribe-rooms', {})).toEqual({ ok: true });
        await request(s['l2-alice'], 'subscribe-rooms', {});
        const toAlice = once(s['l2-alice'], 'room-list');
        await request(s['l2-bob'], 'close-room', { roomid: 'feed-2' });
        await toAlice;
        await request(s['l2-sub'], 'list-rooms', {});
        expect(pushes.length).toBe(count);
    });
});
