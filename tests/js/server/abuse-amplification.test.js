// Issue 14, item 8: a small request must not buy a huge answer, and a client that stops
// reading must not make the server hold its unsent data without bound.
//   - list-rooms answers one page (at most ROOM_LIST_PAGE_SIZE rooms, at most
//     MAX_ANSWER_BYTES), with a cursor for the next one;
//   - a room's view (join-room, open-room answers) stays under MAX_ANSWER_BYTES: a join
//     whose extra would push it over is refused;
//   - a connection whose unsent data passes MAX_UNSENT_BYTES is closed.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { closeAllSockets, connect, connectUser, once, request, startServer } from './support/helpers.js';

const PAGE_SIZE = 40;
const MAX_ANSWER_BYTES = 32 * 1024;
const MAX_UNSENT_BYTES = 256 * 1024;

let server;
let url;

beforeAll(async () => {
    ({ server, url } = await startServer({
        roomListPageSize: PAGE_SIZE,
        maxAnswerBytes: MAX_ANSWER_BYTES,
        maxUnsentBytes: MAX_UNSENT_BYTES,
        maxRoomsPerSocket: 1000,
        rateLimit: 1e6,
        rateLimitBurst: 1e6,
    }));
});
afterEach(() => closeAllSockets());
afterAll(() => server.close());

const answerBytes = (answer) => Buffer.byteLength(JSON.stringify(answer));

// Follows `next` cursors from the first page; returns every page's answer.
async function allPages(socket, event = 'list-rooms') {
    const pages = [await request(socket, event, {})];
    while (pages[pages.length - 1].next !== undefined) {
        expect(pages.length).toBeLessThan(100); // a cursor that loops would never end
        pages.push(await request(socket, 'list-rooms', { cursor: pages[pages.length - 1].next }));
    }
    return pages;
}

describe('room lists come in pages', () => {
    test('list-rooms: pages of at most ROOM_LIST_PAGE_SIZE rooms, oldest first, each room once', async () => {
        const { socket: owner } = await connectUser(url, { userid: 'lister-owner' });
        const opened = [];
        for (let i = 0; i < 130; i++) {
            const roomid = `page-${String(i).padStart(3, '0')}`;
            expect((await request(owner, 'open-room', { roomid, extra: { title: `room ${i}` } })).ok).toBe(true);
            opened.push(roomid);
        }
        await request(owner, 'open-room', { roomid: 'page-hidden', listed: false });
        const { socket: reader } = await connectUser(url);
        const pages = await allPages(reader);
        expect(pages.length).toBe(Math.ceil(130 / PAGE_SIZE));
        for (const page of pages) {
            expect(page.ok).toBe(true);
            expect(page.rooms.length).toBeLessThanOrEqual(PAGE_SIZE);
            expect(answerBytes(page)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
        }
        expect(pages.flatMap((page) => page.rooms.map((room) => room.roomid))).toEqual(opened);
        // subscribe-rooms answers the first page too, with the same cursor.
        const subscribed = await request(reader, 'subscribe-rooms', {});
        expect(subscribed.rooms).toEqual(pages[0].rooms);
        expect(subscribed.next).toBe(pages[0].next);
        for (const roomid of [...opened, 'page-hidden']) await request(owner, 'leave-room', { roomid });
    });

    test('a page holds fewer rooms when their extras are large: the answer stays under MAX_ANSWER_BYTES', async () => {
        const { socket: owner } = await connectUser(url, { userid: 'big-extras' });
        const note = 'n'.repeat(10 * 1024);
        // Zero-padded: rooms opened in the same millisecond are listed by id (room-list-key.js).
        const heavy = Array.from({ length: 12 }, (_, i) => `heavy-${String(i).padStart(2, '0')}`);
        for (const roomid of heavy) {
            expect((await request(owner, 'open-room', { roomid, extra: { note } })).ok).toBe(true);
        }
        const { socket: reader } = await connectUser(url);
        const pages = await allPages(reader);
        expect(pages.length).toBeGreaterThan(1);
        for (const page of pages) expect(answerBytes(page)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
        expect(pages.flatMap((page) => page.rooms.map((room) => room.roomid))).toEqual(heavy);
        for (const roomid of heavy) await request(owner, 'leave-room', { roomid });
    });

    test('a malformed cursor is refused with INVALID_PAYLOAD; a page size can be asked, up to the cap', async () => {
        const { socket } = await connectUser(url);
        const bad = await request(socket, 'list-rooms', { cursor: 42 });
        expect(bad.error.code).toBe('INVALID_PAYLOAD');
        expect(bad.error.message).toContain('cursor');
        expect((await request(socket, 'list-rooms', { cursor: 'not a cursor' })).error.code).toBe('INVALID_PAYLOAD');
        expect((await request(socket, 'list-rooms', { limit: PAGE_SIZE + 1 })).error.code).toBe('INVALID_PAYLOAD');
        expect((await request(socket, 'list-rooms', { limit: 5 })).ok).toBe(true);
    });
});

describe('room views stay bounded', () => {
    test('a join whose extra would push the room view over MAX_ANSWER_BYTES is refused with ROOM_FULL', async () => {
        const { socket: owner } = await connectUser(url, { userid: 'view-owner' });
        await request(owner, 'open-room', { roomid: 'crowded-extras' });
        const extra = { bio: 'b'.repeat(6 * 1024) };
        const answers = [];
        for (let i = 0; i < 8; i++) {
            const { socket } = await connectUser(url, { userid: `view-guest-${i}` });
            answers.push(await request(socket, 'join-room', { roomid: 'crowded-extras', extra }));
        }
        const accepted = answers.filter((answer) => answer.ok);
        const refused = answers.filter((answer) => !answer.ok);
        expect(accepted.length).toBeGreaterThan(1);
        expect(refused.length).toBeGreaterThan(0);
        for (const answer of accepted) expect(answerBytes(answer)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
        expect(refused[0].error.code).toBe('ROOM_FULL');
        expect(refused[0].error.message).toContain('extra');
        // A guest with a small extra still gets in: the room is full of data, not of people.
        const { socket: light } = await connectUser(url, { userid: 'view-light' });
        expect((await request(light, 'join-room', { roomid: 'crowded-extras', extra: { n: 1 } })).ok).toBe(true);
        // Nor can it grow its extra past the budget afterwards: refused, nothing changed.
        const before = await request(light, 'check-presence', { roomid: 'crowded-extras' });
        const grown = await request(light, 'update-extra', { extra: { bio: 'b'.repeat(12 * 1024) } });
        expect(grown.error.code).toBe('ROOM_FULL');
        expect(await request(light, 'check-presence', { roomid: 'crowded-extras' })).toEqual(before);
        const joinedView = await server.rooms.getRoom('crowded-extras');
        expect(joinedView.members.find((m) => m.userid === 'view-light').extra).toEqual({ n: 1 });
    });
});

describe('clients that do not read', () => {
    test('a connection whose unsent data passes MAX_UNSENT_BYTES is closed; the others go on', async () => {
        const { socket: talker } = await connectUser(url, { userid: 'talker' });
        const sink = connect(url, { userid: 'sink' });
        await once(sink, 'welcome');
        await request(talker, 'open-room', { roomid: 'firehose' });
        await request(sink, 'join-room', { roomid: 'firehose' });
        const { socket: witness } = await connectUser(url, { userid: 'witness' });
        await request(witness, 'join-room', { roomid: 'firehose' });
        // The sink stops reading: its TCP receive window fills and the server's buffers grow.
        sink.io.engine.transport.ws._socket.pause();
        const sinkLeft = once(witness, 'member-left', 20000);
        const chunk = 'x'.repeat(60 * 1024);
        let sent = 0;
        // About 30 MB/s: the loopback socket buffers (some MB) fill within a second or so.
        const pump = setInterval(() => {
            for (let i = 0; i < 5 && sent < 1000; i++, sent++) talker.emit('relay', { roomid: 'firehose', to: 'sink', data: chunk });
        }, 10);
        try {
            expect(await sinkLeft).toMatchObject({ userid: 'sink', reason: 'disconnected' });
        } finally {
            clearInterval(pump);
        }
        // The server stays responsive and keeps serving the others.
        const health = await (await fetch(url + 'healthz')).json();
        expect(health.status).toBe('ok');
        const got = once(witness, 'relay');
        await request(talker, 'relay', { roomid: 'firehose', to: 'witness', data: 'still here' });
        expect((await got).data).toBe('still here');
    });
});
