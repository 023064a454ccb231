// Issue 15: a peer vanishes mid-transfer, its renderer process killed (Chrome DevTools'
// Page.crash: no leave, no close of anything, the tab is just gone). Three real pages through
// the real server (pages/files.html). The survivors hear of it within seconds through the
// server (the dead process's socket closes), every transfer with the vanished peer ends with an
// error naming the file on every side that is left, nothing partial is delivered, and the
// transfers between the survivors carry on and verify by SHA-256.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { openRoom, useridOf } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });
const MiB = 1024 * 1024;
const NOTICED_WITHIN_MS = 5000;

async function threeWithChannels(prefix) {
    const room = e2e.uniqueId(prefix);
    const users = await openRoom(e2e, 'files', room, ['alice', 'bob', 'carol']);
    for (const user of users) {
        await e2e.waitFor(user, () => Object.keys(connection.channels).length >= 2 && window.events('onopen').length >= 2, 30000, 'two open data channels');
    }
    const ids = {};
    for (const user of users) ids[user.name] = await useridOf(e2e, user);
    return { users, ids };
}

// The renderer process of the user's page dies at once.
async function killRenderer(user) {
    const session = await user.context.newCDPSession(user.page);
    const crashed = new Promise((resolve) => user.page.once('crash', resolve));
    session.send('Page.crash').catch(() => {}); // no answer ever comes: the target died
    await crashed;
}

const underWay = (name) => (name) => Object.values(files.progress).some((entry) => entry.name === name && entry.last && entry.last.bytes > 4 * 1024 * 1024);
const aborts = (user) => user.page.evaluate(() => window.events('onerror').filter((error) => error.code === 'TRANSFER_ABORTED'));

test('a receiver killed mid-transfer: the sender hears within seconds, the other receiver gets its file whole', async () => {
    const { users, ids } = await threeWithChannels('vanish-receiver');
    const [alice, bob, carol] = users;
    // alice sends one file to everyone; bob sends carol another, which must not be disturbed.
    const digest = await alice.page.evaluate(async () => {
        const file = seededFile('to-everyone.bin', 64 * 1024 * 1024, 7);
        connection.send(file);
        return sha256(file);
    });
    await e2e.waitFor(bob, underWay(), 60000, 'the file under way to bob', 'to-everyone.bin');
    await e2e.waitFor(carol, underWay(), 60000, 'the file under way to carol', 'to-everyone.bin');

    const killedAt = Date.now();
    await killRenderer(carol);
    const error = await e2e.waitFor(
        alice,
        (carolId) => window.events('onerror').find((error) => error.code === 'TRANSFER_ABORTED' && error.userid === carolId),
        NOTICED_WITHIN_MS,
        "the transfer to carol ending with an error",
        ids.carol,
    );
    const noticedMs = Date.now() - killedAt;
    expect(error).toMatchObject({ fileName: 'to-everyone.bin', sending: true });
    expect(error.message).toContain('to-everyone.bin');

    // bob still gets all of it, verified; nobody got a partial file.
    await e2e.waitFor(bob, () => window.events('onFileReceived').length === 1, 90000, 'the whole file at bob');
    const received = await bob.page.evaluate(async () => {
        const file = Object.values(files.received)[0];
        return { name: file.name, size: file.size, digest: await sha256(file) };
    });
    expect(received).toEqual({ name: 'to-everyone.bin', size: 64 * MiB, digest });
    expect(await aborts(bob)).toEqual([]);
    expect((await aborts(alice)).map((error) => error.userid)).toEqual([ids.carol]);
    // alice's core holds nothing for carol any more: the transfer to bob was the last one.
    await e2e.waitFor(alice, () => connection._internals.runtime.data.plane.outgoingCount() === 0, 20000, 'no transfer left at alice');
    console.log(`vanished receiver: the sender heard ${noticedMs} ms after the kill`);
});

test('the sender killed mid-transfer: every receiver hears within seconds and keeps nothing of it', async () => {
    const { users, ids } = await threeWithChannels('vanish-sender');
    const [alice, bob, carol] = users;
    await alice.page.evaluate((heldBack) => {
        const file = seededFile('cut-short.bin', 64 * 1024 * 1024, 9);
        // alice's reads of the file stop for good after its first bytes (the data plane reads a
        // file through blob.stream()): the receivers can never have all of it, so the kill below
        // lands mid-transfer however loaded the machine is.
        const whole = file.stream.bind(file);
        file.stream = () => {
            const reader = whole().getReader();
            let passed = 0;
            return new ReadableStream({
                async pull(controller) {
                    if (passed >= heldBack) return new Promise(() => {});
                    const { done, value } = await reader.read();
                    if (done) {
                        controller.close();
                        return undefined;
                    }
                    passed += value.byteLength;
                    controller.enqueue(value);
                    return undefined;
                },
            });
        };
        connection.send(file);
    }, 16 * MiB);
    // Meanwhile bob sends carol a file of his own.
    const bobDigest = await bob.page.evaluate(async (carolId) => {
        const file = seededFile('bob-to-carol.bin', 8 * 1024 * 1024, 11);
        connection.send(file, carolId);
        return sha256(file);
    }, ids.carol);
    await e2e.waitFor(bob, underWay(), 60000, "alice's file under way to bob", 'cut-short.bin');
    await e2e.waitFor(carol, underWay(), 60000, "alice's file under way to carol", 'cut-short.bin');

    const killedAt = Date.now();
    await killRenderer(alice);
    for (const user of [bob, carol]) {
        const error = await e2e.waitFor(
            user,
            (aliceId) => window.events('onerror').find((error) => error.code === 'TRANSFER_ABORTED' && error.userid === aliceId),
            NOTICED_WITHIN_MS,
            "alice's transfer ending with an error",
            ids.alice,
        );
        expect(error).toMatchObject({ fileName: 'cut-short.bin', sending: false });
        expect(error.message).toContain('cut-short.bin');
        // The partial file is gone from the core; it never reached the page.
        await e2e.waitFor(user, () => connection._internals.runtime.data.plane.incomingCount() <= 1, 10000, 'the partial file discarded');
        const names = await user.page.evaluate(() => files.receivedNames);
        expect(names).not.toContain('cut-short.bin');
    }
    const noticedMs = Date.now() - killedAt;
    // bob's file to carol is untouched by alice's end.
    await e2e.waitFor(carol, () => files.receivedNames.includes('bob-to-carol.bin'), 60000, "bob's file at carol");
    const received = await carol.page.evaluate(async () => {
        const file = Object.values(files.received).find((file) => file.name === 'bob-to-carol.bin');
        return { size: file.size, digest: await sha256(file) };
    });
    expect(received).toEqual({ size: 8 * MiB, digest: bobDigest });
    for (const user of [bob, carol]) {
        expect((await aborts(user)).map((error) => error.userid)).toEqual([ids.alice]);
        await e2e.waitFor(user, () => connection._internals.runtime.data.plane.incomingCount() === 0, 10000, 'no incoming transfer left');
    }
    console.log(`vanished sender: both receivers heard within ${noticedMs} ms of the kill`);
});
