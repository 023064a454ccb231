// Issue 5: files and text of any size between real Chromium pages, through the real server
// and real data channels (pages/files.html, the seed's file sharing + chat application).
// Payloads are generated in the pages from seeded PRNGs; integrity is checked with SHA-256
// (crypto.subtle) on both ends, independently of the library's own checksums.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { openRoom, useridOf } from './support/room.js';

const e2e = setupE2E({ needsBundle: true });

const KiB = 1024;
const MiB = 1024 * 1024;
const CORE_HEAP_LIMIT = 16 * MiB;

// Waits until `user` has an open data channel to each of `count` peers.
async function waitForChannels(user, count) {
    await e2e.waitFor(user, (count) => Object.keys(connection.channels).length >= count && window.events('onopen').length >= count, 30000, `${count} open data channel(s)`, count);
}

async function errorsOf(user) {
    return user.page.evaluate(() => window.events('onerror'));
}

test('three files from each of two senders reach two receivers at once (and one comes back), whole, with progress to the end, while text keeps flowing', async () => {
    const room = e2e.uniqueId('files');
    const users = await openRoom(e2e, 'files', room, ['alice', 'bob', 'carol', 'dave']);
    const [alice, bob, carol, dave] = users;
    const ids = {};
    for (const user of users) ids[user.name] = await useridOf(e2e, user);
    for (const user of users) await waitForChannels(user, 3);

    const sizes = { 'small.bin': 1 * KiB, 'medium.bin': 5 * MiB, 'large.bin': 64 * MiB };
    const sent = {};
    for (const [index, sender] of [alice, bob].entries()) {
        sent[sender.name] = await sender.page.evaluate(
            async ({ sizes, seed, receivers, useChannels }) => {
                const files = Object.entries(sizes).map(([name, size], i) => seededFile(name, size, seed + i));
                const digests = {};
                for (const file of files) digests[file.name] = await sha256(file);
                // All at once: three files to each receiver, alice through channels[userid].send,
                // bob through send(data, userid).
                for (const userid of receivers) {
                    for (const file of files) {
                        if (useChannels) connection.channels[userid].send(file);
                        else connection.send(file, userid);
                    }
                }
                return digests;
            },
            { sizes, seed: 1000 * (index + 1), receivers: [ids.carol, ids.dave], useChannels: index === 0 },
        );
    }
    // Text while the files flow: a chat line (one JSON frame) and a 100 KB message (a transfer);
    // and a file the other way, from carol to alice.
    await e2e.waitFor(carol, () => Object.values(files.progress).some((entry) => entry.name === 'large.bin' && entry.last.bytes > 4 * 1024 * 1024), 60000, 'a large file under way');
    await alice.page.evaluate((carolId) => connection.send('chat while the files flow', carolId), ids.carol);
    await bob.page.evaluate((daveId) => connection.send('m'.repeat(100000), daveId), ids.dave);
    const replyDigest = await carol.page.evaluate(async (aliceId) => {
        const file = seededFile('reply.bin', 5 * 1024 * 1024, 77);
        connection.send(file, aliceId);
        return sha256(file);
    }, ids.alice);

    for (const receiver of [carol, dave]) {
        await e2e.waitFor(receiver, () => window.events('onFileReceived').length === 6, 120000, 'six files');
    }
    for (const sender of [alice, bob]) {
        await e2e.waitFor(sender, () => window.events('onFileSent').length === 6, 30000, 'six confirmations');
    }
    await e2e.waitFor(alice, () => window.events('onFileReceived').length === 1, 30000, "carol's reply");
    await e2e.waitFor(carol, () => window.events('onFileSent').length === 1, 30000, "the confirmation of carol's reply");
    expect(await alice.page.evaluate(async () => sha256(Object.values(files.received)[0]))).toBe(replyDigest);

    for (const receiver of [carol, dave]) {
        const received = await receiver.page.evaluate(async () => {
            const list = [];
            for (const [uuid, file] of Object.entries(files.received)) {
                list.push({ uuid, name: file.name, size: file.size, userid: file.userid, digest: await sha256(file), isFile: file instanceof File });
            }
            return list;
        });
        expect(received).toHaveLength(6);
        for (const file of received) {
            const sender = file.userid === ids.alice ? 'alice' : file.userid === ids.bob ? 'bob' : null;
            expect(sender).not.toBeNull();
            expect(file.isFile).toBe(true);
            expect(file.size).toBe(sizes[file.name]);
            expect(file.digest).toBe(sent[sender][file.name]);
        }
        // Progress on the receiver: one event per packet, growing, ending at the size.
        const progress = Object.values(await receiver.page.evaluate(() => files.progress)).filter((entry) => !entry.sending);
        expect(progress).toHaveLength(6);
        for (const entry of progress) {
            expect(entry.sending).toBe(false);
            expect(entry.monotonic).toBe(true);
            expect(entry.last).toMatchObject({ bytes: entry.size, remaining: 0, received: entry.last.length });
            expect(entry.events).toBe(entry.last.length);
        }
        // onFileStart and onFileEnd for each, with upstream's fields.
        const starts = (await receiver.page.evaluate(() => window.events('onFileStart'))).filter((start) => !start.sending);
        expect(starts).toHaveLength(6);
        for (const start of starts) {
            expect(start.size).toBe(sizes[start.name]);
            expect(typeof start.uuid).toBe('string');
            expect(start.sending).toBe(false);
        }
        const ends = (await receiver.page.evaluate(() => window.events('onFileEnd'))).filter((end) => !end.sending);
        expect(ends.map((end) => end.isBlob)).toEqual([true, true, true, true, true, true]);
    }
    for (const sender of [alice, bob]) {
        const progress = Object.values(await sender.page.evaluate(() => files.progress)).filter((entry) => entry.sending);
        expect(progress).toHaveLength(6);
        for (const entry of progress) {
            expect(entry.monotonic).toBe(true);
            expect(entry.last).toMatchObject({ bytes: entry.size, remaining: 0, sent: entry.last.length });
        }
        const confirmations = await sender.page.evaluate(() => window.events('onFileSent'));
        expect(confirmations.map((event) => event.remoteUserId).sort()).toEqual([ids.carol, ids.carol, ids.carol, ids.dave, ids.dave, ids.dave].sort());
    }

    // The texts arrived before the receivers' last file, not stuck behind the large ones.
    const chat = await carol.page.evaluate(() => ({ messages: files.messages.map((m) => ({ data: m.data, userid: m.userid, at: m.at })), last: Math.max(...window.events('onFileReceived').map((e) => e.at)) }));
    expect(chat.messages).toEqual([{ data: 'chat while the files flow', userid: ids.alice, at: expect.any(Number) }]);
    expect(chat.messages[0].at).toBeLessThan(chat.last);
    const long = await dave.page.evaluate(() => ({ messages: files.messages.map((m) => ({ length: m.data.length, userid: m.userid, at: m.at })), last: Math.max(...window.events('onFileReceived').map((e) => e.at)) }));
    expect(long.messages).toEqual([{ length: 100000, userid: ids.bob, at: expect.any(Number) }]);
    expect(long.messages[0].at).toBeLessThan(long.last);

    // The core's wasm heap never grew past its 16 MiB; nobody saw an error.
    for (const user of users) {
        expect(await user.page.evaluate(() => coreHeapBytes())).toBeLessThanOrEqual(CORE_HEAP_LIMIT);
        expect(await errorsOf(user)).toEqual([]);
    }
});

test('a 10 MiB string, a nested object and a typed array arrive whole in onmessage, as short messages do', async () => {
    const room = e2e.uniqueId('messages');
    const [alice, bob] = await openRoom(e2e, 'files', room, ['alice', 'bob']);
    const aliceId = await useridOf(e2e, alice);
    await waitForChannels(alice, 1);
    await waitForChannels(bob, 1);

    const expected = await alice.page.evaluate(async () => {
        const text = seededText(10 * 1024 * 1024, 7);
        const nested = {
            title: 'naïve 漢字 🙂',
            numbers: [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER],
            flags: { yes: true, no: false, none: null },
            rows: Array.from({ length: 3000 }, (_, i) => ({ id: i, label: `row ${i}`, tags: ['a', 'b', String(i % 7)], deep: { level: { value: i * 3 } } })),
        };
        const floats = Float64Array.from({ length: 50000 }, (_, i) => Math.sin(i));
        connection.send(text);
        connection.send(nested);
        connection.send(floats);
        connection.send('short text');
        connection.send({ short: ['object', 1, true] });
        return {
            textLength: text.length,
            textDigest: await sha256(text),
            nestedJson: JSON.stringify(nested),
            floatsDigest: await sha256(floats),
        };
    });
    await e2e.waitFor(bob, () => files.messages.length === 5, 60000, 'five messages');
    const got = await bob.page.evaluate(async () => {
        const find = (predicate) => files.messages.find((message) => predicate(message.data));
        const text = find((data) => typeof data === 'string' && data.length > 1000);
        const nested = find((data) => data && data.rows);
        const floats = find((data) => data instanceof Float64Array);
        return {
            textLength: text.data.length,
            textDigest: await sha256(text.data),
            nestedJson: JSON.stringify(nested.data),
            floatsDigest: await sha256(floats.data),
            shortText: find((data) => data === 'short text'),
            shortObject: find((data) => data && data.short),
            shapes: files.messages.map((message) => Object.keys(message).sort().join(',')),
            userids: files.messages.map((message) => message.userid),
        };
    });
    expect(got.textLength).toBe(expected.textLength);
    expect(got.textDigest).toBe(expected.textDigest);
    expect(got.nestedJson).toBe(expected.nestedJson);
    expect(got.floatsDigest).toBe(expected.floatsDigest);
    expect(got.shortText).toMatchObject({ data: 'short text', userid: aliceId, extra: {} });
    expect(got.shortObject).toMatchObject({ data: { short: ['object', 1, true] }, userid: aliceId });
    // The same shape for short and long messages.
    expect(new Set(got.shapes)).toEqual(new Set(['at,data,extra,userid']));
    expect(new Set(got.userids)).toEqual(new Set([aliceId]));
    expect(await errorsOf(alice)).toEqual([]);
    expect(await errorsOf(bob)).toEqual([]);
});

test('a receiver that leaves or closes its page mid-transfer: errors naming the file on both sides, nothing delivered', async () => {
    const room = e2e.uniqueId('leaving');
    const [alice, bob, carol] = await openRoom(e2e, 'files', room, ['alice', 'bob', 'carol']);
    const ids = { alice: await useridOf(e2e, alice), bob: await useridOf(e2e, bob), carol: await useridOf(e2e, carol) };
    await waitForChannels(alice, 2);
    await waitForChannels(bob, 2);
    await waitForChannels(carol, 2);

    await alice.page.evaluate(() => connection.send(seededFile('interrupted.bin', 64 * 1024 * 1024, 42)));
    const underWay = () => Object.values(files.progress).some((entry) => entry.last.bytes > 4 * 1024 * 1024);
    await e2e.waitFor(bob, underWay, 60000, 'the file under way to bob');
    await e2e.waitFor(carol, underWay, 60000, 'the file under way to carol');

    // bob leaves the session; carol's tab is closed.
    await bob.page.evaluate(() => connection.leave());
    await carol.page.close();

    await e2e.waitFor(alice, () => window.events('onerror').length >= 2, 30000, 'two transfer errors');
    const aliceErrors = await errorsOf(alice);
    expect(aliceErrors).toHaveLength(2);
    expect(aliceErrors.map((error) => error.userid).sort()).toEqual([ids.bob, ids.carol].sort());
    for (const error of aliceErrors) {
        expect(error).toMatchObject({ code: 'TRANSFER_ABORTED', fileName: 'interrupted.bin', sending: true });
        expect(error.message).toContain('interrupted.bin');
    }
    const bobErrors = await errorsOf(bob);
    expect(bobErrors).toHaveLength(1);
    expect(bobErrors[0]).toMatchObject({ code: 'TRANSFER_ABORTED', fileName: 'interrupted.bin', userid: ids.alice, sending: false });
    expect(bobErrors[0].message).toContain('interrupted.bin');

    expect(await bob.page.evaluate(() => window.events('onFileReceived'))).toEqual([]);
    expect(await alice.page.evaluate(() => window.events('onFileSent'))).toEqual([]);
    // The library still works for the one who stayed: nothing half-open is left in its core.
    expect(await alice.page.evaluate(() => connection._internals.runtime.data.openTransfers())).toBe(0);
});

test('what is sent before anyone joined arrives once the first data channel opens', async () => {
    const room = e2e.uniqueId('early');
    const alice = await e2e.openUser('alice', 'files', { room, role: 'owner' });
    await e2e.waitForRoom(room, { members: 1 });
    const digest = await alice.page.evaluate(async () => {
        const file = seededFile('early.bin', 300 * 1024, 9);
        connection.send('hello, whoever comes first');
        connection.send('e'.repeat(50000));
        connection.send(file);
        return sha256(file);
    });
    const bob = await e2e.openUser('bob', 'files', { room });
    await e2e.waitFor(bob, () => files.messages.length === 2 && window.events('onFileReceived').length === 1, 30000, 'the early messages and file');
    const got = await bob.page.evaluate(async () => ({
        messages: files.messages.map((message) => (message.data.length > 100 ? `${message.data.length} chars` : message.data)).sort(),
        digest: await sha256(Object.values(files.received)[0]),
    }));
    expect(got.messages).toEqual(['50000 chars', 'hello, whoever comes first']);
    expect(got.digest).toBe(digest);
    expect(await errorsOf(bob)).toEqual([]);
});

test('bad packets are refused with the core reason through onerror, and the session goes on', async () => {
    const room = e2e.uniqueId('hostile');
    const [alice, bob] = await openRoom(e2e, 'files', room, ['alice', 'bob']);
    const aliceId = await useridOf(e2e, alice);
    const bobId = await useridOf(e2e, bob);
    await waitForChannels(alice, 1);
    await waitForChannels(bob, 1);

    // alice's page writes packets by hand (docs/protocol-packets.md) on its real channel.
    await alice.page.evaluate((bobId) => {
        const channel = connection._internals.runtime.data.channels.get(bobId);
        const packet = (kind, id, index, count, payload = new Uint8Array(0)) => {
            const bytes = new Uint8Array(16 + payload.length);
            const view = new DataView(bytes.buffer);
            view.setUint8(0, 1);
            view.setUint8(1, kind);
            view.setUint32(4, id, true);
            view.setUint32(8, index, true);
            view.setUint32(12, count, true);
            bytes.set(payload, 16);
            return bytes;
        };
        const json = (value) => new TextEncoder().encode(JSON.stringify(value));
        const start = (id) => packet(1, id, 0, 10, json({ kind: 'file', name: 'forged.bin', type: '', size: 100, chunkSize: 10, count: 10 }));
        channel.send(packet(2, 4000, 0, 1, new Uint8Array(10))); // a chunk of no transfer
        channel.send(start(4001));
        channel.send(start(4001)); // the same Start again
        channel.send(packet(2, 4001, 0, 10, new Uint8Array(5))); // a truncated chunk
        channel.send(packet(2, 4001, 1, 12, new Uint8Array(10))); // the count changed
        channel.send(packet(2, 4001, 2, 10, new Uint8Array(10)));
        channel.send(packet(2, 4001, 2, 10, new Uint8Array(10))); // a duplicate
        channel.send(packet(1, 4002, 0, 1, new Uint8Array(9000).fill(32))); // oversize metadata
        channel.send(new Uint8Array([1, 2, 3])); // shorter than a header
        channel.send(packet(9, 4003, 0, 0)); // unknown kind
    }, bobId);
    await e2e.waitFor(bob, () => window.events('onerror').length >= 8, 20000, 'eight refusals');
    const errors = await errorsOf(bob);
    expect(errors.map((error) => error.code)).toEqual([
        'UNKNOWN_TRANSFER',
        'DUPLICATE_PACKET',
        'TRANSFER_MISMATCH', // truncated
        'TRANSFER_MISMATCH', // count changed
        'DUPLICATE_PACKET',
        'MALFORMED_PACKET', // oversize metadata
        'MALFORMED_PACKET', // shorter than a header
        'MALFORMED_PACKET', // unknown kind
    ]);
    for (const error of errors) expect(error.userid).toBe(aliceId);
    for (const error of errors) expect(error.message).toMatch(/refused: ./);

    // The session goes on: a real file still arrives whole.
    const digest = await alice.page.evaluate(async () => {
        const file = seededFile('after.bin', 2 * 1024 * 1024, 11);
        connection.send(file);
        return sha256(file);
    });
    await e2e.waitFor(bob, () => window.events('onFileReceived').length === 1, 30000, 'a good file after the bad packets');
    expect(await bob.page.evaluate(async () => sha256(Object.values(files.received)[0]))).toBe(digest);
});

test('receiving a 1 GiB file keeps the core wasm heap at 16 MiB', async () => {
    const room = e2e.uniqueId('gigabyte');
    const [alice, bob] = await openRoom(e2e, 'files', room, ['alice', 'bob']);
    await waitForChannels(alice, 1);
    await waitForChannels(bob, 1);
    // 1024 blocks of 1 MiB, each stamped with its index: the page never holds more than one.
    await alice.page.evaluate(() => {
        const block = seededBytes(1024 * 1024, 5);
        const stamp = new DataView(block.buffer);
        const parts = [];
        for (let i = 0; i < 1024; i++) {
            stamp.setUint32(0, i, true);
            parts.push(new Blob([block]));
        }
        connection.send(new File(parts, 'gigabyte.bin'));
    });
    // Sampled at each check while the file comes in. It takes about 140 s with the machine's
    // other core busy (7 MiB/s), so the wait fails on a stall of 30 s rather than a deadline.
    let heapPeak = 0;
    await e2e.waitWhileProgressing(
        bob,
        () => window.events('onFileReceived').length === 1,
        async () => {
            heapPeak = Math.max(heapPeak, await bob.page.evaluate(() => coreHeapBytes()));
            return bob.page.evaluate(() => Object.values(files.progress).reduce((sum, entry) => sum + (entry.last ? entry.last.bytes : 0), 0));
        },
        { stallMs: 30000, limitMs: 360000, description: 'the 1 GiB file' },
    );
    heapPeak = Math.max(heapPeak, await bob.page.evaluate(() => coreHeapBytes()));
    expect(heapPeak).toBeLessThanOrEqual(CORE_HEAP_LIMIT);
    // The core verified its checksum before onFileReceived; spot-check a few blocks anyway.
    const check = await bob.page.evaluate(async () => {
        const file = Object.values(files.received)[0];
        const block = seededBytes(1024 * 1024, 5);
        const wrong = [];
        for (const index of [0, 1, 511, 777, 1023]) {
            const got = new Uint8Array(await file.slice(index * 1024 * 1024, (index + 1) * 1024 * 1024).arrayBuffer());
            new DataView(block.buffer).setUint32(0, index, true);
            if (got.length !== block.length || got.some((value, i) => value !== block[i])) wrong.push(index);
        }
        return { size: file.size, wrong };
    });
    expect(check).toEqual({ size: 1024 * 1024 * 1024, wrong: [] });
    expect(await errorsOf(bob)).toEqual([]);
}, 450000);
