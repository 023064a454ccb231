// Issue 16: a conference whose media goes through a real Janus (Debian's, started here in the
// test's network namespace, ICE on its bridge) instead of a mesh. The pages are the seed's
// conference page with one more line (connection.sfu = true for the opener); everything
// else (onstream, onleave) is the same API as in a mesh.

import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startJanus } from '../support/janus.js';
import { setupE2E } from './support/e2e.js';
import { openRoom, remoteStreams, useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';

let janus;
beforeAll(async () => {
    janus = await startJanus({ iceEnforceList: 'iso0' });
});
afterAll(async () => {
    await janus?.stop();
});

const e2e = setupE2E({ needsBundle: true, serverOptions: () => ({ janusUrl: janus.url }) });

// What each of the page's peer connections sends and receives (tracks), and how many
// outbound RTP streams the page has in all (getStats).
async function uplink(user) {
    return user.page.evaluate(async () => {
        let outbound = 0;
        for (const pc of window.openPeerConnections()) {
            const stats = await pc.getStats();
            stats.forEach((report) => {
                if (report.type === 'outbound-rtp') outbound += 1;
            });
        }
        return { outbound, peers: window.peerSummary().filter((peer) => peer.signalingState !== 'closed') };
    });
}

test('four users through Janus: each sees the three others, uploads one audio and one video stream, and sees a leaver go', async () => {
    const room = e2e.uniqueId('sfu');
    const users = await openRoom(e2e, 'conference', room, ['alice', 'bob', 'carol', 'dave'], { sfu: '1' });
    const ids = new Map();
    for (const user of users) ids.set(user, await useridOf(e2e, user));

    for (const user of users) await waitForPlayingRemotes(e2e, user, 3, 60000);
    for (const user of users) {
        const others = users.filter((other) => other !== user).map((other) => ids.get(other));
        const remotes = await remoteStreams(user);
        expect(remotes.map((stream) => stream.userid).sort()).toEqual([...others].sort());
        for (const stream of remotes) expect([...stream.tracks].sort()).toEqual(['audio', 'video']);
        // Two connections to Janus (publisher, subscriber) and no peer link (no data in
        // this session): one audio and one video stream leave the page, whatever the room's size.
        const { outbound, peers } = await uplink(user);
        expect(peers).toHaveLength(2);
        expect(outbound).toBe(2);
    }
    // The videos keep coming.
    await waitForFreshFrames(e2e, users[1], ids.get(users[3]));

    // dave leaves: the others hear it and his video goes.
    await users[3].page.evaluate(() => window.connection.leave());
    for (const user of users.slice(0, 3)) {
        await e2e.waitFor(
            user,
            (gone) => window.events('onleave').some((event) => event.userid === gone),
            30000,
            'onleave of dave',
            ids.get(users[3]),
        );
        await waitForPlayingRemotes(e2e, user, 2, 30000);
    }
});
