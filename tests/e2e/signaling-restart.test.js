// Issue 15, "Signaling loss": the signaling server process dies in the middle of a call (kill
// -9) and comes back on the same port with the same Redis. The call does not notice: media keeps
// flowing peer to peer while the server is away, the library reconnects with its resume token,
// and the room is whole again: same owner, both members, and a newcomer meets both through
// the new process. Real server processes (server/bin.js), a real redis-server, real pages.
import { expect, test } from '@jest/globals';
import { freePort, spawnServerNode, startRedis, exited } from '../js/server/support/processes.js';
import { setupE2E } from './support/e2e.js';
import { useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

test('the server is killed and restarted mid-call: media never stops, the room comes back whole', async () => {
    const redis = await startRedis();
    const port = await freePort();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: `restart${process.pid}:`, PORT: String(port) };
    let node = await spawnServerNode(env);
    try {
        const room = e2e.uniqueId('restart');
        const socketURL = node.url;
        const owner = await e2e.openUser('owner', 'conference', { room, role: 'owner', socketURL });
        await e2e.waitFor(owner, () => window.events('onstream').length >= 1, 30000, 'the owner to have its camera');
        await new Promise((resolve) => setTimeout(resolve, 500));
        const bob = await e2e.openUser('bob', 'conference', { room, socketURL });
        for (const user of [owner, bob]) await waitForPlayingRemotes(e2e, user, 1);
        const [ownerId, bobId] = [await useridOf(e2e, owner), await useridOf(e2e, bob)];

        // The process dies without a word to anyone.
        node.child.kill('SIGKILL');
        await exited(node.child);
        // Media goes peer to peer: both still receive fresh frames while no server exists.
        await waitForFreshFrames(e2e, owner, bobId, 15);
        await waitForFreshFrames(e2e, bob, ownerId, 15);

        node = await spawnServerNode(env);
        const started = Date.now();
        // A newcomer reaches both through the new process: the room is there, with its owner.
        const carol = await e2e.openUser('carol', 'conference', { room, socketURL });
        try {
            for (const user of [owner, bob, carol]) await waitForPlayingRemotes(e2e, user, 2);
        } catch (error) {
            throw new Error(`${error.message}\n\n${await e2e.describeState(carol)}`);
        }
        const wholeAfterMs = Date.now() - started;
        for (const user of [owner, bob]) {
            expect(await user.page.evaluate(() => window.events('onleave'))).toEqual([]);
            expect(await user.page.evaluate(() => window.events('onerror'))).toEqual([]);
        }
        expect(await owner.page.evaluate(() => window.connection.isInitiator)).toBe(true);
        expect(await owner.page.evaluate(() => window.connection.userid)).toBe(ownerId);
        expect(await bob.page.evaluate(() => window.connection.userid)).toBe(bobId);
        console.log(`signaling restart: the room was whole again ${wholeAfterMs} ms after the new process listened`);
    } finally {
        await node.stop();
        await redis.stop();
    }
});
