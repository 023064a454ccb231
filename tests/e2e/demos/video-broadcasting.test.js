// demos/video-broadcasting.html: one broadcaster, two viewers. Each viewer sees the broadcast
// play without capturing anything; the broadcaster's page lists the viewers by name.

import { expect, test } from '@jest/globals';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

const demos = setupDemos();

test('two viewers watch the broadcast play; the broadcaster lists them', async () => {
    const room = uniqueRoom('broadcast');
    const broadcaster = await demos.open('broadcaster', 'video-broadcasting.html');
    await demos.enterRoom(broadcaster, { room, name: 'Studio', button: 'Start broadcasting' });
    await demos.waitForPlayingVideos(broadcaster, '#stage .tile.local video', 1, 'the live preview');

    const viewers = [];
    for (const name of ['Vic', 'Val']) {
        const viewer = await demos.open(name, 'video-broadcasting.html');
        await demos.enterRoom(viewer, { room, name, button: 'Watch' });
        viewers.push(viewer);
    }
    for (const viewer of viewers) {
        await demos.waitForPlayingVideos(viewer, '#stage .tile.remote video', 1, 'the broadcast');
        expect(await viewer.page.locator('#stage figcaption').textContent()).toBe('Studio');
        expect(await demos.captures(viewer)).toEqual({ getUserMedia: 0, getDisplayMedia: 0 });
        expect(await viewer.page.locator('#audience').isVisible()).toBe(false);
        expect(await demos.errorsShown(viewer)).toBe('');
    }
    await demos.waitFor(broadcaster, () => document.querySelectorAll('#viewers li').length === 2, 'two viewers listed');
    expect((await broadcaster.page.locator('#viewers li').allTextContents()).sort()).toEqual(['Val', 'Vic']);
    await expect(broadcaster.page.locator('#status').textContent()).resolves.toContain('to 2 viewers');
    expect(await broadcaster.page.locator('#stage .tile.remote').count()).toBe(0);
    expect(await demos.captures(broadcaster)).toEqual({ getUserMedia: 1, getDisplayMedia: 0 });
    await demos.screenshot(broadcaster, 'video-broadcasting', 'broadcaster-with-two-viewers');
    await demos.screenshot(viewers[0], 'video-broadcasting', 'viewer');

    // A viewer stops watching: the broadcaster's list follows.
    await viewers[1].page.getByRole('button', { name: 'Stop' }).click();
    await demos.waitFor(broadcaster, () => document.querySelectorAll('#viewers li').length === 1, 'one viewer left in the list');
    expect(await broadcaster.page.locator('#viewers li').allTextContents()).toEqual(['Vic']);
});
