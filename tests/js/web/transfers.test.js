// Text and files through the whole facade (RTCMultiConnection, web/runtime.js, web/data/ and
// the real wasm core) in Node, on a fake browser (support/fake-browser.js): pages open and
// join a room over a pub/sub bus, their links connect in memory, and their data channels
// behave like Chromium's where it matters (asynchronous delivery, bufferedAmount,
// bufferedamountlow). tests/e2e/files.test.js proves the same between real Chromium pages.
import { RTCMultiConnection } from '../../../web/RTCMultiConnection.js';
import { loadCore, provideEmbeddedWasm } from '../../../web/loader.js';
// The bundle's embedded core (jest.config.js maps the name to the Node build); the bundles'
// entry modules hand it over the same way (web/index.js).
import embeddedWasm from 'rtcmc-core-wasm';
import { FakeWorld } from './support/fake-browser.js';

const MiB = 1024 * 1024;
const EVENTS = ['onopen', 'onclose', 'onleave', 'onmessage', 'onFileStart', 'onFileProgress', 'onFileEnd', 'onFileSent', 'onerror'];

let core;
let world;
let pages;

beforeAll(async () => {
    provideEmbeddedWasm(embeddedWasm);
    core = await loadCore();
});

beforeEach(() => {
    world = new FakeWorld();
    pages = [];
});

afterEach(async () => {
    for (const page of pages) page.connection.close();
    await settle();
    // leave()/close() deleted every plane the facade made.
    expect(core.DataPlane.liveInstances()).toBe(0);
});

// A page of the fake browser, its events logged by name.
function page(userid, extra = {}) {
    const connection = new RTCMultiConnection(undefined, { _drivers: world.drivers() });
    connection.userid = userid;
    connection.extra = extra;
    connection.session = 'data';
    connection.interval = 100; // announcements, so that joiners find the room at once
    connection.iceServers = [];
    const events = [];
    for (const name of EVENTS) connection[name] = (...args) => events.push({ name, args });
    connection.onFileReceived = (fileName, file) => events.push({ name: 'onFileReceived', args: [fileName, file] });
    const created = {
        userid,
        connection,
        events,
        named: (name) => events.filter((event) => event.name === name).map((event) => event.args[0]),
        runtime: () => connection._internals.runtime,
    };
    pages.push(created);
    return created;
}

async function until(predicate, what, timeout = 20000) {
    const deadline = Date.now() + timeout;
    while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
    }
}

async function settle() {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

// The owner opens the room, the others join it; resolves once every pair has an open channel.
async function room(owner, ...members) {
    owner.connection.open('room');
    for (const member of members) member.connection.connect('room');
    const everyone = [owner, ...members];
    await until(() => everyone.every((p) => p.named('onopen').length === everyone.length - 1), 'every data channel to open');
}

function bytes(size, seed) {
    const out = new Uint8Array(size);
    let state = seed >>> 0 || 1;
    for (let i = 0; i < size; i++) {
        state ^= state << 13;
        state >>>= 0;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        out[i] = state & 255;
    }
    return out;
}

async function sameBytes(blob, expected) {
    const got = new Uint8Array(await blob.arrayBuffer());
    return got.length === expected.length && Buffer.compare(Buffer.from(got), Buffer.from(expected)) === 0;
}

test('files arrive whole, after progress that grows to their size, and onFileSent waits for the receiver', async () => {
    const alice = page('alice');
    const bob = page('bob');
    await room(alice, bob);
    const small = bytes(1024, 1);
    const large = bytes(3 * MiB + 123, 2);
    alice.connection.send(new File([small], 'small.bin', { type: 'application/x-small' }), 'bob');
    alice.connection.send(new File([large], 'large.bin'), 'bob');
    await until(() => bob.named('onFileReceived').length === 2 && alice.named('onFileSent').length === 2, 'both files');

    const received = Object.fromEntries(bob.events.filter((e) => e.name === 'onFileReceived').map(({ args: [name, file] }) => [name, file]));
    expect(received['small.bin']).toBeInstanceOf(File);
    expect(received['small.bin'].type).toBe('application/x-small');
    expect(await sameBytes(received['small.bin'], small)).toBe(true);
    expect(await sameBytes(received['large.bin'], large)).toBe(true);
    expect(received['large.bin'].userid).toBe('alice');

    for (const who of [alice, bob]) {
        const progress = who.named('onFileProgress').filter((event) => event.name === 'large.bin');
        const done = progress.map((event) => (who === alice ? event.sent : event.received));
        expect(done).toEqual(progress.map((_, index) => index + 1));
        for (let i = 1; i < progress.length; i++) expect(progress[i].bytes).toBeGreaterThan(progress[i - 1].bytes);
        expect(progress[progress.length - 1]).toMatchObject({ bytes: large.length, size: large.length, remaining: 0, length: progress.length, name: 'large.bin' });
        expect(progress[0].uuid).toMatch(/^alice:\d+$/);
    }
    const sentLarge = alice.events.find((e) => e.name === 'onFileSent' && e.args[0].name === 'large.bin');
    expect(sentLarge.args[1]).toMatchObject({ remoteUserId: 'bob', sending: true, name: 'large.bin' });
    // Starts and ends on both sides, with upstream's fields.
    expect(bob.named('onFileStart').map((e) => e.name).sort()).toEqual(['large.bin', 'small.bin']);
    expect(bob.named('onFileEnd').every((e) => e.file instanceof File && e.sending === false)).toBe(true);
    // The window: never more than 128 KiB buffered before a packet of at most 128 KiB.
    expect(world.channel('alice', 'bob').maxBuffered).toBeLessThanOrEqual(256 * 1024 + 8192);
    expect(alice.named('onerror')).toEqual([]);
    expect(bob.named('onerror')).toEqual([]);
});

test('a broadcast sent before any channel opens reaches every member, once', async () => {
    const alice = page('alice');
    const bob = page('bob');
    const carol = page('carol');
    world.holdChannels = true;
    alice.connection.open('room');
    bob.connection.connect('room');
    carol.connection.connect('room');
    // Both links are made, no channel is open yet.
    await until(() => alice.runtime() && alice.runtime().data.peers.size === 2, 'two links at alice');
    alice.connection.send('hello, everyone');
    alice.connection.send(new File([bytes(5000, 3)], 'early.bin'));
    alice.connection.send('x'.repeat(40000));
    await settle();
    world.openChannels();
    for (const member of [bob, carol]) {
        await until(() => member.named('onmessage').length === 2 && member.named('onFileReceived').length === 1, `${member.userid}'s messages`);
    }
    await settle();
    for (const member of [bob, carol]) {
        expect(member.named('onmessage').map((m) => (m.data.length > 100 ? m.data.length : m.data)).sort()).toEqual([40000, 'hello, everyone'].sort());
        expect(member.named('onFileReceived')).toEqual(['early.bin']);
    }
});

test('what is sent while alone goes to whoever is linked when the first channel opens', async () => {
    const alice = page('alice');
    alice.connection.open('room');
    await until(() => alice.runtime() && alice.runtime().engine, 'the room');
    alice.connection.send('hello, whoever comes first');
    alice.connection.send(new File([bytes(300 * 1024, 9)], 'early.bin'));
    const bob = page('bob');
    bob.connection.connect('room');
    await until(() => bob.named('onmessage').length === 1 && bob.named('onFileReceived').length === 1, 'the early message and file');
    expect(bob.named('onmessage')[0]).toMatchObject({ data: 'hello, whoever comes first', userid: 'alice' });
});

// tests/e2e/data-early-broadcast.test.js on the fake browser: a member who joins and sends at
// once, before it knows anyone, reaches every member of the room once.
test('a message sent right after join() reaches every member once', async () => {
    const owner = page('owner');
    const first = page('first');
    await room(owner, first);
    const late = page('late');
    late.connection.connect('room');
    late.connection.send('sent right after join()');
    await until(() => late.named('onopen').length === 2, "late's two channels");
    for (const member of [owner, first]) await until(() => member.named('onmessage').length >= 1, `${member.userid}'s message`);
    await settle();
    for (const member of [owner, first]) {
        expect(member.named('onmessage').map((m) => `${m.data} from ${m.userid}`)).toEqual(['sent right after join() from late']);
        expect(member.named('onerror')).toEqual([]);
    }
});

test('long text, objects and typed arrays arrive whole in onmessage; short ones too, with the sender and its extra', async () => {
    const alice = page('alice', { name: 'Alice' });
    const bob = page('bob');
    await room(alice, bob);
    const text = 'héllo 漢字 🙂 '.repeat(100000);
    const object = { list: Array.from({ length: 5000 }, (_, i) => ({ i, name: `item ${i}`, nested: { ok: i % 2 === 0 } })) };
    const numbers = Float64Array.from({ length: 10000 }, (_, i) => i / 7);
    const ascii = Array.from({ length: 30000 }, (_, i) => `line ${i}\n`).join('');
    alice.connection.send(text);
    alice.connection.send(object);
    alice.connection.send(numbers);
    alice.connection.send({ short: true });
    alice.connection.send(ascii);
    await until(() => bob.named('onmessage').length === 5, 'five messages');
    const data = bob.named('onmessage').map((event) => event.data);
    const gotText = data.find((value) => typeof value === 'string' && value.startsWith('héllo'));
    expect(gotText === text).toBe(true); // (not toBe: a failure would print megabytes)
    expect(data.find((value) => typeof value === 'string' && value.startsWith('line')) === ascii).toBe(true);
    expect(data.find((value) => value && value.list)).toEqual(object);
    expect(Array.from(data.find((value) => value instanceof Float64Array))).toEqual(Array.from(numbers));
    expect(data).toContainEqual({ short: true });
    for (const event of bob.named('onmessage')) expect(event).toMatchObject({ userid: 'alice', extra: { name: 'Alice' } });

    // The sender's extra follows updateExtraData() for short and long messages alike.
    alice.connection.extra = { name: 'Alice B.' };
    alice.connection.updateExtraData();
    await settle();
    alice.connection.send('after the change');
    alice.connection.send('y'.repeat(20000));
    await until(() => bob.named('onmessage').length === 7, 'two more messages');
    for (const event of bob.named('onmessage').slice(5)) expect(event.extra).toEqual({ name: 'Alice B.' });
});

test('a small message is not stuck behind a large file', async () => {
    const alice = page('alice');
    const bob = page('bob');
    await room(alice, bob);
    let sentAt = null;
    const log = bob.connection.onFileProgress;
    bob.connection.onFileProgress = (...args) => {
        log(...args);
        // At bob's 6th progress event, synchronously: a polling wait could let the whole file
        // through first on a loaded machine.
        if (bob.named('onFileProgress').length === 6 && sentAt === null) {
            sentAt = 6;
            alice.connection.send('x'.repeat(50000), 'bob');
            alice.connection.send('short chat', 'bob');
        }
    };
    alice.connection.send(new File([bytes(8 * MiB, 3)], 'big.bin'), 'bob');
    await until(() => bob.named('onFileReceived').length === 1 && bob.named('onmessage').length === 2, 'the file and the messages');
    const order = bob.events.map((event) => event.name).filter((name) => name === 'onmessage' || name === 'onFileReceived');
    expect(order).toEqual(['onmessage', 'onmessage', 'onFileReceived']);
});

test('refused packets are reported with the core reason, and transfers go on', async () => {
    const alice = page('alice');
    const bob = page('bob');
    await room(alice, bob);
    const channel = world.channel('alice', 'bob');
    const packet = (kind, id, index, count, payloadBytes = 0) => {
        const out = new Uint8Array(16 + payloadBytes);
        const view = new DataView(out.buffer);
        view.setUint8(0, 1);
        view.setUint8(1, kind);
        view.setUint32(4, id, true);
        view.setUint32(8, index, true);
        view.setUint32(12, count, true);
        return out;
    };
    const start = (id, size, chunkSize) => {
        const json = new TextEncoder().encode(JSON.stringify({ kind: 'file', name: 'x', type: '', size, chunkSize, count: Math.ceil(size / chunkSize) }));
        const out = packet(1, id, 0, Math.ceil(size / chunkSize), json.length);
        out.set(json, 16);
        return out;
    };
    channel.send(packet(2, 77, 0, 1, 10)); // chunk of no transfer
    channel.send(start(900, 100, 10));
    channel.send(start(900, 100, 10)); // duplicate Start
    channel.send(packet(2, 900, 0, 10, 5)); // truncated chunk
    channel.send(packet(2, 900, 0, 11, 10)); // count changed
    const oversize = packet(1, 901, 0, 1, 9000);
    oversize.fill(32, 16);
    channel.send(oversize); // metadata over 8192 bytes
    channel.send(new Uint8Array(300000)); // over the packet limit
    channel.send(new Uint8Array(3)); // under the header
    await until(() => bob.named('onerror').length === 7, 'seven refusals');
    expect(bob.named('onerror').map((error) => error.code)).toEqual(['UNKNOWN_TRANSFER', 'DUPLICATE_PACKET', 'TRANSFER_MISMATCH', 'TRANSFER_MISMATCH', 'MALFORMED_PACKET', 'INVALID_ARGUMENT', 'MALFORMED_PACKET']);
    for (const error of bob.named('onerror')) {
        expect(error.message).toMatch(/^a data-channel packet from 'alice' was refused: ./);
        expect(error.userid).toBe('alice');
    }
    alice.connection.send(new File([bytes(200000, 4)], 'after.bin'), 'bob');
    await until(() => bob.named('onFileReceived').length === 1, 'a good file after the bad packets');
});

test('a peer that leaves mid-transfer: both sides get errors naming the file, nothing is delivered', async () => {
    const alice = page('alice');
    const bob = page('bob');
    await room(alice, bob);
    alice.connection.send(new File([bytes(6 * MiB, 5)], 'cut.bin'), 'bob');
    await until(() => bob.named('onFileProgress').length >= 10, 'the file to be under way');
    bob.connection.leave();
    await until(() => alice.named('onerror').length === 1 && bob.named('onerror').length === 1, 'both errors');
    await settle();
    for (const [who, other, sending] of [
        [alice, 'bob', true],
        [bob, 'alice', false],
    ]) {
        const errors = who.named('onerror');
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ code: 'TRANSFER_ABORTED', fileName: 'cut.bin', userid: other, sending });
        expect(errors[0].message).toContain('cut.bin');
    }
    expect(bob.named('onFileReceived')).toEqual([]);
    expect(alice.named('onFileSent')).toEqual([]);
    expect(alice.runtime().data.openTransfers()).toBe(0);
});

test('what never leaves is reported when the page leaves', async () => {
    const carol = page('carol');
    carol.connection.open('room');
    await until(() => carol.runtime() && carol.runtime().engine, 'the room');
    carol.connection.send(new File([bytes(10, 7)], 'never.bin'), 'dave');
    carol.connection.send('z'.repeat(40000));
    await settle();
    carol.connection.leave();
    await until(() => carol.named('onerror').length === 2, 'two errors');
    const errors = carol.named('onerror');
    expect(errors.map((error) => error.code)).toEqual(['TRANSFER_ABORTED', 'TRANSFER_ABORTED']);
    expect(errors[0]).toMatchObject({ fileName: 'never.bin', userid: 'dave', sending: true });
    expect(errors[0].message).toContain('never.bin');
    expect(errors[1].message).toMatch(/before any data channel opened/);
});

test('a checksum mismatch is an error on both sides, never a file', async () => {
    const alice = page('alice');
    const bob = page('bob');
    await room(alice, bob);
    // One payload byte of the third packet (a chunk) is flipped on its way.
    world.channel('alice', 'bob').tamper = (payload, count) => {
        if (count === 3) payload[100] ^= 0xff;
        return payload;
    };
    alice.connection.send(new File([bytes(300000, 8)], 'corrupt.bin'), 'bob');
    await until(() => alice.named('onerror').length === 1 && bob.named('onerror').length === 1, 'both errors');
    expect(bob.named('onerror')[0]).toMatchObject({ code: 'CHECKSUM_MISMATCH', fileName: 'corrupt.bin' });
    expect(alice.named('onerror')[0]).toMatchObject({ code: 'CHECKSUM_MISMATCH', fileName: 'corrupt.bin' });
    expect(bob.named('onFileReceived')).toEqual([]);
    expect(alice.named('onFileSent')).toEqual([]);
});

// A Blob that cannot be read past `goodBytes`, as a file removed or changed on disk:
// arrayBuffer() of it or of a slice reaching past there rejects (or returns the good bytes);
// Chromium rejects arrayBuffer() with NotReadableError when the file changed on disk.
class FailingFile extends File {
    constructor(content, name, goodBytes, { shorter = false } = {}) {
        super([content], name);
        this.goodBytes = goodBytes;
        this.shorter = shorter;
    }

    arrayBuffer() {
        return this.range(0, this.size);
    }

    // A slice reads the same file: past goodBytes it fails, or comes back short.
    slice(start = 0, end = this.size) {
        return { size: end - start, arrayBuffer: () => this.range(start, end) };
    }

    range(start, end) {
        if (end <= this.goodBytes) return Promise.resolve(new ArrayBuffer(end - start));
        if (this.shorter) return Promise.resolve(new ArrayBuffer(Math.max(0, this.goodBytes - start)));
        return Promise.reject(new DOMException('the file could not be read', 'NotReadableError'));
    }
}

// 3 MiB is read with one arrayBuffer(), 9 MiB in slices of 4 MiB (WHOLE_READ_BYTES is 8 MiB).
test.each([
    [false, 3],
    [true, 3],
    [false, 9],
    [true, 9],
])('a file that cannot be read to its end (shorter: %s, %i MiB): the sender reports it and the receiver drops it', async (shorter, size) => {
    const alice = page('alice');
    const bob = page('bob');
    await room(alice, bob);
    alice.connection.send(new FailingFile(bytes(size * MiB, 9), 'vanishing.bin', 1 * MiB, { shorter }), 'bob');
    await until(() => alice.named('onerror').length === 1 && bob.named('onerror').length === 1, 'both errors');
    const [sent] = alice.named('onerror');
    expect(sent).toMatchObject({ code: 'FILE_READ_FAILED', fileName: 'vanishing.bin', userid: 'bob', sending: true });
    expect(sent.message).toMatch(shorter ? /ended .* early/ : /NotReadableError/);
    expect(sent.message).toContain('vanishing.bin');
    const [received] = bob.named('onerror');
    expect(received).toMatchObject({ code: 'TRANSFER_ABORTED', fileName: 'vanishing.bin', userid: 'alice', sending: false });
    expect(bob.named('onFileReceived')).toEqual([]);
    expect(alice.named('onFileSent')).toEqual([]);
});

test('several files both ways at once, each whole', async () => {
    const alice = page('alice');
    const bob = page('bob');
    const carol = page('carol');
    await room(alice, bob, carol);
    const sizes = [2 * MiB + 1, 700 * 1024, 3 * MiB];
    for (const [index, size] of sizes.entries()) {
        alice.connection.send(new File([bytes(size, 10 + index)], `a${index}.bin`));
        bob.connection.send(new File([bytes(size, 20 + index)], `b${index}.bin`), 'alice');
    }
    await until(() => bob.named('onFileReceived').length === 3 && carol.named('onFileReceived').length === 3 && alice.named('onFileReceived').length === 3, 'nine files');
    for (const [who, prefix, seed] of [
        [bob, 'a', 10],
        [carol, 'a', 10],
        [alice, 'b', 20],
    ]) {
        for (const { args: [name, file] } of who.events.filter((e) => e.name === 'onFileReceived')) {
            const index = Number(name.slice(1, 2));
            expect(name.startsWith(prefix)).toBe(true);
            expect(await sameBytes(file, bytes(sizes[index], seed + index))).toBe(true);
        }
    }
    await until(() => alice.named('onFileSent').length === 6 && bob.named('onFileSent').length === 3, 'every confirmation');
});

// A file larger than WHOLE_READ_BYTES is read in slices of SLICE_READ_BYTES, one read ahead:
// the page never holds the whole file, and every byte arrives in order.
class CountingFile extends File {
    constructor(content, name) {
        super([content], name);
        this.slices = [];
        this.pending = 0;
        this.mostPending = 0;
    }

    slice(start, end) {
        const part = super.slice(start, end);
        this.slices.push([start, end]);
        return {
            size: part.size,
            arrayBuffer: () => {
                this.pending += 1;
                this.mostPending = Math.max(this.mostPending, this.pending);
                return part.arrayBuffer().finally(() => {
                    this.pending -= 1;
                });
            },
        };
    }
}

test('a large file is read slice by slice, at most two slices at a time, and arrives whole', async () => {
    const alice = page('alice');
    const bob = page('bob');
    await room(alice, bob);
    const size = 10 * MiB + 5;
    const file = new CountingFile(bytes(size, 31), 'sliced.bin');
    alice.connection.send(file, 'bob');
    await until(() => bob.named('onFileReceived').length === 1, 'the file');
    const [received] = bob.events.filter((event) => event.name === 'onFileReceived');
    expect(received.args[0]).toBe('sliced.bin');
    expect(await sameBytes(received.args[1], bytes(size, 31))).toBe(true);
    expect(file.slices).toEqual([
        [0, 4 * MiB],
        [4 * MiB, 8 * MiB],
        [8 * MiB, size],
    ]);
    expect(file.mostPending).toBeLessThanOrEqual(2);
});
