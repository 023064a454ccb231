// Issue 4, browser test 3: the star directions. One-to-many: participants talk with the
// initiator only. One-to-one: a third user is refused with a clear event.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { openPeerCount, openRoom, remoteStreams, useridOf, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

test('one-to-many: each participant is linked to the initiator only', async () => {
    const room = e2e.uniqueId('one-to-many');
    const [owner, ...participants] = await openRoom(e2e, 'conference', room, ['owner', 'participant1', 'participant2'], {
        direction: 'one-to-many',
    });
    const ownerId = await useridOf(e2e, owner);
    const participantIds = [];
    for (const participant of participants) participantIds.push(await useridOf(e2e, participant));

    await waitForPlayingRemotes(e2e, owner, 2);
    for (const participant of participants) await waitForPlayingRemotes(e2e, participant, 1);

    // The initiator sees both participants; each participant sees the initiator only.
    expect((await remoteStreams(owner)).map((stream) => stream.userid).sort()).toEqual([...participantIds].sort());
    expect(await openPeerCount(owner)).toBe(2);
    for (const participant of participants) {
        expect((await remoteStreams(participant)).map((stream) => stream.userid)).toEqual([ownerId]);
        // One peer connection ever: none was opened to the other participant.
        expect(await participant.page.evaluate(() => window.peerConnections.length)).toBe(1);
        expect(await openPeerCount(participant)).toBe(1);
    }
});

test('one-to-one: a third user is refused, and the two others stay in their call', async () => {
    const room = e2e.uniqueId('one-to-one');
    const [owner, guest] = await openRoom(e2e, 'conference', room, ['owner', 'guest'], { direction: 'one-to-one' });
    const guestId = await useridOf(e2e, guest);
    await waitForPlayingRemotes(e2e, owner, 1);
    await waitForPlayingRemotes(e2e, guest, 1);

    const intruder = await e2e.openUser('intruder', 'conference', { room, direction: 'one-to-one' });
    const refusal = await e2e.waitFor(
        intruder,
        () =>
            window.events('onerror').find((event) => event.code === 'ROOM_FULL') ||
            window.events('onstatechange').find((event) => event.state === 'request-rejected'),
        30000,
        'a refusal (onerror ROOM_FULL or onstatechange request-rejected)',
    );
    expect(refusal).toBeTruthy();

    // The intruder got no stream and holds no link; whatever it captured for the attempt
    // is released (the camera light goes off).
    expect(await remoteStreams(intruder)).toHaveLength(0);
    expect(await openPeerCount(intruder)).toBe(0);
    await e2e.waitFor(
        intruder,
        () => window.captures.streams.every((stream) => stream.getTracks().every((track) => track.readyState === 'ended')),
        10000,
        'the media captured for the refused attempt to be released',
    );
    // The server never counted it as a member, and the call goes on for the two others.
    const record = await e2e.server.rooms.getRoom(room);
    expect(record.members).toHaveLength(2);
    expect((await remoteStreams(owner)).map((stream) => stream.userid)).toEqual([guestId]);
    expect(await openPeerCount(owner)).toBe(1);
    await waitForPlayingRemotes(e2e, guest, 1);
});
