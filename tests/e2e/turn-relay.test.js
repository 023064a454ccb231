// Issue 15, TURN: links that may only use relay candidates, through a real coturn (Debian's,
// started on a free port by support/coturn.js) with credentials that our signaling server
// issues (TURN REST scheme, server/turn-credentials.js) and the library renews before they
// expire. The credential lifetime is short here (10 s), so that renewals happen within the
// test, the calls outlive their first credentials, and a page that joins later connects with
// renewed ones. (That an allocation's own Refresh requests pass after its credentials expired
// is checked directly against coturn in tests/js/server/turn-coturn.test.js: browsers send
// them minutes apart.) pages/turn.html is the page; everything runs in the private network
// namespace of scripts/e2e.sh (coturn on 127.0.0.1 there).

import { randomBytes, createHmac } from 'node:crypto';
import dgram from 'node:dgram';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startCoturn } from './support/coturn.js';
import { setupE2E } from './support/e2e.js';
import { useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';

const SECRET = randomBytes(18).toString('base64url');
const CREDENTIAL_TTL_MS = 10000;
const MiB = 1024 * 1024;
let turn = null;

beforeAll(async () => {
    turn = await startCoturn({ secret: SECRET });
});
afterAll(async () => {
    await turn?.stop();
});

const e2e = setupE2E({
    needsBundle: true,
    serverOptions: () => ({ turnUrls: [turn.url], turnSecret: SECRET, turnCredentialTtlMs: CREDENTIAL_TTL_MS }),
});

// Expiry (Unix seconds) of a TURN REST username "<expiry>:<user>".
const expiryOf = (username) => Number(String(username).split(':')[0]);

function openUser(name, room, query = {}) {
    return e2e.openUser(name, 'turn', { room, ...query });
}

// Every open peer connection of `user` has a selected pair of two relay candidates.
async function expectRelayPairs(user, count) {
    const pairs = await e2e.waitFor(
        user,
        async (count) => {
            const pairs = await window.selectedPairs();
            return pairs.length === count && pairs.every((pair) => pair.local && pair.remote) ? pairs : null;
        },
        20000,
        `${count} peer connection(s) with a selected candidate pair`,
        count,
    );
    for (const pair of pairs) {
        expect({ user: user.name, index: pair.index, local: pair.local, remote: pair.remote, state: pair.connectionState }).toEqual({
            user: user.name,
            index: pair.index,
            local: 'relay',
            remote: 'relay',
            state: 'connected',
        });
    }
    return pairs;
}

async function pageErrors(user) {
    return user.page.evaluate(() => window.events('onerror'));
}

test('a relay-only video conference of three and a 64 MiB file go through coturn, with credentials renewed while the calls last', async () => {
    const room = e2e.uniqueId('turn');
    const alice = await openUser('alice', room, { role: 'owner' });
    await e2e.waitForRoom(room, { members: 1 });
    const bob = await openUser('bob', room);
    await e2e.waitForRoom(room, { members: 2 });
    // carol asks for relay with RTCConfiguration's name instead of the v1.8 candidates.
    const carol = await openUser('carol', room, { relayBy: 'policy' });
    await e2e.waitForRoom(room, { members: 3 });
    const users = [alice, bob, carol];
    const ids = {};
    for (const user of users) ids[user.name] = await useridOf(e2e, user);

    for (const user of users) await waitForPlayingRemotes(e2e, user, 2);
    for (const user of users) await e2e.waitFor(user, () => window.events('onopen').length >= 2, 30000, 'two open data channels');

    // Each peer connection got the server's TURN server with credentials in the user's name.
    for (const user of users) {
        const created = await e2e.events(user, 'pc:created');
        expect(created.length).toBeGreaterThanOrEqual(2);
        for (const { iceServers } of created) {
            expect(iceServers).toHaveLength(1);
            expect([].concat(iceServers[0].urls)).toEqual([turn.url]);
            expect(iceServers[0].username).toMatch(new RegExp(`^\\d+:${ids[user.name]}$`));
        }
    }
    const firstExpiry = Math.min(...(await e2e.events(alice, 'pc:created')).map((event) => expiryOf(event.iceServers[0].username)));

    // 64 MiB from alice to bob, through the relay, checked by SHA-256 on both ends.
    const sentDigest = await alice.page.evaluate(async (bobId) => {
        const file = seededFile('relayed.bin', 64 * 1024 * 1024, 4242);
        connection.send(file, bobId);
        return sha256(file);
    }, ids.bob);
    // Through the relay at a few MiB/s on a loaded machine: failing on a 20 s stall, not a deadline.
    await e2e.waitWhileProgressing(
        bob,
        () => window.events('onFileReceived').length === 1,
        () => bob.page.evaluate(() => Object.values(window.progress).reduce((sum, seen) => sum + Math.max(0, seen.last), 0)),
        { stallMs: 20000, limitMs: 180000, description: 'the 64 MiB file' },
    );
    const received = await bob.page.evaluate(async () => {
        const file = Object.values(files.received)[0];
        return { size: file.size, name: file.name, digest: await sha256(file) };
    });
    expect(received).toEqual({ size: 64 * MiB, name: 'relayed.bin', digest: sentDigest });

    // Every link of every page: the selected pair is relay on both ends.
    for (const user of users) await expectRelayPairs(user, 2);

    // The first credentials have expired (10 s), and the calls still carry video on every link.
    const waitMs = Math.max(0, firstExpiry * 1000 + 1500 - Date.now());
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    for (const user of users) {
        for (const other of users) if (other !== user) await waitForFreshFrames(e2e, user, ids[other.name], 10, 20000);
    }
    // The library renewed its credentials (turn-credentials requests), and its open peer
    // connections have the renewed ones for their next gathering.
    const renewals = e2e
        .serverLog()
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.event === 'turn-credentials' && entry.outcome === 'ok');
    for (const user of users) expect(renewals.filter((entry) => entry.userid === ids[user.name]).length).toBeGreaterThanOrEqual(1);
    for (const user of users) {
        const pairs = await user.page.evaluate(() => window.selectedPairs());
        for (const pair of pairs) expect(expiryOf(pair.username)).toBeGreaterThan(firstExpiry);
    }

    // dave joins after the first credentials expired: his links and alice's link to him use
    // renewed credentials and connect through the relay too.
    const dave = await openUser('dave', room);
    await e2e.waitForRoom(room, { members: 4 });
    await waitForPlayingRemotes(e2e, dave, 3);
    await expectRelayPairs(dave, 3);
    await expectRelayPairs(alice, 3);
    const aliceToDave = (await e2e.events(alice, 'pc:created')).at(-1);
    expect(expiryOf(aliceToDave.iceServers[0].username)).toBeGreaterThan(firstExpiry);

    // coturn made the allocations, and no page reported an error.
    expect(turn.allocations()).toBeGreaterThanOrEqual(9);
    for (const user of [...users, dave]) expect(await pageErrors(user)).toEqual([]);
}, 240000);

test('wrong, expired or unreachable TURN: each page gets an onerror naming TURN within seconds, not a silent wait', async () => {
    const room = e2e.uniqueId('turn-refused');
    // The page's own iceServers (so not the server's): a wrong credential for alice; for bob a
    // username whose HMAC is right but whose expiry has passed.
    const wrong = [{ urls: turn.url, username: `${Math.floor(Date.now() / 1000) + 600}:alice`, credential: 'not-the-password' }];
    const expiredName = `${Math.floor(Date.now() / 1000) - 60}:bob`;
    const expired = [{ urls: turn.url, username: expiredName, credential: createHmac('sha1', SECRET).update(expiredName).digest('base64') }];
    const alice = await openUser('alice', room, { role: 'owner', iceServers: JSON.stringify(wrong) });
    await e2e.waitForRoom(room, { members: 1 });
    const bob = await openUser('bob', room, { iceServers: JSON.stringify(expired) });
    await e2e.waitForRoom(room, { members: 2 });
    // carol's TURN server does not exist (a UDP port nobody listens on).
    const probe = dgram.createSocket('udp4');
    const closedPort = await new Promise((resolve) => probe.bind(0, '127.0.0.1', () => resolve(probe.address().port)));
    probe.close();
    const nowhere = `turn:127.0.0.1:${closedPort}?transport=udp`;
    const carol = await openUser('carol', room, { iceServers: JSON.stringify([{ urls: nowhere, username: wrong[0].username, credential: 'x' }]) });
    await e2e.waitForRoom(room, { members: 3 });

    const unreachable = await e2e.waitFor(
        carol,
        () => window.events('onerror').find((event) => event.code === 'TURN_UNREACHABLE'),
        20000,
        'an onerror TURN_UNREACHABLE',
    );
    expect(unreachable.message).toContain(`no TURN server gave the link with '${unreachable.userid}' a relay candidate within 10 s (${nowhere})`);
    expect(unreachable.at - (await e2e.events(carol, 'pc:created'))[0].at).toBeLessThan(15000);

    for (const user of [alice, bob]) {
        const error = await e2e.waitFor(
            user,
            () => window.events('onerror').find((event) => event.code === 'TURN_AUTH_FAILED'),
            10000,
            'an onerror TURN_AUTH_FAILED',
        );
        expect(error.message).toContain(`TURN server ${turn.url} refused the credentials`);
        expect(error.errorCode).toBe(401);
        expect(error.url).toBe(turn.url);
        // Within a few seconds of the link being made.
        const created = (await e2e.events(user, 'pc:created'))[0];
        expect(error.at - created.at).toBeLessThan(10000);
        // Told once per link (to each of the two others) and server, not once per local
        // address or retry, and not again as "unreachable" once the relay wait is over.
        await e2e.waitFor(user, () => window.events('onerror').filter((event) => event.code === 'TURN_AUTH_FAILED').length === 2, 10000, 'TURN_AUTH_FAILED for both links');
        const told = (await pageErrors(user)).filter((event) => event.code.startsWith('TURN_'));
        expect(told.map((event) => event.code)).toEqual(['TURN_AUTH_FAILED', 'TURN_AUTH_FAILED']);
        expect(new Set(told.map((event) => event.userid)).size).toBe(2);
    }
});
