// Issue 16: a one-way broadcast to 20 viewer pages through a real Janus. In a mesh the
// broadcaster would upload 20 copies; here it uploads one audio and one video stream, Janus
// forwards them, and every viewer receives RTP. RTCMC_SFU_VIEWERS changes the count.

import { expect, test } from '@jest/globals';
import { localStreams, remoteStreams, useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';
import { setupSfuE2E } from './support/sfu.js';

const VIEWERS = Number(process.env.RTCMC_SFU_VIEWERS || 20);
const BATCH = 2;

const { e2e } = setupSfuE2E();

// The page's RTP as getStats counts it: outbound streams, and inbound streams by kind with the
// packets received so far.
async function rtp(user) {
    return user.page.evaluate(async () => {
        const result = { outbound: 0, inbound: {} };
        for (const pc of window.openPeerConnections()) {
            (await pc.getStats()).forEach((report) => {
                if (report.type === 'outbound-rtp') result.outbound += 1;
                if (report.type === 'inbound-rtp') result.inbound[report.kind] = (result.inbound[report.kind] || 0) + report.packetsReceived;
            });
        }
        result.connections = window.openPeerConnections().length;
        return result;
    });
}

test(`a broadcast to ${VIEWERS} viewers through Janus: one uplink, every viewer receives it`, async () => {
    const room = e2e.uniqueId('sfu-broadcast');
    const query = { room, sfu: '1', small: '1', direction: 'one-way' };
    const broadcaster = await e2e.openUser('broadcaster', 'conference', { ...query, role: 'owner' });
    await e2e.waitForRoom(room, { members: 1 });
    // Viewers arrive a few at a time, as an audience does (and sooner than one by one).
    const viewers = [];
    for (let first = 1; first <= VIEWERS; first += BATCH) {
        const names = Array.from({ length: Math.min(BATCH, VIEWERS - first + 1) }, (_, index) => `viewer${first + index}`);
        viewers.push(...(await Promise.all(names.map((name) => e2e.openUser(name, 'conference', query)))));
        await e2e.waitForRoom(room, { members: 1 + viewers.length, timeout: 60000 });
    }
    const broadcasterId = await useridOf(e2e, broadcaster);

    // Every viewer receives the broadcaster's audio and video RTP, sends nothing, captured
    // nothing, and shows the broadcaster's stream only.
    for (const viewer of viewers) {
        const deadline = Date.now() + 60000;
        let inbound = {};
        while (!(inbound.audio > 0 && inbound.video > 0) && Date.now() < deadline) {
            ({ inbound } = await rtp(viewer));
            if (!(inbound.audio > 0 && inbound.video > 0)) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect({ viewer: viewer.name, audio: inbound.audio > 0, video: inbound.video > 0 }).toEqual({ viewer: viewer.name, audio: true, video: true });
        const { outbound, connections } = await rtp(viewer);
        expect(outbound).toBe(0);
        expect(connections).toBe(1); // the subscriber connection to Janus only
        expect(await viewer.page.evaluate(() => window.captures)).toMatchObject({ getUserMedia: 0, getDisplayMedia: 0 });
        // What the viewer sees: the broadcaster's video, and nothing else. (On a starved machine
        // a viewer may have lost Janus and joined again meanwhile: one video all the same.)
        expect(await viewer.page.evaluate(() => [...document.querySelectorAll('#remote video')].map((video) => video.dataset.userid))).toEqual([broadcasterId]);
        expect(new Set((await remoteStreams(viewer)).map((stream) => stream.userid))).toEqual(new Set([broadcasterId]));
    }

    // The broadcaster uploads one audio and one video stream over one connection and receives none.
    const uplink = await rtp(broadcaster);
    expect(uplink).toMatchObject({ outbound: 2, connections: 1, inbound: {} });
    expect(await localStreams(broadcaster)).toHaveLength(1);
    expect(await remoteStreams(broadcaster)).toHaveLength(0);

    // A sample of the viewers (first, middle, last) shows frames advancing.
    for (const viewer of [viewers[0], viewers[Math.floor(VIEWERS / 2)], viewers[VIEWERS - 1]]) {
        await waitForPlayingRemotes(e2e, viewer, 1, 60000);
        await waitForFreshFrames(e2e, viewer, broadcasterId);
    }
}, 600000);
