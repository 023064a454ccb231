// Issue 13, defect 1, with real pages and real data channels: a connection.send() made right
// after join(), before any channel is open, reaches every member of the room once (it went to
// the first channel that opened, and nobody else). tests/core/dataplane_broadcast_test.cpp and
// tests/js/web/data-plane-driver.test.js cover the orderings a browser cannot force.
import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';

const e2e = setupE2E({ needsBundle: true });

test('a message sent before any channel opened reaches both members once', async () => {
    const room = `early-${Math.random().toString(36).slice(2)}`;
    const pages = {};
    for (const name of ['owner', 'first', 'late']) pages[name] = await e2e.openUser(name, 'seed/surface');
    const listen = (page) =>
        page.evaluate(() => {
            window.heard = [];
            window.connection.onmessage = (event) => window.heard.push(`${event.data} from ${event.userid}`);
        });
    const make = (page, userid) =>
        page.evaluate((userid) => {
            window.connection = new RTCMultiConnection();
            window.connection.userid = userid;
            window.connection.iceServers = [];
            window.connection.session = 'only data';
        }, userid);
    await make(pages.owner.page, 'owner');
    await listen(pages.owner.page);
    await pages.owner.page.evaluate((room) => window.connection.open(room), room);
    await make(pages.first.page, 'first');
    await listen(pages.first.page);
    await pages.first.page.evaluate(
        (room) =>
            new Promise((resolve) => {
                window.connection.onopen = resolve;
                setTimeout(() => window.connection.join(room), 300);
            }),
        room,
    );
    // The late member joins and sends at once: no channel of its own is open yet.
    await make(pages.late.page, 'late');
    await pages.late.page.evaluate((room) => {
        window.opened = 0;
        window.connection.onopen = () => window.opened++;
        window.connection.join(room);
        window.connection.send('sent right after join()');
    }, room);
    await pages.late.page.waitForFunction(() => window.opened === 2);
    for (const name of ['owner', 'first']) {
        await pages[name].page.waitForFunction(() => window.heard.length >= 1);
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything sent twice would be here by now
    expect(await pages.owner.page.evaluate(() => window.heard)).toEqual(['sent right after join() from late']);
    expect(await pages.first.page.evaluate(() => window.heard)).toEqual(['sent right after join() from late']);
    for (const name of ['owner', 'first', 'late']) expect(pages[name].errors).toEqual([]);
});
