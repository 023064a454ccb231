// Issue 4, browser test 2: one-way broadcasting (`connection.direction = 'one-way'`), one
// broadcaster and three viewers (pages/conference.html?direction=one-way).

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { localStreams, openRoom, remoteStreams, useridOf, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

test('viewers receive the broadcast, capture and send nothing, and are not linked to each other', async () => {
    const room = e2e.uniqueId('broadcast');
    const [broadcaster, ...viewers] = await openRoom(e2e, 'conference', room, ['broadcaster', 'viewer1', 'viewer2', 'viewer3'], {
        direction: 'one-way',
    });
    const broadcasterId = await useridOf(e2e, broadcaster);

    for (const viewer of viewers) await waitForPlayingRemotes(e2e, viewer, 1);

    for (const viewer of viewers) {
        // The only remote stream is the broadcaster's.
        expect((await remoteStreams(viewer)).map((stream) => stream.userid)).toEqual([broadcasterId]);
        // No camera or microphone was asked for, and no local stream shown.
        expect(await viewer.page.evaluate(() => window.captures)).toMatchObject({ getUserMedia: 0, getDisplayMedia: 0 });
        expect(await localStreams(viewer)).toHaveLength(0);
        // One peer connection ever (to the broadcaster, none to other viewers), sending no
        // track and receiving the broadcast.
        const peers = await viewer.page.evaluate(() => window.peerSummary());
        expect(peers).toHaveLength(1);
        expect(peers[0].sendingTracks).toEqual([]);
        expect([...peers[0].receivingTracks].sort()).toEqual(['audio', 'video']);
        // And the statistics agree: nothing goes out as RTP.
        const outbound = await viewer.page.evaluate(async () => {
            const report = await window.peerConnections[0].getStats();
            return [...report.values()].filter((stat) => stat.type === 'outbound-rtp' && stat.packetsSent > 0).length;
        });
        expect(outbound).toBe(0);
    }

    // The broadcaster captured once, sends to three viewers and receives nothing.
    expect(await broadcaster.page.evaluate(() => window.captures.getUserMedia)).toBe(1);
    expect(await localStreams(broadcaster)).toHaveLength(1);
    expect(await remoteStreams(broadcaster)).toHaveLength(0);
    const peers = await broadcaster.page.evaluate(() => window.peerSummary());
    expect(peers).toHaveLength(3);
    for (const peer of peers) {
        expect(peer.connectionState).toBe('connected');
        expect([...peer.sendingTracks].sort()).toEqual(['audio', 'video']);
    }
});
