// Every demo page, opened as a first-time visitor would: no console error, no uncaught page
// error, no failed request and no HTTP error (a missing favicon counts) while it loads and
// sets itself up. The pages are the index and everything it links, so a new demo is covered
// as soon as the index lists it.
import { expect, test } from '@jest/globals';
import { setupDemos } from './demo-fixture.js';

const demos = setupDemos();

// Opens `file` in a fresh context and returns what went wrong while it got ready.
async function problemsLoading(file, query, ready) {
    const person = await demos.open(`visitor of ${file || 'index'}`, file, { query });
    await demos.waitFor(person, ready, `${file || 'index'} ready`);
    // One more round trip to the server after "ready": late requests (icons, the socket.io
    // handshake) have been made and answered by then.
    await person.page.evaluate(() => fetch('/healthz').then((response) => response.status));
    return person.problems;
}

const demoReady = () => typeof window.RTCMultiConnection === 'function' && typeof window.Demo === 'object' && document.getElementById('room').value !== '';

test('the index loads clean, with or without ?ice=none', async () => {
    for (const query of [{ ice: null }, { ice: 'none' }]) {
        expect(await problemsLoading('', query, () => document.querySelectorAll('#demos a').length > 0)).toEqual([]);
    }
});

test('every demo linked from the index loads clean', async () => {
    const index = await demos.open('index reader', '');
    const pages = await index.page.locator('#demos a').evaluateAll((anchors) => anchors.map((a) => new URL(a.href).pathname.slice(1)));
    expect(pages.length).toBeGreaterThanOrEqual(9);
    for (const file of pages) {
        expect({ file, problems: await problemsLoading(file, { ice: 'none' }, demoReady) }).toEqual({ file, problems: [] });
    }
});
