// demos/index.html: every demo is linked with its one-line description, and every linked page
// loads from the server with the library and shows no error.

import { expect, test } from '@jest/globals';
import { setupDemos } from './demo-fixture.js';

const demos = setupDemos();

const PAGES = [
    'video-conferencing.html',
    'audio-conferencing.html',
    'screen-sharing.html',
    'video-broadcasting.html',
    'file-sharing.html',
    'users-ejection.html',
    'manual-sessions.html',
    'password-rooms.html',
    'multi-session.html',
];

test('the index links every demo, and each one loads ready to use', async () => {
    const visitor = await demos.open('visitor', '');
    expect(await visitor.page.title()).toBe('RTCMultiConnection demos');
    const links = await visitor.page.locator('#demos a').evaluateAll((anchors) => anchors.map((a) => ({ pathname: new URL(a.href).pathname, search: new URL(a.href).search })));
    expect(links.map((url) => url.pathname.slice(1))).toEqual(PAGES);
    // The page's own options (?ice=none) carry over to every demo.
    expect(links.every((url) => url.search === '?ice=none')).toBe(true);
    for (const item of await visitor.page.locator('#demos li p').allTextContents()) expect(item.length).toBeGreaterThan(20);
    await demos.screenshot(visitor, 'index', 'index');

    for (const [index, href] of PAGES.entries()) {
        await visitor.page.locator('#demos a').nth(index).click();
        await visitor.page.waitForURL((url) => url.pathname === `/${href}`);
        // The library loaded, the page set itself up, a room is proposed, and nothing failed.
        await demos.waitFor(visitor, () => typeof window.RTCMultiConnection === 'function' && typeof window.Demo === 'object' && document.getElementById('room').value !== '', `${href} ready`);
        expect(await demos.errorsShown(visitor)).toBe('');
        expect(await visitor.page.locator('header a', { hasText: 'All demos' }).count()).toBe(1);
        await visitor.page.goBack();
    }
});
