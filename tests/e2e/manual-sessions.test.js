// Issue 4, browser test 7: manual session establishment, as the seed writes it
// (pages/manual-session.html): `new RTCMultiConnection('session-id')`, the owner's
// `open({extra, interval: 1000})`, the joiner's `onNewSession` and `join(session, extra)`.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { remoteStreams, useridOf, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

const ANNOUNCE_INTERVAL_MS = 1000; // the interval the owner page passes to open()

// What each side passes: upstream's example extra (booleans, numbers, arrays, objects).
const ownerExtra = { username: 'owner', boolean: true, integer: 123456789, array: [1, 'two'], object: { nested: 'yes' } };
const joinerExtra = { username: 'joiner', role: 'guest', seats: [3] };

// Opens a session on a channel of its own: the owner first, the joiner once the server
// has the room.
async function openManualSession(session) {
    const channel = e2e.uniqueId('manual');
    const query = { channel, ...(session ? { session } : {}) };
    const owner = await e2e.openUser('owner', 'manual-session', {
        ...query,
        role: 'owner',
        extra: JSON.stringify(ownerExtra),
    });
    await e2e.waitForRoom(channel);
    const joiner = await e2e.openUser('joiner', 'manual-session', {
        ...query,
        role: 'joiner',
        extra: JSON.stringify(joinerExtra),
    });
    return { channel, owner, joiner };
}

// onNewSession must not repeat with the announcements: wait until the page has been
// listening for several announcement intervals past the first onNewSession, then count.
// (No event says "no more announcements"; the wait is measured in the protocol's period.)
async function expectOneNewSession(joiner, channel, ownerId) {
    await e2e.waitFor(
        joiner,
        (span) => {
            const [first] = window.events('onNewSession');
            return first && performance.now() - first.at > span;
        },
        30000,
        `${3.5 * ANNOUNCE_INTERVAL_MS} ms of listening after the first onNewSession`,
        3.5 * ANNOUNCE_INTERVAL_MS,
    );
    const sessions = await joiner.page.evaluate(() => window.events('onNewSession'));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ sessionid: channel, userid: ownerId, extra: ownerExtra });
}

test('audio + video: onNewSession once with the opener extra; each side gets the other extra in onstream', async () => {
    const { channel, owner, joiner } = await openManualSession(null);
    const ownerId = await useridOf(e2e, owner);
    const joinerId = await useridOf(e2e, joiner);

    await waitForPlayingRemotes(e2e, joiner, 1);
    await waitForPlayingRemotes(e2e, owner, 1);
    const [fromOwner] = await remoteStreams(joiner);
    expect(fromOwner).toMatchObject({ userid: ownerId, extra: ownerExtra });
    const [fromJoiner] = await remoteStreams(owner);
    expect(fromJoiner).toMatchObject({ userid: joinerId, extra: joinerExtra });
    // The page shows the username it got (video.title = stream.extra.username).
    expect(await joiner.page.evaluate(() => document.querySelector('#remote video').title)).toBe('owner');
    expect(await owner.page.evaluate(() => document.querySelector('#remote video').title)).toBe('joiner');

    await expectOneNewSession(joiner, channel, ownerId);
});

test('data only: each side gets the other extra in onopen, and they can talk', async () => {
    const { channel, owner, joiner } = await openManualSession('only-data');
    const ownerId = await useridOf(e2e, owner);
    const joinerId = await useridOf(e2e, joiner);

    const ownerOpen = await e2e.waitFor(owner, () => window.events('onopen')[0], 30000, 'onopen');
    const joinerOpen = await e2e.waitFor(joiner, () => window.events('onopen')[0], 30000, 'onopen');
    expect(ownerOpen.extra).toEqual(joinerExtra);
    expect(joinerOpen.extra).toEqual(ownerExtra);
    if (ownerOpen.userid !== undefined) expect(ownerOpen.userid).toBe(joinerId);

    // The data ports carry text both ways.
    await joiner.page.evaluate(() => window.connection.send('hello owner'));
    await owner.page.evaluate(() => window.connection.send('hello joiner'));
    expect((await e2e.waitFor(owner, () => window.events('onmessage')[0], 15000, 'a message')).data).toBe('hello owner');
    expect((await e2e.waitFor(joiner, () => window.events('onmessage')[0], 15000, 'a message')).data).toBe('hello joiner');
    // A data-only session captures nothing.
    for (const user of [owner, joiner]) {
        expect(await user.page.evaluate(() => window.captures)).toMatchObject({ getUserMedia: 0, getDisplayMedia: 0 });
    }

    await expectOneNewSession(joiner, channel, ownerId);
});

// Upstream fires onNewSession only for sessions of the connection's own channel (the
// session id given to the constructor): a room opened the same way on another channel at
// the same time is not offered.
test('onNewSession is not fired for a room of another channel', async () => {
    const decoyChannel = e2e.uniqueId('decoy');
    await e2e.openUser('decoy', 'manual-session', {
        channel: decoyChannel,
        session: 'only-data',
        role: 'owner',
        extra: JSON.stringify({ username: 'decoy' }),
    });
    await e2e.waitForRoom(decoyChannel);
    const { channel, owner, joiner } = await openManualSession('only-data');
    const ownerId = await useridOf(e2e, owner);
    await e2e.waitFor(joiner, () => window.events('onopen').length > 0, 30000, 'onopen');
    await expectOneNewSession(joiner, channel, ownerId);
});
