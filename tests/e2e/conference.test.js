// Issue 4, browser test 1: a three-party many-to-many video conference, written as the
// seed's "Write video-conferencing application" (pages/conference.html).

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { localStreams, openPeerCount, openRoom, remoteStreams, useridOf, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

test('three users each see and hear the two others, and the videos play', async () => {
    const room = e2e.uniqueId('conference');
    const users = await openRoom(e2e, 'conference', room, ['alice', 'bob', 'carol']);
    const ids = new Map();
    for (const user of users) ids.set(user, await useridOf(e2e, user));
    expect(new Set(ids.values()).size).toBe(3);

    for (const user of users) await waitForPlayingRemotes(e2e, user, 2);

    for (const user of users) {
        const others = users.filter((other) => other !== user).map((other) => ids.get(other));
        const remotes = await remoteStreams(user);
        // One remote stream from each of the two others, with audio and video.
        expect(remotes.map((stream) => stream.userid).sort()).toEqual([...others].sort());
        for (const stream of remotes) expect([...stream.tracks].sort()).toEqual(['audio', 'video']);
        // The remote videos on screen are those of the two others.
        const videos = await user.page.evaluate(() => window.videosIn('#remote'));
        expect(videos.map((video) => video.userid).sort()).toEqual([...others].sort());
        // Its own camera once, and one peer connection to each other user.
        expect(await localStreams(user)).toHaveLength(1);
        expect(await user.page.evaluate(() => window.captures.getUserMedia)).toBe(1);
        expect(await openPeerCount(user)).toBe(2);
    }
});
