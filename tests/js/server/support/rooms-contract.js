// The behaviour of the Rooms class, independent of its store. rooms.test.js runs it on
// the MemoryStore, scale-out.test.js on the RedisStore: one logic, two stores, one contract.

import { expect, test, describe, beforeEach, afterEach } from '@jest/globals';
import { Rooms } from '../../../../server/rooms.js';

const user = (userid, extra = null) => ({ userid, extra, token: `token-${userid}` });

export function defineRoomsContract(makeStore) {
    let rooms;
    let store;
    let clock;

    beforeEach(async () => {
        store = await makeStore();
        clock = 1000;
        rooms = new Rooms({ store, now: () => clock++, maxRoomsPerUser: 3 });
    });

    afterEach(async () => {
        await store.close?.();
    });

    // Opens `roomid` owned by members[0], then joins the others in order.
    async function roomWith(roomid, members, openOptions = {}) {
        const opened = await rooms.open(user(members[0]), { roomid, ...openOptions });
        expect(opened.ok).toBe(true);
        for (const userid of members.slice(1)) {
            const joined = await rooms.join(user(userid), { roomid, password: openOptions.password });
            expect(joined).toMatchObject({ ok: true });
        }
    }

    describe('open', () => {
        test('creates a room owned by the opener, with defaults and no secret in the view', async () => {
            const result = await rooms.open(user('alice', { name: 'A' }), { roomid: 'r1', password: 'hunter2' });
            expect(result.ok).toBe(true);
            expect(result.room).toEqual({
                roomid: 'r1',
                owner: 'alice',
                members: [{ userid: 'alice', extra: { name: 'A' }, joinedAt: 1000 }],
                maxParticipantsAllowed: 1000,
                autoCloseEntireSession: false,
                session: null,
                direction: null,
                isPasswordProtected: true,
                extra: { name: 'A' },
            });
            const stored = JSON.stringify(await rooms.getRoom('r1'));
            expect(stored).not.toMatch(/hunter2|hash|salt|token/);
        });

        test('refuses a room that already has members', async () => {
            await roomWith('r1', ['alice']);
            const result = await rooms.open(user('bob'), { roomid: 'r1' });
            expect(result.error.code).toBe('ROOM_EXISTS');
            expect((await rooms.getRoom('r1')).owner).toBe('alice');
        });

        test('the extra given at open becomes the room extra, else the user extra', async () => {
            await rooms.open(user('alice', { a: 1 }), { roomid: 'r1', extra: { room: 'talk' } });
            await rooms.open(user('bob', { b: 2 }), { roomid: 'r2' });
            expect((await rooms.getRoom('r1')).extra).toEqual({ room: 'talk' });
            expect((await rooms.getRoom('r2')).extra).toEqual({ b: 2 });
        });
    });

    describe('join', () => {
        const cases = [
            // [name, setup, joiner, request, expected code or 'ok']
            ['missing room', async () => {}, 'bob', { roomid: 'nope' }, 'ROOM_NOT_FOUND'],
            ['already a member', () => roomWith('r', ['alice', 'bob']), 'bob', { roomid: 'r' }, 'ALREADY_IN_ROOM'],
            ['wrong password', () => roomWith('r', ['alice'], { password: 'pw' }), 'bob', { roomid: 'r', password: 'x' }, 'WRONG_PASSWORD'],
            ['no password for a protected room', () => roomWith('r', ['alice'], { password: 'pw' }), 'bob', { roomid: 'r' }, 'WRONG_PASSWORD'],
            ['right password', () => roomWith('r', ['alice'], { password: 'pw' }), 'bob', { roomid: 'r', password: 'pw' }, 'ok'],
            ['password given to an open room', () => roomWith('r', ['alice']), 'bob', { roomid: 'r', password: 'x' }, 'ok'],
            ['one-to-one room already has its participant', () => roomWith('r', ['alice', 'bob'], { maxParticipantsAllowed: 1 }), 'carol', { roomid: 'r' }, 'ROOM_FULL'],
            ['room with space left', () => roomWith('r', ['alice', 'bob'], { maxParticipantsAllowed: 2 }), 'carol', { roomid: 'r' }, 'ok'],
            ['too many rooms for one user', async () => {
                for (const roomid of ['a', 'b', 'c']) await rooms.open(user('bob'), { roomid });
                await roomWith('r', ['alice']);
            }, 'bob', { roomid: 'r' }, 'TOO_MANY_ROOMS'],
        ];
        test.each(cases)('%s', async (name, setup, joiner, request, expected) => {
            await setup();
            const before = await rooms.getRoom(request.roomid);
            const result = await rooms.join(user(joiner), request);
            if (expected === 'ok') {
                expect(result.ok).toBe(true);
                expect(result.room.members.map((m) => m.userid)).toContain(joiner);
            } else {
                expect(result.ok).toBe(false);
                expect(result.error.code).toBe(expected);
                expect(await rooms.getRoom(request.roomid)).toEqual(before); // unchanged
            }
        });

        test('room full message names the room and the limit', async () => {
            await roomWith('duo', ['alice', 'bob'], { maxParticipantsAllowed: 1 });
            const result = await rooms.join(user('carol'), { roomid: 'duo' });
            expect(result.error.message).toBe('room "duo" is full (1 participant allowed)');
        });

        test('members are kept in join order with their extra', async () => {
            await rooms.claimUserid('carol', 'token-carol'); // connected: a relay can reach it
            await rooms.open(user('alice'), { roomid: 'r' });
            await rooms.join(user('bob', { b: 1 }), { roomid: 'r' });
            await rooms.join(user('carol'), { roomid: 'r', extra: { c: 1 } });
            const room = await rooms.getRoom('r');
            expect(room.members.map((m) => [m.userid, m.extra])).toEqual([
                ['alice', null],
                ['bob', { b: 1 }],
                ['carol', { c: 1 }],
            ]);
            expect(await rooms.isMember('r', 'carol')).toBeTruthy();
            expect(await rooms.isMember('r', 'bob')).toBeFalsy(); // a member no connection holds
            expect(await rooms.roomsOf('carol')).toEqual(['r']);
        });
    });

    describe('departure', () => {
        // [name, members (join order, first = owner), autoClose, leaver, outcome, owner after]
        const cases = [
            ['a participant leaves', ['alice', 'bob', 'carol'], false, 'bob', 'left', 'alice'],
            ['the owner leaves: the longest-present member takes over', ['alice', 'bob', 'carol'], false, 'alice', 'handover', 'bob'],
            ['the owner of an auto-closing room leaves', ['alice', 'bob', 'carol'], true, 'alice', 'closed', null],
            ['a participant of an auto-closing room leaves', ['alice', 'bob'], true, 'bob', 'left', 'alice'],
            ['the last member leaves', ['alice'], false, 'alice', 'empty', null],
        ];
        test.each(cases)('%s', async (name, members, autoClose, leaver, outcome, ownerAfter) => {
            await roomWith('r', members, { autoCloseEntireSession: autoClose });
            const result = await rooms.leave(user(leaver), 'r');
            expect(result).toMatchObject({ ok: true, outcome, owner: ownerAfter, reason: 'left' });
            expect(result.member.userid).toBe(leaver);
            const room = await rooms.getRoom('r');
            if (ownerAfter === null) {
                expect(room).toBeNull();
                for (const userid of members) expect(await rooms.roomsOf(userid)).toEqual([]);
            } else {
                expect(room.owner).toBe(ownerAfter);
                expect(room.members.map((m) => m.userid)).toEqual(members.filter((u) => u !== leaver));
            }
            expect(await rooms.isMember('r', leaver)).toBeFalsy();
        });

        test('handover goes by join order, and the room extra follows the new owner', async () => {
            await rooms.open(user('alice', { a: 1 }), { roomid: 'r' });
            await rooms.join(user('carol', { c: 1 }), { roomid: 'r' });
            await rooms.join(user('bob', { b: 1 }), { roomid: 'r' });
            await rooms.leave(user('alice'), 'r');
            const room = await rooms.getRoom('r');
            expect(room.owner).toBe('carol');
            expect(room.extra).toEqual({ c: 1 });
        });

        test('leaving a room one is not in changes nothing', async () => {
            await roomWith('r', ['alice']);
            expect((await rooms.leave(user('bob'), 'r')).error.code).toBe('NOT_IN_ROOM');
            expect((await rooms.leave(user('bob'), 'zzz')).error.code).toBe('ROOM_NOT_FOUND');
        });

        test('leaveAll leaves every room of the user (disconnect)', async () => {
            await roomWith('r1', ['alice', 'bob']);
            await roomWith('r2', ['bob', 'alice']);
            const results = await rooms.leaveAll('bob');
            expect(results.map((r) => [r.roomid, r.outcome, r.reason]).sort()).toEqual([
                ['r1', 'left', 'disconnected'],
                ['r2', 'handover', 'disconnected'],
            ]);
            expect(await rooms.roomsOf('bob')).toEqual([]);
            expect((await rooms.getRoom('r2')).owner).toBe('alice');
        });
    });

    describe('eject', () => {
        const cases = [
            ['by a participant', 'bob', 'carol', 'NOT_OWNER'],
            ['by a stranger', 'mallory', 'bob', 'NOT_OWNER'],
            ['of someone not in the room', 'alice', 'mallory', 'UNKNOWN_USER'],
            ['of the owner by itself', 'alice', 'alice', 'CANNOT_EJECT_SELF'],
        ];
        test.each(cases)('refused %s', async (name, by, target, code) => {
            await roomWith('r', ['alice', 'bob', 'carol']);
            const before = await rooms.getRoom('r');
            const result = await rooms.eject(user(by), 'r', target);
            expect(result.error.code).toBe(code);
            expect(await rooms.getRoom('r')).toEqual(before);
        });

        test('the owner ejects: the target is removed and cannot rejoin while that owner lasts', async () => {
            await roomWith('r', ['alice', 'bob', 'carol']);
            const result = await rooms.eject(user('alice'), 'r', 'bob');
            expect(result).toMatchObject({ ok: true, outcome: 'left', reason: 'ejected', by: 'alice' });
            expect(await rooms.isMember('r', 'bob')).toBeFalsy();
            expect((await rooms.join(user('bob'), { roomid: 'r' })).error.code).toBe('EJECTED');
            // A new owner starts with a clean slate.
            await rooms.leave(user('alice'), 'r');
            expect((await rooms.getRoom('r')).owner).toBe('carol');
            expect((await rooms.join(user('bob'), { roomid: 'r' })).ok).toBe(true);
        });

        test('ejection from a missing room', async () => {
            expect((await rooms.eject(user('alice'), 'zzz', 'bob')).error.code).toBe('ROOM_NOT_FOUND');
        });
    });

    describe('close', () => {
        test('only the owner closes; the room and its index entries go away', async () => {
            await roomWith('r', ['alice', 'bob']);
            expect((await rooms.close(user('bob'), 'r')).error.code).toBe('NOT_OWNER');
            const result = await rooms.close(user('alice'), 'r');
            expect(result).toMatchObject({ ok: true, members: ['alice', 'bob'] });
            expect(await rooms.getRoom('r')).toBeNull();
            expect(await rooms.roomsOf('bob')).toEqual([]);
            expect((await rooms.checkPresence('r')).exists).toBe(false);
        });
    });

    describe('extra', () => {
        test('updates the member in every room, and the room extra where the user owns it', async () => {
            await roomWith('mine', ['alice', 'bob']);
            await roomWith('theirs', ['bob', 'alice']);
            const result = await rooms.updateExtra(user('alice'), { mood: 'happy' });
            expect(result.rooms.map((r) => [r.roomid, r.isOwner]).sort()).toEqual([
                ['mine', true],
                ['theirs', false],
            ]);
            const mine = await rooms.getRoom('mine');
            const theirs = await rooms.getRoom('theirs');
            expect(mine.extra).toEqual({ mood: 'happy' });
            expect(mine.members[0].extra).toEqual({ mood: 'happy' });
            expect(theirs.extra).toBeNull();
            expect(theirs.members[1].extra).toEqual({ mood: 'happy' });
        });
    });

    describe('queries', () => {
        test('list shows listed rooms only, as public views without secrets', async () => {
            await roomWith('public', ['alice', 'bob'], { maxParticipantsAllowed: 1, password: 'pw', session: { audio: true }, direction: 'one-to-one' });
            await roomWith('hidden', ['carol'], { listed: false });
            const { rooms: list, next } = await rooms.listRooms();
            expect(next).toBeUndefined();
            expect(list).toEqual([
                {
                    roomid: 'public',
                    owner: 'alice',
                    extra: null,
                    participants: 2,
                    maxParticipantsAllowed: 1,
                    isFull: true,
                    isPasswordProtected: true,
                    session: { audio: true },
                    direction: 'one-to-one',
                },
            ]);
            expect(JSON.stringify(list)).not.toMatch(/pw|hash|salt/);
            expect(await rooms.checkPresence('hidden')).toMatchObject({ ok: true, exists: true, room: { participants: 1 } });
            expect(await rooms.checkPresence('none')).toEqual({ ok: true, exists: false });
        });
    });

    test('a room opened with a signaling channel shows it in its public view', async () => {
        await rooms.open(user('alice'), { roomid: 'with-channel', channel: 'page-channel' });
        expect((await rooms.listRooms()).rooms[0]).toMatchObject({ roomid: 'with-channel', channel: 'page-channel' });
        expect((await rooms.checkPresence('with-channel')).room.channel).toBe('page-channel');
        expect((await rooms.getRoom('with-channel')).channel).toBeUndefined(); // RoomView unchanged
    });

    describe('owner actions need the owner\'s own connection (issue 14, item 6)', () => {
        // The same userid through another connection (its node died; someone claimed the
        // userid again) is not the owner, nor the member.
        const impostor = { userid: 'alice', extra: null, token: 'another-connection' };
        test.each([
            ['eject', () => rooms.eject(impostor, 'r', 'bob'), 'NOT_OWNER'],
            ['close', () => rooms.close(impostor, 'r'), 'NOT_OWNER'],
            ['leave', () => rooms.leave(impostor, 'r'), 'NOT_IN_ROOM'],
        ])('%s by the same userid with another token is refused', async (name, act, code) => {
            await roomWith('r', ['alice', 'bob', 'carol']);
            const before = await rooms.getRoom('r');
            expect((await act()).error.code).toBe(code);
            expect(await rooms.getRoom('r')).toEqual(before);
        });

        test('update-extra through another token changes none of the rooms of that userid', async () => {
            await roomWith('r', ['alice', 'bob']);
            const result = await rooms.updateExtra(impostor, { role: 'usurper' });
            expect(result).toEqual({ ok: true, rooms: [] });
            const room = await rooms.getRoom('r');
            expect(room.extra).toBeNull();
            expect(room.members[0].extra).toBeNull();
        });
    });

    describe('room list pages', () => {
        test('pages follow each other by cursor, oldest first, each room once; an unknown cursor is null', async () => {
            for (let i = 0; i < 7; i++) await rooms.open(user(`owner-${i}`), { roomid: `p${i}` });
            await rooms.open(user('hider'), { roomid: 'hidden', listed: false });
            const seen = [];
            let page = await rooms.listRooms({ limit: 3 });
            seen.push(...page.rooms.map((room) => room.roomid));
            while (page.next !== undefined) {
                page = await rooms.listRooms({ cursor: page.next, limit: 3 });
                seen.push(...page.rooms.map((room) => room.roomid));
            }
            expect(seen).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
            expect(await rooms.listRooms({ cursor: 'garbage' })).toBeNull();
            // Closing a room of a later page does not disturb the cursor of an earlier one.
            const first = await rooms.listRooms({ limit: 2 });
            await rooms.close(user('owner-2'), 'p2');
            expect((await rooms.listRooms({ cursor: first.next, limit: 2 })).rooms.map((room) => room.roomid)).toEqual(['p3', 'p4']);
        });

        test('a page stops before maxBytes (but holds at least one room)', async () => {
            for (let i = 0; i < 4; i++) await rooms.open(user(`big-${i}`, { note: 'n'.repeat(3000) }), { roomid: `big${i}` });
            const page = await rooms.listRooms({ limit: 10, maxBytes: 8000 });
            expect(page.rooms.length).toBe(2);
            expect(page.next).toBeDefined();
            expect((await rooms.listRooms({ limit: 10, maxBytes: 10 })).rooms.length).toBe(1);
        });
    });

    describe('userid claims', () => {
        test('one holder at a time; only the holder releases', async () => {
            expect(await rooms.claimUserid('alice', 't1')).toBe(true);
            expect(await rooms.claimUserid('alice', 't2')).toBe(false);
            await rooms.releaseUserid('alice', 't2'); // not the holder: no effect
            expect(await rooms.claimUserid('alice', 't3')).toBe(false);
            await rooms.releaseUserid('alice', 't1');
            expect(await rooms.claimUserid('alice', 't3')).toBe(true);
        });

        test('resume: only the holder token hands the userid and its rooms over', async () => {
            await rooms.claimUserid('alice', 'token-alice');
            await rooms.claimUserid('bob', 'token-bob');
            await roomWith('r1', ['alice', 'bob']);
            await roomWith('r2', ['bob', 'alice']);
            expect(await rooms.resumeUserid('alice', 'token-bob', 'new')).toBeNull();
            expect(await rooms.resumeUserid('alice', 'guess', 'new')).toBeNull();
            expect(await store.claimHolder('alice')).toBe('token-alice');

            const resumed = await rooms.resumeUserid('alice', 'token-alice', 'token-alice-2');
            expect(resumed.rooms.sort()).toEqual(['r1', 'r2']);
            // Her member extra in each room, for telling the room she is back.
            const r1 = await rooms.getRoom('r1');
            expect(resumed.extras.get('r1')).toEqual(r1.members.find((m) => m.userid === 'alice').extra);
            expect([...resumed.extras.keys()].sort()).toEqual(['r1', 'r2']);
            // The room as it is, for her new connection only.
            const user = { userid: 'alice', token: 'token-alice-2' };
            expect((await rooms.viewFor(user, 'r1')).room).toEqual(r1);
            expect((await rooms.viewFor({ userid: 'alice', token: 'token-alice' }, 'r1')).error.code).toBe('NOT_IN_ROOM');
            expect((await rooms.viewFor(user, 'nowhere')).error.code).toBe('ROOM_NOT_FOUND');
            expect(await store.claimHolder('alice')).toBe('token-alice-2');
            // The old token is stale now, and holds nothing: its disconnect leaves nothing.
            expect(await rooms.resumeUserid('alice', 'token-alice', 'again')).toBeNull();
            expect(await rooms.leaveAll('alice', 'disconnected', 'token-alice')).toEqual([]);
            await rooms.releaseUserid('alice', 'token-alice');
            expect(await rooms.claimUserid('alice', 'intruder')).toBe(false);
            expect((await rooms.getRoom('r1')).owner).toBe('alice');
            expect((await rooms.getRoom('r2')).members.map((m) => m.userid)).toEqual(['bob', 'alice']);
            // Nor is a resumed member stale; the new token's disconnect leaves for real.
            expect(await rooms.removeStaleMembers()).toEqual([]);
            const left = await rooms.leaveAll('alice', 'disconnected', 'token-alice-2');
            expect(left.map((r) => [r.roomid, r.outcome]).sort()).toEqual([
                ['r1', 'handover'],
                ['r2', 'left'],
            ]);
        });

        test('resume after the release is refused: the claim is free for a fresh connect', async () => {
            await rooms.claimUserid('alice', 'token-alice');
            await rooms.releaseUserid('alice', 'token-alice');
            expect(await rooms.resumeUserid('alice', 'token-alice', 'new')).toBeNull();
            expect(await rooms.claimUserid('alice', 'new')).toBe(true);
        });
    });

    describe('stale members', () => {
        test('members whose claim is gone are removed, with handover', async () => {
            await rooms.claimUserid('alice', 'token-alice');
            await rooms.claimUserid('bob', 'token-bob');
            await roomWith('r', ['alice', 'bob', 'carol']); // carol holds no claim: stale
            await rooms.releaseUserid('alice', 'token-alice'); // alice's node "died"
            const results = await rooms.removeStaleMembers();
            expect(results.map((r) => [r.member.userid, r.outcome]).sort()).toEqual([
                ['alice', 'handover'],
                ['carol', 'left'],
            ]);
            const room = await rooms.getRoom('r');
            expect(room.members.map((m) => m.userid)).toEqual(['bob']);
            expect(room.owner).toBe('bob');
        });
    });
}
