// The protocol's bounds as a page meets them (src/protocol/limits.def; issue 13, defect 7):
// characters are code points, so a room named with 128 emoji works end to end on the real
// server, one more is refused by the core before anything is sent, a lone UTF-16 surrogate
// (which embind could not even hand to the core intact) is refused by the facade, and an
// upstream-sized maxParticipantsAllowed is taken as "as many as the protocol allows".
import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';

const e2e = setupE2E({ needsBundle: true });

test('ids at the bound connect, one more character and a lone surrogate get onerror', async () => {
    const owner = await e2e.openUser('owner', 'seed/surface');
    const guest = await e2e.openUser('guest', 'seed/surface');
    const emoji = '\u{1F600}';
    const room = `${emoji.repeat(120)}${Math.random().toString(36).slice(2, 10)}`;
    await owner.page.evaluate((room) => {
        window.owner = new RTCMultiConnection();
        window.owner.iceServers = [];
        window.owner.session = 'only data';
        window.owner.maxParticipantsAllowed = 1000000;
        window.owner.onmessage = (event) => (window.heard = event.data);
        window.owner.open(room);
    }, room);
    const joined = await guest.page.evaluate(
        (room) =>
            new Promise((resolve) => {
                const guest = new RTCMultiConnection();
                guest.iceServers = [];
                guest.session = 'only data';
                guest.onopen = () => {
                    guest.send('across a 128-character room id');
                    resolve(guest.sessionid);
                };
                setTimeout(() => guest.join(room), 300);
            }),
        room,
    );
    expect([...joined]).toHaveLength(128);
    await owner.page.waitForFunction(() => window.heard === 'across a 128-character room id');

    const refusals = await guest.page.evaluate(async (emoji) => {
        const errorOf = (setUp, call) =>
            new Promise((resolve) => {
                const connection = new RTCMultiConnection();
                connection.iceServers = [];
                connection.session = 'only data';
                setUp(connection);
                connection.onerror = (error) => resolve(`${error.code}: ${error.message}`);
                connection.onopen = () => resolve('opened');
                call(connection);
                setTimeout(() => resolve('no answer'), 3000);
            });
        return {
            longRoom: await errorOf(() => {}, (c) => c.open(emoji.repeat(129))),
            loneUserid: await errorOf((c) => (c.userid = 'ghost-\uD800'), (c) => c.open('lone-surrogate-room')),
            lonePassword: await errorOf((c) => (c.password = 'p\uDC00'), (c) => c.open('lone-surrogate-room-2')),
        };
    }, emoji);
    expect(refusals.longRoom).toMatch(/^INVALID_ARGUMENT: .*session id is longer than 128 characters/);
    expect(refusals.loneUserid).toBe('INVALID_ARGUMENT: userid must be well-formed Unicode (no lone surrogate)');
    expect(refusals.lonePassword).toBe('INVALID_ARGUMENT: password must be well-formed Unicode (no lone surrogate)');
    expect(owner.errors).toEqual([]);
});
