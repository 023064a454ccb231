// Issue 4, browser test 4: screen sharing as the seed writes it
// (`connection.session = 'only screen'`, `direction = 'one-way'`; pages/screen.html). The
// fake screen of getDisplayMedia here is the 1280x720 page, so a viewer can tell it from the
// 4:3 fake camera by its shape.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { localStreams, openRoom, remoteStreams, useridOf, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

test('viewers receive the shared screen as a 16:9 video track, and capture nothing', async () => {
    const room = e2e.uniqueId('screen');
    const [presenter, ...viewers] = await openRoom(e2e, 'screen', room, ['presenter', 'viewer1', 'viewer2']);
    const presenterId = await useridOf(e2e, presenter);

    // The presenter shared its screen (getDisplayMedia), not its camera.
    expect(await presenter.page.evaluate(() => window.captures)).toMatchObject({ getDisplayMedia: 1, getUserMedia: 0 });
    const [local] = await localStreams(presenter);
    expect(local.tracks).toContain('video');

    for (const viewer of viewers) {
        await waitForPlayingRemotes(e2e, viewer, 1);
        const remotes = await remoteStreams(viewer);
        expect(remotes.map((stream) => stream.userid)).toEqual([presenterId]);
        expect(remotes[0].tracks).toContain('video');
        const [video] = await viewer.page.evaluate(() => window.videosIn('#remote'));
        // 1280x720, or a scaled-down copy of it while the bandwidth estimate ramps up.
        expect(video.width / video.height).toBeCloseTo(16 / 9, 1);
        expect(await viewer.page.evaluate(() => window.captures)).toMatchObject({ getDisplayMedia: 0, getUserMedia: 0 });
        const peers = await viewer.page.evaluate(() => window.peerSummary());
        expect(peers).toHaveLength(1);
        expect(peers[0].sendingTracks).toEqual([]);
    }
});
