// Issue 4, browser test 5: ejection (seed: "Eject any user or close your own session").
// The owner throws a user out: that user is told and leaves, everyone else gets onleave
// for them. A non-owner's eject is refused and changes nothing.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { openPeerCount, openRoom, remoteStreams, useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

// Calls connection.eject(userid) in the page; a synchronous throw is recorded, not lost.
async function eject(user, userid) {
    await user.page.evaluate((userid) => {
        try {
            window.connection.eject(userid);
        } catch (error) {
            window.record('eject-threw', { error });
        }
    }, userid);
}

test("a participant's eject is refused; the owner's ejects the user, who leaves", async () => {
    const room = e2e.uniqueId('ejection');
    const users = await openRoom(e2e, 'conference', room, ['owner', 'bob', 'carol']);
    const [owner, bob, carol] = users;
    const [ownerId, bobId, carolId] = [await useridOf(e2e, owner), await useridOf(e2e, bob), await useridOf(e2e, carol)];
    for (const user of users) await waitForPlayingRemotes(e2e, user, 2);

    // 1. Carol is not the owner: her eject of Bob is refused with NOT_OWNER.
    await eject(carol, bobId);
    await e2e.waitFor(
        carol,
        () =>
            window.events('onerror').find((event) => event.code === 'NOT_OWNER') ||
            window.events('eject-threw').find((event) => event.error && event.error.code === 'NOT_OWNER'),
        15000,
        'the refusal of her eject (NOT_OWNER)',
    );
    // Nothing changed: Bob is still a member with both links carrying video, nobody left.
    expect((await e2e.server.rooms.getRoom(room)).members.map((member) => member.userid)).toContain(bobId);
    await waitForFreshFrames(e2e, bob, ownerId);
    await waitForFreshFrames(e2e, bob, carolId);
    expect(await openPeerCount(bob)).toBe(2);
    for (const user of users) {
        expect(await user.page.evaluate(() => window.events('onleave'))).toEqual([]);
        expect(await user.page.evaluate(() => window.events('onstatechange').filter((e) => e.state === 'ejected'))).toEqual([]);
    }

    // 2. The owner ejects Bob.
    await eject(owner, bobId);
    const told = await e2e.waitFor(
        bob,
        () =>
            window.events('onstatechange').find((event) => event.state === 'ejected') ||
            window.events('onleave').find((event) => event.ejected === true),
        15000,
        'being told of the ejection (onstatechange ejected or onleave with ejected: true)',
    );
    expect(told).toBeTruthy();
    // Bob leaves: every peer connection closed, no remote video left playing.
    await e2e.waitFor(bob, () => window.openPeerConnections().length === 0, 15000, 'every peer connection to close');
    await e2e.waitFor(
        bob,
        () => window.videosIn('#remote').every((video) => video.liveTracks === 0),
        15000,
        'every remote video to be gone or ended',
    );

    // Everyone else gets onleave for Bob, and the two keep their call.
    for (const user of [owner, carol]) {
        await e2e.waitFor(
            user,
            (bobId) => window.events('onleave').some((event) => event.userid === bobId),
            15000,
            "onleave for the ejected user",
            bobId,
        );
        await e2e.waitFor(user, () => window.openPeerConnections().length === 1, 15000, 'its link to the ejected user to close');
    }
    const members = (await e2e.server.rooms.getRoom(room)).members.map((member) => member.userid);
    expect(members.sort()).toEqual([ownerId, carolId].sort());
    await waitForFreshFrames(e2e, owner, carolId);
    await waitForFreshFrames(e2e, carol, ownerId);
    expect((await remoteStreams(carol)).filter((stream) => stream.userid === ownerId)).toHaveLength(1);
});
