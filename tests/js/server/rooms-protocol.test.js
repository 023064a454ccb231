// Room rules over real sockets: membership events, ownership, ejection, closing, extra.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { closeAllSockets, connectUser, once, record, request, startServer } from './support/helpers.js';

let server;
let url;

beforeAll(async () => {
    ({ server, url } = await startServer());
});
afterEach(() => closeAllSockets());
afterAll(() => server.close());

let roomCounter = 0;
const freshRoom = () => `room-${++roomCounter}`;

// Opens a room with the first user and joins the others in order. Returns their sockets.
async function roomOf(userids, openOptions = {}) {
    const roomid = openOptions.roomid ?? freshRoom();
    const users = {};
    for (const userid of userids) users[userid] = (await connectUser(url, { userid: `${userid}-${roomid}` })).socket;
    const [owner, ...others] = userids;
    const opened = await request(users[owner], 'open-room', { ...openOptions, roomid });
    expect(opened.ok).toBe(true);
    for (const userid of others) {
        const joined = await request(users[userid], 'join-room', { roomid, password: openOptions.password });
        expect(joined.ok).toBe(true);
    }
    const id = (userid) => `${userid}-${roomid}`;
    return { roomid, users, id };
}

describe('open and join', () => {
    test('open-room answers a RoomView; a second open of the same room is refused', async () => {
        const { socket } = await connectUser(url, { userid: 'opener', extra: { name: 'O' } });
        const ack = await request(socket, 'open-room', {
            roomid: 'conf',
            maxParticipantsAllowed: 4,
            session: { audio: true, video: true },
            direction: 'many-to-many',
        });
        expect(ack).toEqual({
            ok: true,
            room: {
                roomid: 'conf',
                owner: 'opener',
                members: [{ userid: 'opener', extra: { name: 'O' }, joinedAt: expect.any(Number) }],
                maxParticipantsAllowed: 4,
                autoCloseEntireSession: false,
                session: { audio: true, video: true },
                direction: 'many-to-many',
                isPasswordProtected: false,
                extra: { name: 'O' },
            },
        });
        const other = await connectUser(url);
        expect((await request(other.socket, 'open-room', { roomid: 'conf' })).error).toEqual({
            code: 'ROOM_EXISTS',
            message: 'room "conf" already exists',
        });
    });

    test('join: others get member-joined and user-status online; errors are specific', async () => {
        const { roomid, users, id } = await roomOf(['alice']);
        const joined = once(users.alice, 'member-joined');
        const status = once(users.alice, 'user-status');
        const bob = await connectUser(url, { userid: 'bob-join', extra: { b: 1 } });
        const ack = await request(bob.socket, 'join-room', { roomid });
        expect(ack.room.members.map((m) => m.userid)).toEqual([id('alice'), 'bob-join']);
        expect(await joined).toEqual({ roomid, userid: 'bob-join', extra: { b: 1 } });
        expect(await status).toEqual({ roomid, userid: 'bob-join', status: 'online', extra: { b: 1 } });
        expect((await request(bob.socket, 'join-room', { roomid })).error.code).toBe('ALREADY_IN_ROOM');
        expect((await request(bob.socket, 'join-room', { roomid: 'nowhere' })).error).toEqual({
            code: 'ROOM_NOT_FOUND',
            message: 'room "nowhere" does not exist',
        });
    });

    test('room full: a one-to-one room takes exactly one participant', async () => {
        const { roomid } = await roomOf(['alice', 'bob'], { maxParticipantsAllowed: 1 });
        const carol = await connectUser(url);
        expect((await request(carol.socket, 'join-room', { roomid })).error).toEqual({
            code: 'ROOM_FULL',
            message: `room "${roomid}" is full (1 participant allowed)`,
        });
    });

    test('leave-room: others get member-left (left) and user-status offline', async () => {
        const { roomid, users, id } = await roomOf(['alice', 'bob']);
        const left = once(users.alice, 'member-left');
        const status = once(users.alice, 'user-status');
        expect(await request(users.bob, 'leave-room', { roomid })).toEqual({ ok: true });
        expect(await left).toEqual({ roomid, userid: id('bob'), extra: null, reason: 'left' });
        expect(await status).toEqual({ roomid, userid: id('bob'), status: 'offline', extra: null });
        expect((await request(users.bob, 'leave-room', { roomid })).error.code).toBe('NOT_IN_ROOM');
    });

    test('disconnect: room-mates get member-left (disconnected) and user-status offline', async () => {
        const { roomid, users, id } = await roomOf(['alice', 'bob']);
        const left = once(users.alice, 'member-left');
        const status = once(users.alice, 'user-status');
        users.bob.close();
        expect(await left).toEqual({ roomid, userid: id('bob'), extra: null, reason: 'disconnected' });
        expect(await status).toMatchObject({ userid: id('bob'), status: 'offline' });
    });
});

describe('ownership', () => {
    test('owner leaving hands the room to the longest-present member', async () => {
        const { roomid, users, id } = await roomOf(['alice', 'bob', 'carol']);
        const ownerForBob = once(users.bob, 'owner-changed');
        const ownerForCarol = once(users.carol, 'owner-changed');
        const leftForCarol = once(users.carol, 'member-left');
        await request(users.alice, 'leave-room', { roomid });
        expect(await ownerForBob).toEqual({ roomid, owner: id('bob') });
        expect(await ownerForCarol).toEqual({ roomid, owner: id('bob') });
        expect(await leftForCarol).toMatchObject({ userid: id('alice'), reason: 'left' });
        // Authority moved: bob can eject now, and the room is still joinable.
        const dave = await connectUser(url);
        expect((await request(dave.socket, 'join-room', { roomid })).room.owner).toBe(id('bob'));
        expect((await request(users.bob, 'eject', { roomid, userid: dave.userid })).ok).toBe(true);
    });

    test('owner disconnecting hands over too', async () => {
        const { roomid, users, id } = await roomOf(['alice', 'bob', 'carol']);
        const changed = once(users.carol, 'owner-changed');
        users.alice.close();
        expect(await changed).toEqual({ roomid, owner: id('bob') });
    });

    test('autoCloseEntireSession: the owner leaving closes the room for everyone', async () => {
        const { roomid, users } = await roomOf(['alice', 'bob', 'carol'], { autoCloseEntireSession: true });
        const closedBob = once(users.bob, 'room-closed');
        const closedCarol = once(users.carol, 'room-closed');
        await request(users.alice, 'leave-room', { roomid });
        expect(await closedBob).toEqual({ roomid, reason: 'owner-left' });
        expect(await closedCarol).toEqual({ roomid, reason: 'owner-left' });
        expect(await request(users.bob, 'check-presence', { roomid })).toEqual({ ok: true, exists: false });
        expect((await request(users.bob, 'relay', { roomid, data: 1 })).error.code).toBe('NOT_IN_ROOM');
    });

    test('close-room: owner only; everyone, owner included, is told', async () => {
        const { roomid, users } = await roomOf(['alice', 'bob']);
        expect((await request(users.bob, 'close-room', { roomid })).error.code).toBe('NOT_OWNER');
        const forOwner = once(users.alice, 'room-closed');
        const forBob = once(users.bob, 'room-closed');
        expect(await request(users.alice, 'close-room', { roomid })).toEqual({ ok: true });
        expect(await forOwner).toEqual({ roomid, reason: 'closed-by-owner' });
        expect(await forBob).toEqual({ roomid, reason: 'closed-by-owner' });
        expect((await request(users.bob, 'check-presence', { roomid })).exists).toBe(false);
    });
});

describe('ejection', () => {
    test('only the owner may eject', async () => {
        const { roomid, users, id } = await roomOf(['alice', 'bob', 'carol']);
        expect((await request(users.bob, 'eject', { roomid, userid: id('carol') })).error).toEqual({
            code: 'NOT_OWNER',
            message: `only the owner of room "${roomid}" can eject`,
        });
        expect((await request(users.alice, 'eject', { roomid, userid: 'ghost' })).error.code).toBe('UNKNOWN_USER');
        expect((await request(users.alice, 'eject', { roomid, userid: id('alice') })).error.code).toBe('CANNOT_EJECT_SELF');
        const room = await request(users.carol, 'check-presence', { roomid });
        expect(room.room.participants).toBe(3);
    });

    test('the ejected user is told and removed, the others are told, and it is cut off', async () => {
        const { roomid, users, id } = await roomOf(['alice', 'bob', 'carol']);
        const ejected = once(users.bob, 'ejected');
        const leftForCarol = once(users.carol, 'member-left');
        const leftForAlice = once(users.alice, 'member-left');
        const bobEvents = record(users.bob, 'member-left');
        expect(await request(users.alice, 'eject', { roomid, userid: id('bob') })).toEqual({ ok: true });
        expect(await ejected).toEqual({ roomid, by: id('alice') });
        expect(await leftForCarol).toEqual({ roomid, userid: id('bob'), extra: null, reason: 'ejected' });
        expect(await leftForAlice).toMatchObject({ userid: id('bob'), reason: 'ejected' });
        // Bob can no longer relay into the room, nor receive from it, nor rejoin it.
        expect((await request(users.bob, 'relay', { roomid, data: 'hi' })).error.code).toBe('NOT_IN_ROOM');
        const bobRelays = record(users.bob, 'relay');
        const carolGot = once(users.carol, 'relay');
        users.alice.emit('relay', { roomid, data: 'after ejection' });
        expect((await carolGot).data).toBe('after ejection');
        expect((await request(users.bob, 'join-room', { roomid })).error.code).toBe('EJECTED');
        // Bob's own socket answered after carol received: nothing reached bob meanwhile.
        expect(bobRelays).toEqual([]);
        expect(bobEvents).toEqual([]);
    });
});

describe('extra data', () => {
    test('update-extra reaches the room-mates of every room, and the owner updates the room extra', async () => {
        const first = await roomOf(['alice', 'bob']);
        const alice = first.users.alice;
        const carol = await connectUser(url, { userid: 'carol-extra' });
        const other = freshRoom();
        await request(carol.socket, 'open-room', { roomid: other });
        await request(alice, 'join-room', { roomid: other });
        const forBob = once(first.users.bob, 'extra-updated');
        const forCarol = once(carol.socket, 'extra-updated');
        expect(await request(alice, 'update-extra', { extra: { mood: 'busy' } })).toEqual({ ok: true });
        expect(await forBob).toEqual({ roomid: first.roomid, userid: first.id('alice'), extra: { mood: 'busy' } });
        expect(await forCarol).toEqual({ roomid: other, userid: first.id('alice'), extra: { mood: 'busy' } });
        expect((await request(carol.socket, 'check-presence', { roomid: first.roomid })).room.extra).toEqual({ mood: 'busy' });
        expect((await request(carol.socket, 'check-presence', { roomid: other })).room.extra).toBeNull();
    });
});
