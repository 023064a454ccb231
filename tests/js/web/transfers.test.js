// web/data/transfers.js over the real wasm core in Node, between two fake pages joined by a
// fake data channel that behaves like Chromium's where it matters here: send() copies, delivery
// is asynchronous, bufferedAmount counts what is not delivered yet, and `bufferedamountlow`
// fires when it drops to the threshold. The browser suite (tests/e2e/files.test.js) proves the
// same with real channels; this one is fast and checks what a browser cannot show (the window,
// refused packets, handles left behind).
import { loadCore } from '../core/load-core.js';
import { Transfers } from '../../../web/data/transfers.js';

const MiB = 1024 * 1024;
let core;

beforeAll(async () => {
    core = await loadCore();
});

class FakeChannel extends EventTarget {
    constructor() {
        super();
        this.readyState = 'open';
        this.bufferedAmount = 0;
        this.bufferedAmountLowThreshold = 0;
        this.peer = null; // {page, userid}: where sent messages arrive
        this.maxBuffered = 0;
    }

    send(data) {
        if (this.readyState !== 'open') throw new Error('InvalidStateError: the channel is not open');
        const copy = typeof data === 'string' ? data : data.slice().buffer;
        const size = typeof data === 'string' ? data.length : data.byteLength;
        this.bufferedAmount += size;
        this.maxBuffered = Math.max(this.maxBuffered, this.bufferedAmount);
        setImmediate(() => {
            if (this.readyState !== 'open') return;
            const before = this.bufferedAmount;
            this.bufferedAmount -= size;
            if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) {
                this.dispatchEvent(new Event('bufferedamountlow'));
            }
            this.peer.page.deliver(this.peer.userid, copy);
        });
    }
}

// A page: a runtime with just what Transfers uses, and a log of its events.
function makePage(userid) {
    const events = [];
    const connection = { userid, extra: { name: userid } };
    for (const name of ['onFileStart', 'onFileProgress', 'onFileEnd', 'onFileSent', 'onmessage']) {
        connection[name] = (...args) => events.push({ name, args });
    }
    connection.onFileReceived = (fileName, file) => events.push({ name: 'onFileReceived', args: [fileName, file] });
    const runtime = {
        core,
        connection,
        userid,
        engine: null,
        fireError: (error) => events.push({ name: 'onerror', args: [error] }),
        deliverMessage: (data, from, extra) => connection.onmessage({ data, userid: from, extra }),
        data: {
            channels: new Map(),
            openChannels() {
                return [...this.channels].filter(([, channel]) => channel.readyState === 'open');
            },
            frames: [],
            sendTo(peer, data) {
                this.frames.push({ peer, data });
            },
            sendToAll(data) {
                this.frames.push({ peer: null, data });
            },
        },
    };
    runtime.transfers = new Transfers(runtime);
    return {
        userid,
        runtime,
        transfers: runtime.transfers,
        events,
        named: (name) => events.filter((event) => event.name === name),
        deliver(from, data) {
            if (typeof data !== 'string') runtime.transfers.receive(from, data);
        },
    };
}

// Two pages with an open channel each way.
function link(a, b, { open = true } = {}) {
    const ab = new FakeChannel();
    const ba = new FakeChannel();
    ab.peer = { page: b, userid: a.userid };
    ba.peer = { page: a, userid: b.userid };
    if (!open) ab.readyState = ba.readyState = 'connecting';
    a.runtime.data.channels.set(b.userid, ab);
    b.runtime.data.channels.set(a.userid, ba);
    channelsMade.push(ab, ba);
    return { ab, ba };
}

function openLink(a, b, channels) {
    channels.ab.readyState = channels.ba.readyState = 'open';
    a.transfers.channelOpened(b.userid, channels.ab);
    b.transfers.channelOpened(a.userid, channels.ba);
}

async function until(predicate, what, timeout = 20000) {
    const deadline = Date.now() + timeout;
    while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
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

const pages = [];
const channelsMade = [];
function page(userid) {
    const created = makePage(userid);
    pages.push(created);
    return created;
}

afterEach(() => {
    // As leave() does: the channels close (nothing more arrives), then the transfers go.
    for (const channel of channelsMade.splice(0)) channel.readyState = 'closed';
    for (const created of pages.splice(0)) created.transfers.release();
    expect(core.TransferManager.liveInstances()).toBe(0);
});

test('files arrive whole, after progress that grows to their size, and onFileSent waits for the receiver', async () => {
    const alice = page('alice');
    const bob = page('bob');
    const { ab } = link(alice, bob);
    const small = bytes(1024, 1);
    const large = bytes(3 * MiB + 123, 2);
    alice.transfers.send(new File([small], 'small.bin', { type: 'application/x-small' }), 'bob');
    alice.transfers.send(new File([large], 'large.bin'), 'bob');
    await until(() => bob.named('onFileReceived').length === 2 && alice.named('onFileSent').length === 2, 'both files');

    const received = Object.fromEntries(bob.named('onFileReceived').map(({ args: [name, file] }) => [name, file]));
    expect(received['small.bin']).toBeInstanceOf(File);
    expect(received['small.bin'].type).toBe('application/x-small');
    expect(await sameBytes(received['small.bin'], small)).toBe(true);
    expect(await sameBytes(received['large.bin'], large)).toBe(true);
    expect(received['large.bin'].userid).toBe('alice');

    for (const who of [alice, bob]) {
        const progress = who.named('onFileProgress').map(({ args: [event] }) => event).filter((event) => event.name === 'large.bin');
        const done = progress.map((event) => (who === alice ? event.sent : event.received));
        expect(done).toEqual(progress.map((_, index) => index + 1));
        for (let i = 1; i < progress.length; i++) expect(progress[i].bytes).toBeGreaterThan(progress[i - 1].bytes);
        const last = progress[progress.length - 1];
        expect(last).toMatchObject({ bytes: large.length, size: large.length, remaining: 0, length: progress.length, name: 'large.bin' });
        expect(last.uuid).toBe(`alice:${last.uuid.split(':')[1]}`);
    }
    // The sender's onFileSent comes after the receiver's onFileReceived.
    const sentLarge = alice.named('onFileSent').find(({ args: [file] }) => file.name === 'large.bin');
    expect(sentLarge.args[1]).toMatchObject({ remoteUserId: 'bob', sending: true, name: 'large.bin' });
    // The window: never more than 128 KiB buffered before a packet of at most 128 KiB.
    expect(ab.maxBuffered).toBeLessThanOrEqual(128 * 1024 + 128 * 1024);
    expect(alice.named('onerror')).toEqual([]);
    expect(bob.named('onerror')).toEqual([]);
});

test('long text, objects and typed arrays arrive whole in onmessage; short ones stay JSON frames', async () => {
    const alice = page('alice');
    const bob = page('bob');
    link(alice, bob);
    const text = 'héllo 漢字 🙂 '.repeat(100000);
    const object = { list: Array.from({ length: 5000 }, (_, i) => ({ i, name: `item ${i}`, nested: { ok: i % 2 === 0 } })) };
    const numbers = Float64Array.from({ length: 10000 }, (_, i) => i / 7);
    const ascii = Array.from({ length: 30000 }, (_, i) => `line ${i}\n`).join(''); // packet by packet
    alice.transfers.send(text, 'bob');
    alice.transfers.send(object, 'bob');
    alice.transfers.send(numbers, 'bob');
    alice.transfers.send({ short: true }, 'bob');
    alice.transfers.send(ascii, 'bob');
    expect(alice.transfers.handles('short text')).toBe(false);
    await until(() => bob.named('onmessage').length === 4, 'four messages');
    // Small transfers go first (web/data/outgoing-lane.js): the 1.4 MiB text may come last.
    const data = bob.named('onmessage').map(({ args: [event] }) => event.data);
    const gotText = data.find((value) => typeof value === 'string' && value.startsWith('héllo'));
    expect(gotText.length).toBe(text.length);
    expect(data.find((value) => typeof value === 'string' && value.startsWith('line')) === ascii).toBe(true);
    expect(gotText === text).toBe(true); // (not toBe: a failure would print megabytes)
    expect(data.find((value) => value && value.list)).toEqual(object);
    const gotNumbers = data.find((value) => value instanceof Float64Array);
    expect(Array.from(gotNumbers)).toEqual(Array.from(numbers));
    for (const { args: [event] } of bob.named('onmessage')) expect(event.userid).toBe('alice');
    // The short object went to the JSON frames of web/data/data-channels.js.
    expect(alice.runtime.data.frames).toEqual([{ peer: 'bob', data: { short: true } }]);
});

test('a small message is not stuck behind a large file', async () => {
    const alice = page('alice');
    const bob = page('bob');
    link(alice, bob);
    // The message goes out at bob's 6th progress event, synchronously: on a loaded machine a
    // polling wait could let the whole file through first.
    const logProgress = bob.runtime.connection.onFileProgress;
    bob.runtime.connection.onFileProgress = (...args) => {
        logProgress(...args);
        if (bob.named('onFileProgress').length === 6) alice.transfers.send('x'.repeat(50000), 'bob');
    };
    alice.transfers.send(new File([bytes(8 * MiB, 3)], 'big.bin'), 'bob');
    await until(() => bob.named('onFileReceived').length === 1, 'the file');
    const order = bob.events.map((event) => event.name).filter((name) => name === 'onmessage' || name === 'onFileReceived');
    expect(order).toEqual(['onmessage', 'onFileReceived']);
});

test('refused packets are reported with the core reason, and transfers go on', async () => {
    const alice = page('alice');
    const bob = page('bob');
    link(alice, bob);
    const header = (kind, id, index, count, payloadBytes = 0) => {
        const packet = new Uint8Array(16 + payloadBytes);
        const view = new DataView(packet.buffer);
        view.setUint8(0, 1);
        view.setUint8(1, kind);
        view.setUint32(4, id, true);
        view.setUint32(8, index, true);
        view.setUint32(12, count, true);
        return packet;
    };
    const start = (id, size, chunkSize) => {
        const json = new TextEncoder().encode(JSON.stringify({ kind: 'file', name: 'x', type: '', size, chunkSize, count: Math.ceil(size / chunkSize) }));
        const packet = header(1, id, 0, Math.ceil(size / chunkSize), json.length);
        packet.set(json, 16);
        return packet.buffer;
    };
    bob.transfers.receive('alice', header(2, 77, 0, 1, 10).buffer); // chunk of no transfer
    bob.transfers.receive('alice', start(900, 100, 10));
    bob.transfers.receive('alice', start(900, 100, 10)); // duplicate Start
    bob.transfers.receive('alice', header(2, 900, 0, 10, 5).buffer); // truncated chunk
    bob.transfers.receive('alice', header(2, 900, 0, 11, 10).buffer); // count changed
    const oversize = header(1, 901, 0, 1, 9000);
    oversize.fill(32, 16);
    bob.transfers.receive('alice', oversize.buffer); // metadata over 8192 bytes
    bob.transfers.receive('alice', new Uint8Array(300000).buffer); // over the packet limit
    bob.transfers.receive('alice', new Uint8Array(3).buffer); // under the header
    const codes = bob.named('onerror').map(({ args: [error] }) => error.code);
    expect(codes).toEqual(['UNKNOWN_TRANSFER', 'DUPLICATE_PACKET', 'TRANSFER_MISMATCH', 'TRANSFER_MISMATCH', 'MALFORMED_PACKET', 'INVALID_ARGUMENT', 'MALFORMED_PACKET']);
    for (const { args: [error] } of bob.named('onerror')) expect(error.message).toMatch(/refused: ./);

    alice.transfers.send(new File([bytes(200000, 4)], 'after.bin'), 'bob');
    await until(() => bob.named('onFileReceived').length === 1, 'a good file after the bad packets');
});

test('a peer that leaves mid-transfer: both sides get errors naming the file, nothing is delivered', async () => {
    const alice = page('alice');
    const bob = page('bob');
    const { ab, ba } = link(alice, bob);
    // The link goes down at the 10th progress event, synchronously: on a loaded machine a
    // polling wait could let the whole file through first.
    const logProgress = bob.runtime.connection.onFileProgress;
    bob.runtime.connection.onFileProgress = (...args) => {
        logProgress(...args);
        if (bob.named('onFileProgress').length === 10) ab.readyState = ba.readyState = 'closed';
    };
    alice.transfers.send(new File([bytes(6 * MiB, 5)], 'cut.bin'), 'bob');
    await until(() => bob.named('onFileProgress').length >= 10, 'the file to be under way');
    alice.transfers.peerGone('bob');
    bob.transfers.peerGone('alice');
    for (const [who, other] of [
        [alice, 'bob'],
        [bob, 'alice'],
    ]) {
        const errors = who.named('onerror').map(({ args: [error] }) => error);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ code: 'TRANSFER_ABORTED', fileName: 'cut.bin', userid: other });
        expect(errors[0].message).toContain('cut.bin');
    }
    expect(bob.named('onFileReceived')).toEqual([]);
    expect(alice.named('onFileSent')).toEqual([]);
    expect(alice.transfers.manager().outgoingCount()).toBe(0);
    expect(bob.transfers.manager().incomingCount()).toBe(0);
});

test('what is sent before a channel opens waits for it; what never leaves is reported', async () => {
    const alice = page('alice');
    const bob = page('bob');
    alice.transfers.send('y'.repeat(40000)); // to everyone: nobody yet
    const channels = link(alice, bob, { open: false });
    alice.transfers.send(new File([bytes(5000, 6)], 'queued.bin'), 'bob');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bob.events).toEqual([]);
    openLink(alice, bob, channels);
    await until(() => bob.named('onmessage').length === 1 && bob.named('onFileReceived').length === 1, 'the queued message and file');

    const carol = page('carol');
    carol.transfers.send(new File([bytes(10, 7)], 'never.bin'), 'dave');
    carol.transfers.send('z'.repeat(40000));
    carol.transfers.release();
    const errors = carol.named('onerror').map(({ args: [error] }) => error);
    expect(errors.map((error) => error.code)).toEqual(['TRANSFER_ABORTED', 'TRANSFER_ABORTED']);
    expect(errors[0].message).toContain('never.bin');
});

test('a checksum mismatch is an error on both sides, never a file', async () => {
    const alice = page('alice');
    const bob = page('bob');
    const { ab } = link(alice, bob);
    // Corrupt one payload byte of the third packet (a chunk) on its way.
    const send = ab.send.bind(ab);
    let packets = 0;
    ab.send = (data) => {
        packets += 1;
        if (packets === 3) {
            const copy = data.slice();
            copy[100] ^= 0xff;
            return send(copy);
        }
        return send(data);
    };
    alice.transfers.send(new File([bytes(300000, 8)], 'corrupt.bin'), 'bob');
    await until(() => alice.named('onerror').length === 1 && bob.named('onerror').length === 1, 'both errors');
    expect(bob.named('onerror')[0].args[0].code).toBe('CHECKSUM_MISMATCH');
    expect(alice.named('onerror')[0].args[0].code).toBe('CHECKSUM_MISMATCH');
    expect(bob.named('onFileReceived')).toEqual([]);
    expect(alice.named('onFileSent')).toEqual([]);
});

// A Blob whose stream fails after `goodBytes`, as a file removed or changed on disk does.
class FailingFile extends File {
    constructor(bytes, name, goodBytes, { shorter = false } = {}) {
        super([bytes], name);
        this.goodBytes = goodBytes;
        this.shorter = shorter;
    }

    stream() {
        const bytes = this.goodBytes;
        const shorter = this.shorter;
        let sent = false;
        return new ReadableStream({
            pull(controller) {
                if (!sent) {
                    sent = true;
                    controller.enqueue(new Uint8Array(bytes));
                } else if (shorter) controller.close();
                else controller.error(new DOMException('the file could not be read', 'NotReadableError'));
            },
        });
    }
}

test('a file that cannot be read to its end: the sender reports it and the receiver drops it', async () => {
    for (const shorter of [false, true]) {
        const alice = page('alice');
        const bob = page('bob');
        link(alice, bob);
        alice.transfers.send(new FailingFile(bytes(3 * MiB, 9), 'vanishing.bin', 1 * MiB, { shorter }), 'bob');
        await until(() => alice.named('onerror').length === 1 && bob.named('onerror').length === 1, 'both errors');
        const [sent] = alice.named('onerror').map(({ args: [error] }) => error);
        expect(sent).toMatchObject({ code: 'FILE_READ_FAILED', fileName: 'vanishing.bin', userid: 'bob', sending: true });
        expect(sent.message).toMatch(shorter ? /ended .* early/ : /NotReadableError/);
        const [received] = bob.named('onerror').map(({ args: [error] }) => error);
        expect(received).toMatchObject({ code: 'TRANSFER_ABORTED', fileName: 'vanishing.bin', userid: 'alice', sending: false });
        expect(bob.named('onFileReceived')).toEqual([]);
        expect(alice.named('onFileSent')).toEqual([]);
        for (const channel of channelsMade.splice(0)) channel.readyState = 'closed';
        for (const created of pages.splice(0)) created.transfers.release();
    }
});
