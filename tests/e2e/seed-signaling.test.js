// Issue 4, browser test 8: the seed's own-socket.io `openSignalingChannel` snippet, pasted
// verbatim into pages/seed-socketio.html, connects two users through our server's seed
// protocol (`new-channel`, one namespace per channel) instead of the default signaling.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { openPeerCount, remoteStreams, useridOf, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

const sum = (counts) => Object.values(counts).reduce((total, count) => total + count, 0);

// Both users open the same link; the owner presses "Open", and once its channel socket is
// connected on the server the joiner presses "Join". The room lives in the owner's page
// here (pub/sub signaling), not on the server.
async function openPair(session) {
    const room = e2e.uniqueId('seed-channel');
    const owner = await e2e.openUser('owner', 'seed-socketio', { room, session });
    const joiner = await e2e.openUser('joiner', 'seed-socketio', { room, session });
    await owner.page.click('#open');
    await e2e.waitForServer(() => sum(e2e.channelSockets()) >= 1, "the owner's channel socket (io.connect(URL + channel))");
    await joiner.page.click('#join');
    return { room, owner, joiner };
}

test('two users exchange text in a data session signaled through the seed snippet', async () => {
    const { owner, joiner } = await openPair('only data');
    await e2e.waitFor(owner, () => window.events('onopen').length > 0, 30000, 'onopen');
    await e2e.waitFor(joiner, () => window.events('onopen').length > 0, 30000, 'onopen');

    await joiner.page.evaluate(() => window.connection.send('hello over the seed channel'));
    expect((await e2e.waitFor(owner, () => window.events('onmessage')[0], 15000, 'the joiner message')).data).toBe(
        'hello over the seed channel',
    );
    await owner.page.evaluate(() => window.connection.send('hello back'));
    expect((await e2e.waitFor(joiner, () => window.events('onmessage')[0], 15000, 'the owner message')).data).toBe('hello back');

    // The signaling went through the snippet: both pages have sockets on channel namespaces.
    expect(sum(e2e.channelSockets())).toBeGreaterThanOrEqual(2);
    for (const user of [owner, joiner]) expect(await openPeerCount(user)).toBe(1);
});

test('two users see each other in an audio + video session signaled through the seed snippet', async () => {
    const { owner, joiner } = await openPair('audio + video');
    const ownerId = await useridOf(e2e, owner);
    const joinerId = await useridOf(e2e, joiner);
    await waitForPlayingRemotes(e2e, owner, 1);
    await waitForPlayingRemotes(e2e, joiner, 1);
    expect((await remoteStreams(owner)).map((stream) => stream.userid)).toEqual([joinerId]);
    expect((await remoteStreams(joiner)).map((stream) => stream.userid)).toEqual([ownerId]);
    expect(sum(e2e.channelSockets())).toBeGreaterThanOrEqual(2);
});
