// The signaling connection drops and comes back (docs/api.md, "Reconnection").
// 1. The network drops without the server noticing (a TCP proxy stops carrying bytes): the
//    library reconnects by itself with its resume token, keeps its userid, its room and its
//    ownership; nobody sees it leave, and a newcomer still reaches it through the server.
// 2. The server has already processed the departure: the library reports SESSION_LOST
//    through onerror and ends that session, and the page can join again.

import { expect, test } from '@jest/globals';
import { startProxy } from '../js/server/support/tcp-proxy.js';
import { setupE2E } from './support/e2e.js';
import { openRoom, useridOf, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

function serverSockets(userid) {
    return [...e2e.server.io.of('/').sockets.values()].filter((socket) => socket.data.userid === userid);
}

test('a dropped signaling connection resumes: same userid, room and ownership, nobody told', async () => {
    const proxy = await startProxy(Number(new URL(e2e.origin).port));
    try {
        const room = e2e.uniqueId('resume');
        // The owner talks to the server through the proxy (another port of the same machine).
        const owner = await e2e.openUser('owner', 'conference', { room, role: 'owner', socketURL: proxy.url });
        await e2e.waitForRoom(room, { members: 1 });
        const bob = await e2e.openUser('bob', 'conference', { room });
        await e2e.waitForRoom(room, { members: 2 });
        const [ownerId, bobId] = [await useridOf(e2e, owner), await useridOf(e2e, bob)];
        for (const user of [owner, bob]) await waitForPlayingRemotes(e2e, user, 1);
        const [before] = serverSockets(ownerId);

        // The owner's network drops: its end of the connection closes, the server's goes quiet.
        const links = proxy.freeze();
        expect(links.length).toBe(1);
        proxy.cutClient(links[0]);
        // Back within the library's reconnection delay, long before the server's ping timeout.
        await e2e.waitForServer(() => {
            const sockets = serverSockets(ownerId);
            return sockets.length === 1 && sockets[0].id !== before.id;
        }, "the owner's resumed connection to replace the old one");
        expect(before.connected).toBe(false);
        const kept = await e2e.server.rooms.getRoom(room);
        expect(kept.owner).toBe(ownerId);
        expect(kept.members.map((member) => member.userid)).toEqual([ownerId, bobId]);

        // A newcomer meets both: its offers and answers to the owner go through the resumed socket.
        const carol = await e2e.openUser('carol', 'conference', { room });
        await e2e.waitForRoom(room, { members: 3 });
        for (const user of [owner, bob, carol]) await waitForPlayingRemotes(e2e, user, 2);
        for (const user of [owner, bob, carol]) {
            expect(await user.page.evaluate(() => window.events('onleave'))).toEqual([]);
            expect(await user.page.evaluate(() => window.events('onerror'))).toEqual([]);
        }
        expect(await owner.page.evaluate(() => window.connection.userid)).toBe(ownerId);
        expect(await owner.page.evaluate(() => window.connection.isInitiator)).toBe(true);
    } finally {
        await proxy.close();
    }
});

test('when the server already let the user go, the page hears SESSION_LOST and can join again', async () => {
    const room = e2e.uniqueId('lost');
    const [owner, bob] = await openRoom(e2e, 'conference', room, ['owner', 'bob']);
    const [ownerId, bobId] = [await useridOf(e2e, owner), await useridOf(e2e, bob)];
    for (const user of [owner, bob]) await waitForPlayingRemotes(e2e, user, 1);

    // The server drops the owner's transport and processes the departure at once.
    serverSockets(ownerId)[0].conn.close();
    await e2e.waitFor(
        bob,
        (ownerId) => window.events('onleave').some((event) => event.userid === ownerId),
        15000,
        'onleave for the dropped owner',
        ownerId,
    );
    // The library reconnects (same userid); the server no longer counts it in the room.
    const lost = await e2e.waitFor(
        owner,
        () => window.events('onerror').find((event) => event.code === 'SESSION_LOST'),
        15000,
        'onerror SESSION_LOST',
    );
    expect(lost).toMatchObject({ code: 'SESSION_LOST', sessionid: room, userid: ownerId });
    await e2e.waitFor(owner, () => window.openPeerConnections().length === 0, 15000, 'the lost session to close its links');
    expect(serverSockets(ownerId).length).toBe(1);
    expect((await e2e.server.rooms.getRoom(room)).owner).toBe(bobId);

    // The page may join again (clearing the old call's videos first), and the call comes back.
    await owner.page.evaluate((room) => {
        document.getElementById('remote').textContent = '';
        window.connection.join(room);
    }, room);
    await e2e.waitForRoom(room, { members: 2 });
    for (const user of [owner, bob]) await waitForPlayingRemotes(e2e, user, 1);
    expect((await e2e.events(owner, 'onerror')).length).toBe(1);
});
