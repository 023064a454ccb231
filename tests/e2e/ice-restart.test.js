// Issue 15, recovery: the network path of a call breaks for real and comes back. The links are
// relay-only through a real coturn (Debian's), so stopping coturn cuts every path between the
// pages (their TURN allocations die with it) while the signaling server keeps running; a new
// coturn on the same port is the path coming back, reachable only through new allocations,
// that is, through an ICE restart. The core decides the restarts (src/engine/
// engine_recovery.cpp); the pages do nothing. Everything runs in the private network namespace
// of scripts/e2e.sh.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startCoturn } from './support/coturn.js';
import { setupE2E } from './support/e2e.js';
import { useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';

const SECRET = randomBytes(18).toString('base64url');
const MiB = 1024 * 1024;
let turn = null;
let turnPort = 0;

beforeAll(async () => {
    turn = await startCoturn({ secret: SECRET });
    turnPort = turn.port;
});
afterAll(async () => {
    await turn?.stop();
});

const e2e = setupE2E({
    needsBundle: true,
    serverOptions: () => ({ turnUrls: [turn.url], turnSecret: SECRET }),
});

async function relayCall(room, query = {}) {
    const alice = await e2e.openUser('alice', 'turn', { room, role: 'owner', ...query });
    await e2e.waitForRoom(room, { members: 1 });
    const bob = await e2e.openUser('bob', 'turn', { room, ...query });
    await e2e.waitForRoom(room, { members: 2 });
    for (const user of [alice, bob]) {
        await waitForPlayingRemotes(e2e, user, 1);
        await e2e.waitFor(user, () => window.events('onopen').length >= 1, 30000, 'an open data channel');
    }
    return { alice, bob, aliceId: await useridOf(e2e, alice), bobId: await useridOf(e2e, bob) };
}

const peerStates = (user) => user.page.evaluate(() => window.events('onPeerStateChanged').map((event) => event.state));

test('coturn dies mid-call and comes back: ICE restarts bring video, messages and the file in flight back, no page action', async () => {
    const room = e2e.uniqueId('ice-restart');
    const { alice, bob, aliceId, bobId } = await relayCall(room);

    // A file from alice to bob, cut by the break somewhere in its middle.
    const size = 96 * MiB;
    const sentDigest = await alice.page.evaluate(async ({ bobId, size }) => {
        const file = seededFile('through-the-break.bin', size, 77);
        connection.send(file, bobId);
        return sha256(file);
    }, { bobId, size });
    await e2e.waitFor(bob, (size) => Object.values(window.progress).some((p) => p.last >= size / 20), 60000, '5 % of the file at bob', size);

    // The path breaks: every relay allocation is gone with coturn.
    const brokeAt = Date.now();
    await turn.stop();
    turn = null;
    const atBreak = await bob.page.evaluate(() => Object.values(window.progress)[0].last);
    expect(atBreak).toBeLessThan(size); // still in flight (else the file is too small for this machine)

    // The core notices and restarts ICE (while coturn is still down, the restart cannot work).
    for (const user of [alice, bob]) {
        await e2e.waitFor(user, () => window.events('onPeerStateChanged').some((event) => event.state === 'reconnecting'), 40000, 'an ICE restart');
    }
    const detectedMs = Date.now() - brokeAt;
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // The path comes back: the same TURN server address, new allocations needed.
    turn = await startCoturn({ secret: SECRET, port: turnPort });
    const restoredAt = Date.now();
    for (const user of [alice, bob]) {
        await e2e.waitFor(user, () => window.events('onPeerStateChanged').some((event) => event.state === 'reconnected'), 60000, 'the link back after an ICE restart');
    }
    const recoveredMs = Date.now() - restoredAt;

    // Video advances again both ways, on the same peer connection (restarted, not redialed).
    await waitForFreshFrames(e2e, alice, bobId, 10, 30000);
    await waitForFreshFrames(e2e, bob, aliceId, 10, 30000);
    for (const user of [alice, bob]) {
        expect((await e2e.events(user, 'pc:created')).length).toBe(1);
        const pairs = await user.page.evaluate(() => window.selectedPairs());
        expect(pairs.map((pair) => [pair.connectionState, pair.local, pair.remote])).toEqual([['connected', 'relay', 'relay']]);
    }

    // A message sent after recovery arrives, both ways.
    await alice.page.evaluate(() => connection.send('after the break, from alice'));
    await bob.page.evaluate(() => connection.send('after the break, from bob'));
    await e2e.waitFor(bob, () => window.events('onmessage').some((event) => event.data === 'after the break, from alice'), 20000, "alice's message");
    await e2e.waitFor(alice, () => window.events('onmessage').some((event) => event.data === 'after the break, from bob'), 20000, "bob's message");

    // The file carries on from where it stopped and verifies; progress never went back.
    await e2e.waitFor(bob, () => window.events('onFileReceived').length === 1, 120000, 'the whole file');
    const received = await bob.page.evaluate(async () => {
        const file = Object.values(files.received)[0];
        return { size: file.size, digest: await sha256(file) };
    });
    expect(received).toEqual({ size, digest: sentDigest });
    for (const user of [alice, bob]) {
        const progress = Object.values(await user.page.evaluate(() => window.progress));
        expect(progress.map((p) => ({ last: p.last, backwards: p.backwards }))).toEqual([{ last: size, backwards: 0 }]);
        expect(await user.page.evaluate(() => window.events('onleave'))).toEqual([]);
        const errors = await user.page.evaluate(() => window.events('onerror'));
        expect(errors.filter((error) => error.code === 'PEER_CONNECTION_FAILED')).toEqual([]);
        // Restarts are counted per outage and bounded: at most the default 4 here.
        expect((await peerStates(user)).filter((state) => state === 'reconnecting').length).toBeLessThanOrEqual(4);
    }
    console.log(`ice restart: detected ${detectedMs} ms after the break, link back ${recoveredMs} ms after coturn was`);
}, 240000);

test('a path that never comes back: after the restarts the peer is reported gone with PEER_CONNECTION_FAILED', async () => {
    const room = e2e.uniqueId('ice-gone');
    if (!turn) turn = await startCoturn({ secret: SECRET, port: turnPort });
    // Short restarts so that the test gives up within seconds: 4 restarts of 2 s.
    const { alice, bob, aliceId, bobId } = await relayCall(room, { iceRestartTimeout: 2000 });
    await turn.stop();
    turn = null;
    for (const [user, other] of [[alice, bobId], [bob, aliceId]]) {
        const failed = await e2e.waitFor(
            user,
            () => window.events('onerror').find((event) => event.code === 'PEER_CONNECTION_FAILED'),
            60000,
            'onerror PEER_CONNECTION_FAILED',
        );
        expect(failed.message).toContain(`the connection with '${other}' broke and 4 ICE restarts did not bring it back`);
        expect(await peerStates(user)).toEqual(['reconnecting', 'reconnecting', 'reconnecting', 'reconnecting', 'failed']);
        // Its peer connection is closed; the page is otherwise intact (the server still counts
        // both in the room: it says when a member leaves).
        await e2e.waitFor(user, () => window.openPeerConnections().length === 0, 10000, 'the peer connection closed');
        expect(await user.page.evaluate(() => connection.isInitiator)).toBe(user === alice);
    }
}, 180000);
