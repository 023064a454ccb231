// Issue 4, browser test 6: the initiator leaves (seed: "Auto Close Entire Session").
// With autoCloseEntireSession false (the default) the session stays active: the others
// keep their call and a newcomer can still join. With it true, everyone is told the
// session closed.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { openRoom, remoteStreams, useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

test('autoCloseEntireSession false: the others stay connected and a fourth user joins', async () => {
    const room = e2e.uniqueId('keep-alive');
    const users = await openRoom(e2e, 'conference', room, ['owner', 'bob', 'carol']);
    const [owner, bob, carol] = users;
    const [ownerId, bobId, carolId] = [await useridOf(e2e, owner), await useridOf(e2e, bob), await useridOf(e2e, carol)];
    for (const user of users) await waitForPlayingRemotes(e2e, user, 2);

    expect(await owner.page.evaluate(() => window.connection.autoCloseEntireSession)).toBe(false);
    await owner.page.evaluate(() => window.connection.leave());

    for (const [user, otherId] of [
        [bob, carolId],
        [carol, bobId],
    ]) {
        await e2e.waitFor(
            user,
            (ownerId) => window.events('onleave').some((event) => event.userid === ownerId),
            15000,
            'onleave for the initiator',
            ownerId,
        );
        expect(await user.page.evaluate(() => window.events('onEntireSessionClosed'))).toEqual([]);
        expect(await user.page.evaluate(() => window.events('onleave').filter((e) => e.entireSessionClosed))).toEqual([]);
        // Still seeing each other: new frames arrive after the initiator left.
        await waitForFreshFrames(e2e, user, otherId);
    }
    await e2e.waitFor(owner, () => window.openPeerConnections().length === 0, 15000, 'the leaving initiator to close its links');

    // The room goes on without its initiator: Dave connects and meets Bob and Carol.
    const dave = await e2e.openUser('dave', 'conference', { room });
    const daveId = await useridOf(e2e, dave);
    await waitForPlayingRemotes(e2e, dave, 2);
    expect((await remoteStreams(dave)).map((stream) => stream.userid).sort()).toEqual([bobId, carolId].sort());
    for (const user of [bob, carol]) {
        await e2e.waitFor(
            user,
            (daveId) => window.events('onstream').some((event) => event.type === 'remote' && event.userid === daveId),
            30000,
            "Dave's stream",
            daveId,
        );
        await waitForFreshFrames(e2e, user, daveId);
    }
});

test('autoCloseEntireSession true: everyone is told the session closed', async () => {
    const room = e2e.uniqueId('close-all');
    const users = await openRoom(e2e, 'conference', room, ['owner', 'bob', 'carol']);
    const [owner, bob, carol] = users;
    const ownerId = await useridOf(e2e, owner);
    for (const user of users) await waitForPlayingRemotes(e2e, user, 2);

    // As the seed shows: set it before calling leave.
    await owner.page.evaluate(() => {
        window.connection.autoCloseEntireSession = true;
        window.connection.leave();
    });

    for (const user of [bob, carol]) {
        const closed = await e2e.waitFor(
            user,
            () =>
                window.events('onEntireSessionClosed')[0] ||
                window.events('onleave').find((event) => event.entireSessionClosed === true),
            15000,
            'being told the entire session closed (onEntireSessionClosed or onleave with entireSessionClosed)',
        );
        // Told who closed it.
        expect(closed.userid).toBe(ownerId);
    }
    // The room is gone from the server.
    expect(await e2e.server.rooms.getRoom(room)).toBeNull();
});
