// demos/screen-sharing.html: a presenter shares the (fake, 1280x720) screen; two viewers watch
// it play without capturing anything, and the presenter's page lists them.

import { expect, test } from '@jest/globals';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

const demos = setupDemos();

test('two viewers watch the presenter screen play, 16:9, and send nothing', async () => {
    const room = uniqueRoom('screen');
    const presenter = await demos.open('presenter', 'screen-sharing.html');
    await demos.enterRoom(presenter, { room, name: 'Presenter', button: 'Share my screen' });
    await demos.waitForPlayingVideos(presenter, '#screen .tile.local video', 1, 'the preview of the shared screen');
    expect(await demos.captures(presenter)).toEqual({ getUserMedia: 0, getDisplayMedia: 1 });

    const viewers = [];
    for (const name of ['Viewer one', 'Viewer two']) {
        const viewer = await demos.open(name.replace(' ', '-'), 'screen-sharing.html');
        await demos.enterRoom(viewer, { room, name, button: 'Watch' });
        viewers.push(viewer);
    }
    for (const viewer of viewers) {
        await demos.waitForPlayingVideos(viewer, '#screen .tile.remote video', 1, "the presenter's screen");
        const size = await viewer.page.locator('#screen video').evaluate((video) => ({ width: video.videoWidth, height: video.videoHeight }));
        // 1280x720, or a scaled copy while the bandwidth estimate ramps up.
        expect(size.width / size.height).toBeCloseTo(16 / 9, 1);
        expect(await viewer.page.locator('#screen figcaption').textContent()).toBe("Presenter's screen");
        expect(await viewer.page.locator('#screen .tile.local').count()).toBe(0);
        // Watching asks for no camera, microphone or screen.
        expect(await demos.captures(viewer)).toEqual({ getUserMedia: 0, getDisplayMedia: 0 });
        expect(await demos.errorsShown(viewer)).toBe('');
    }
    await demos.waitFor(presenter, () => /2 viewers/.test(document.getElementById('status').textContent), 'the presenter to count two viewers');
    expect(await presenter.page.locator('#status').textContent()).toMatch(/Viewer one/);
    await demos.screenshot(viewers[0], 'screen-sharing', 'viewer-watches');
    await demos.screenshot(presenter, 'screen-sharing', 'presenter');

    // The presenter stops: the viewers are told.
    await presenter.page.getByRole('button', { name: 'Stop' }).click();
    for (const viewer of viewers) {
        await demos.waitFor(viewer, () => document.querySelectorAll('#screen .tile').length === 0, 'the shared screen to go away');
    }
});
