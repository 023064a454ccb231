// Issue 4, browser test 9: mute/unmute seen by the other side, and addStream renegotiation
// (a data-only session first, then audio + video added by one side), as in upstream's
// "Renegotiation & Mute/UnMute" demo (pages/renegotiation.html).

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { localStreams, openRoom, remoteStreams, useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

// In the page: does its microphone reach the peer connection? (An audio sender with a live,
// enabled track; muting may disable the track or take it off the sender.)
function audioSending() {
    return window
        .openPeerConnections()
        .flatMap((pc) => pc.getSenders())
        .some(({ track }) => track && track.kind === 'audio' && track.enabled && track.readyState === 'live');
}

test('addStream in a data-only session reaches the other side, and mute/unmute are seen there', async () => {
    const room = e2e.uniqueId('renegotiation');
    const [owner, joiner] = await openRoom(e2e, 'renegotiation', room, ['owner', 'joiner']);
    const ownerId = await useridOf(e2e, owner);
    await e2e.waitFor(owner, () => window.events('onopen').length > 0, 30000, 'onopen');
    await e2e.waitFor(joiner, () => window.events('onopen').length > 0, 30000, 'onopen');
    // Data only so far: nothing captured, no stream anywhere.
    for (const user of [owner, joiner]) {
        expect(await user.page.evaluate(() => window.captures.getUserMedia)).toBe(0);
        expect(await user.page.evaluate(() => window.events('onstream'))).toEqual([]);
    }

    // Renegotiation: the owner adds its camera and microphone.
    await owner.page.evaluate(() => window.connection.addStream({ audio: true, video: true }));
    const local = await e2e.waitFor(
        owner,
        () => window.events('onstream').find((event) => event.type === 'local'),
        30000,
        'the local stream of addStream',
    );
    expect([...local.tracks].sort()).toEqual(['audio', 'video']);
    await waitForPlayingRemotes(e2e, joiner, 1);
    const [remote] = await remoteStreams(joiner);
    expect(remote.userid).toBe(ownerId);
    expect([...remote.tracks].sort()).toEqual(['audio', 'video']);
    // Still one peer connection each: the media went over the existing link.
    for (const user of [owner, joiner]) expect(await user.page.evaluate(() => window.openPeerConnections().length)).toBe(1);
    // The data port survived the renegotiation.
    await owner.page.evaluate(() => window.connection.send('still here'));
    const message = await e2e.waitFor(joiner, () => window.events('onmessage')[0], 15000, 'a message after renegotiation');
    expect(message.data).toBe('still here');

    // Mute the owner's audio: its microphone stops reaching the link, the joiner is told.
    expect(await owner.page.evaluate(audioSending)).toBe(true);
    const streamid = local.streamid;
    await owner.page.evaluate((streamid) => window.connection.streams[streamid].mute({ audio: true }), streamid);
    const muted = await e2e.waitFor(joiner, () => window.events('onmute')[0], 15000, 'onmute');
    expect(muted).toMatchObject({ streamid: remote.streamid, muteType: 'audio' });
    expect(await owner.page.evaluate(audioSending)).toBe(false);
    // The video goes on while the audio is muted.
    await waitForFreshFrames(e2e, joiner, ownerId);

    await owner.page.evaluate((streamid) => window.connection.streams[streamid].unmute({ audio: true }), streamid);
    const unmuted = await e2e.waitFor(joiner, () => window.events('onunmute')[0], 15000, 'onunmute');
    expect(unmuted).toMatchObject({ streamid: remote.streamid, unmuteType: 'audio' });
    expect(await owner.page.evaluate(audioSending)).toBe(true);
    expect(await localStreams(owner)).toHaveLength(1);
});
