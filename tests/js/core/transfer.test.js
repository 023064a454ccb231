// The transfer core through embind in Node, driven the way the browser facade will drive it:
// JS fills the module's input buffer, sends slices of its output buffer, and keeps received
// payloads as slices of the packets that arrived (Blob parts in the browser).
import { createHash } from 'node:crypto';
import { wordsOf } from '../../../web/errors.js';
import { loadCore } from './load-core.js';

const MiB = 1024 * 1024;

let core;
beforeAll(async () => {
    core = await loadCore();
});

// Every manager a test creates goes through here and is delete()d when the test ends.
async function withManagers(count, body) {
    const managers = Array.from({ length: count }, () => new core.TransferManager());
    try {
        return await body(...managers);
    } finally {
        for (const manager of managers) manager.delete();
    }
}

// The module's buffers as views; a grown heap detaches them (byteLength 0), so refresh then.
class Buffers {
    constructor(manager) {
        this.manager = manager;
        this.refresh();
    }
    refresh() {
        this.input = this.manager.inputView();
        this.output = this.manager.outputView();
        this.payload = this.manager.chunkPayloadView();
    }
    fresh() {
        if (this.input.byteLength === 0) this.refresh();
        return this;
    }
}

// Deterministic pseudo-random bytes, a block at a time (xorshift32 over 32-bit words).
function* pseudoRandomBlocks(totalBytes, blockBytes, seed = 0x9e3779b9) {
    let state = seed >>> 0;
    for (let offset = 0; offset < totalBytes; offset += blockBytes) {
        const length = Math.min(blockBytes, totalBytes - offset);
        const words = new Uint32Array(Math.ceil(length / 4));
        for (let i = 0; i < words.length; i++) {
            state ^= state << 13;
            state ^= state >>> 17;
            state ^= state << 5;
            words[i] = state;
        }
        yield new Uint8Array(words.buffer, 0, length);
    }
}

function bytes(length, seed) {
    const out = new Uint8Array(length);
    let offset = 0;
    for (const block of pseudoRandomBlocks(length, 4096, seed)) {
        out.set(block, offset);
        offset += block.length;
    }
    return out;
}

// A channel: send() copies the bytes (as RTCDataChannel.send does), so the receiver gets its
// own ArrayBuffer, whose payload slice it may keep.
function send(buffers, outcome) {
    expect(outcome.ok).toBe(true);
    expect(outcome.packetLength).toBeGreaterThan(0);
    return buffers.fresh().output.slice(0, outcome.packetLength);
}

// Hands a packet to a manager, as the facade does with every message of a channel.
function deliver(manager, buffers, from, packet) {
    buffers.fresh().input.set(packet);
    return manager._receive(from, packet.byteLength);
}

function description(kind, name, size, chunkSize) {
    return { kind, name, type: 'application/octet-stream', size, chunkSize };
}

// Every packet of a small transfer written through the input buffer, Start to End.
function packetise(sender, buffers, to, source, chunkSize) {
    const packets = [];
    let outcome = sender._startOutgoing(
        to,
        description(core.TransferKind.Binary, 'data.bin', source.length, chunkSize),
    );
    const id = outcome.transferId;
    packets.push(send(buffers, outcome));
    for (let range; (range = sender.nextChunk(id)) !== null; ) {
        buffers.fresh().input.set(source.subarray(range.offset, range.offset + range.length));
        outcome = sender._writeChunk(id, range.length);
        expect(outcome.event).toBe(core.TransferEvent.Chunk);
        expect(outcome.index).toBe(range.index);
        packets.push(send(buffers, outcome));
    }
    packets.push(send(buffers, sender._writeEnd(id)));
    return { id, packets };
}

function payloadOf(packet, outcome) {
    return packet.subarray(outcome.payloadOffset, outcome.payloadOffset + outcome.payloadLength);
}

// Byte equality without Jest's element-by-element diff, which is slow on large arrays.
function expectSameBytes(actual, expected) {
    expect(actual.length).toBe(expected.length);
    const view = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    expect(Buffer.compare(view(actual), view(expected))).toBe(0);
}

function concat(parts) {
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
        out.set(part, offset);
        offset += part.length;
    }
    return out;
}

describe('transfers through embind', () => {
    test('256 MiB round-trips with matching SHA-256 and the core verifies it', async () => {
        await withManagers(2, async (sender, receiver) => {
            const total = 256 * MiB;
            const chunkSize = 64 * 1024;
            const senderBuffers = new Buffers(sender);
            const receiverBuffers = new Buffers(receiver);
            const heapBefore = core.HEAPU8.byteLength;
            const { File, Started, Chunk, Received, Delivered } = {
                ...core.TransferKind,
                ...core.TransferEvent,
            };

            const bigFile = description(File, 'big.bin', total, chunkSize);
            let outcome = sender._startOutgoing('bob', bigFile);
            expect(outcome).toMatchObject({ ok: true, event: Started, length: 4096 });
            const id = outcome.transferId;
            const start = send(senderBuffers, outcome);
            let received = deliver(receiver, receiverBuffers, 'alice', start);
            expect(received).toMatchObject({ ok: true, event: Started, transferId: id });
            expect(receiver.incomingMetadata('alice', id)).toMatchObject({
                kind: File,
                name: 'big.bin',
                size: total,
                chunkSize,
                count: 4096,
            });

            const inputHash = createHash('sha256');
            const parts = [];
            for (const block of pseudoRandomBlocks(total, chunkSize)) {
                inputHash.update(block);
                senderBuffers.fresh().input.set(block);
                const packet = send(senderBuffers, sender._writeChunk(id, block.length));
                received = deliver(receiver, receiverBuffers, 'alice', packet);
                if (!received.ok) throw new Error(`${received.code}: ${wordsOf(received.text)}`);
                parts[received.index] = payloadOf(packet, received);
            }
            expect(received).toMatchObject({ event: Chunk, received: 4096, remaining: 0 });
            expect(received.bytesDone).toBe(total);

            const end = send(senderBuffers, sender._writeEnd(id));
            received = deliver(receiver, receiverBuffers, 'alice', end);
            expect(received).toMatchObject({ ok: true, event: Received, code: '' });
            const complete = receiverBuffers.fresh().output.slice(0, received.packetLength);
            expect(complete[1]).toBe(core.PacketKind.Complete);

            expect(parts).toHaveLength(4096);
            const outputHash = createHash('sha256');
            for (const part of parts) outputHash.update(part);
            expect(outputHash.digest('hex')).toBe(inputHash.digest('hex'));

            const delivered = deliver(sender, senderBuffers, 'bob', complete);
            expect(delivered).toMatchObject({ ok: true, event: Delivered, transferId: id });
            expect(delivered.bytesDone).toBe(total);
            expect(sender.outgoingCount()).toBe(0);
            expect(receiver.incomingCount()).toBe(0);
            // Payload bytes never accumulate in the wasm heap.
            expect(core.HEAPU8.byteLength).toBe(heapBefore);
            expect(core.HEAPU8.byteLength).toBeLessThanOrEqual(16 * MiB);
        });
    }, 60000);

    test('chunks written in place need no input copy', async () => {
        await withManagers(2, async (sender, receiver) => {
            const source = bytes(300000, 7);
            const senderBuffers = new Buffers(sender);
            const receiverBuffers = new Buffers(receiver);
            const chunkSize = core.transferLimits().maxChunkSize;
            const started = sender._startOutgoing(
                'bob',
                description(core.TransferKind.Text, '', source.length, chunkSize),
            );
            const id = started.transferId;
            deliver(receiver, receiverBuffers, 'alice', send(senderBuffers, started));
            const parts = [];
            for (let range; (range = sender.nextChunk(id)) !== null; ) {
                const payload = source.subarray(range.offset, range.offset + range.length);
                senderBuffers.fresh().payload.set(payload);
                const packet = send(senderBuffers, sender._writeChunkInPlace(id, range.length));
                const got = deliver(receiver, receiverBuffers, 'alice', packet);
                parts[got.index] = payloadOf(packet, got);
            }
            const end = send(senderBuffers, sender._writeEnd(id));
            const done = deliver(receiver, receiverBuffers, 'alice', end);
            expect(done.event).toBe(core.TransferEvent.Received);
            expectSameBytes(concat(parts), source);
        });
    });

    test('out-of-order delivery, the End included, still reassembles and verifies', async () => {
        await withManagers(2, async (sender, receiver) => {
            const source = bytes(20 * 1000 + 123, 3);
            const senderBuffers = new Buffers(sender);
            const receiverBuffers = new Buffers(receiver);
            const { id, packets } = packetise(sender, senderBuffers, 'bob', source, 1000);
            const [start, ...rest] = packets;
            // A fixed permutation: odd positions reversed, then even ones.
            const order = [
                ...rest.filter((_, i) => i % 2 === 1).reverse(),
                ...rest.filter((_, i) => i % 2 === 0),
            ];
            expect(deliver(receiver, receiverBuffers, 'alice', start).ok).toBe(true);
            const parts = [];
            let last;
            for (const packet of order) {
                last = deliver(receiver, receiverBuffers, 'alice', packet);
                expect(last.ok).toBe(true);
                if (last.payloadLength > 0) parts[last.index] = payloadOf(packet, last);
            }
            expect(last.event).toBe(core.TransferEvent.Received);
            expect(last.transferId).toBe(id);
            expectSameBytes(concat(parts), source);
        });
    });

    test('a duplicate packet is refused with a code and changes nothing', async () => {
        await withManagers(2, async (sender, receiver) => {
            const senderBuffers = new Buffers(sender);
            const receiverBuffers = new Buffers(receiver);
            const { id, packets } = packetise(sender, senderBuffers, 'bob', bytes(5000, 1), 1000);
            deliver(receiver, receiverBuffers, 'alice', packets[0]);
            expect(deliver(receiver, receiverBuffers, 'alice', packets[1]).ok).toBe(true);
            const before = receiver.progress(core.TransferDirection.Incoming, 'alice', id);
            const duplicate = deliver(receiver, receiverBuffers, 'alice', packets[1]);
            expect(duplicate).toMatchObject({
                ok: false,
                code: 'DUPLICATE_PACKET',
                event: core.TransferEvent.None,
            });
            expect(wordsOf(duplicate.text)).toContain('chunk 0 was already received');
            const after = receiver.progress(core.TransferDirection.Incoming, 'alice', id);
            expect(after).toEqual(before);
            expect(after).toMatchObject({
                userid: 'alice',
                name: 'data.bin',
                received: 1,
                length: 5,
                remaining: 4,
            });
        });
    });

    test('a corrupted checksum fails verification on both sides', async () => {
        await withManagers(2, async (sender, receiver) => {
            const senderBuffers = new Buffers(sender);
            const receiverBuffers = new Buffers(receiver);
            const { id, packets } = packetise(sender, senderBuffers, 'bob', bytes(5000, 2), 1000);
            packets[packets.length - 1][16] ^= 0xff; // first byte of the End's checksum
            let outcome;
            for (const packet of packets) {
                outcome = deliver(receiver, receiverBuffers, 'alice', packet);
            }
            expect(outcome).toMatchObject({
                ok: true,
                event: core.TransferEvent.Failed,
                code: 'CHECKSUM_MISMATCH',
            });
            expect(wordsOf(outcome.text)).toContain('failed verification');
            const failed = receiverBuffers.fresh().output.slice(0, outcome.packetLength);
            expect(failed[1]).toBe(core.PacketKind.Failed);
            const heard = deliver(sender, senderBuffers, 'bob', failed);
            expect(heard).toMatchObject({
                ok: true,
                event: core.TransferEvent.Failed,
                direction: core.TransferDirection.Outgoing,
                transferId: id,
                code: 'CHECKSUM_MISMATCH',
            });
            expect(sender.outgoingCount()).toBe(0);
            expect(receiver.incomingCount()).toBe(0);
        });
    });

    test('packets for unknown transfers and garbage are refused with specific codes', async () => {
        await withManagers(1, async (receiver) => {
            const buffers = new Buffers(receiver);
            // A Chunk header for transfer 999, which never started.
            const chunk = new Uint8Array(16 + 4);
            const header = new DataView(chunk.buffer);
            header.setUint8(0, 1);
            header.setUint8(1, core.PacketKind.Chunk);
            header.setUint32(4, 999, true);
            header.setUint32(8, 0, true);
            header.setUint32(12, 1, true);
            const refused = (packet, code) =>
                expect(deliver(receiver, buffers, 'alice', packet)).toMatchObject({
                    ok: false,
                    code,
                });
            refused(chunk, 'UNKNOWN_TRANSFER');
            refused(new TextEncoder().encode('hello there, world'), 'UNSUPPORTED_VERSION');
            refused(new Uint8Array(7), 'MALFORMED_PACKET');
            header.setUint32(8, 5, true); // index 5 of a 1-chunk transfer
            refused(chunk, 'PACKET_OUT_OF_RANGE');
            expect(receiver._receive('alice', 262145)).toMatchObject({
                ok: false,
                code: 'INVALID_ARGUMENT',
            });
            expect(receiver.incomingCount()).toBe(0);
        });
    });

    test('bad descriptions are refused before anything is written', async () => {
        await withManagers(1, async (sender) => {
            const base = description(core.TransferKind.File, 'a', 10, 4);
            const changes = [
                { size: -1 },
                { size: 1.5 },
                { size: NaN },
                { size: 2 ** 53 },
                { chunkSize: 0 },
                { chunkSize: 262129 },
                { name: 'x'.repeat(1025) },
                { name: 'a\nb' },
            ];
            for (const change of changes) {
                expect(sender._startOutgoing('bob', { ...base, ...change })).toMatchObject({
                    ok: false,
                    code: 'INVALID_ARGUMENT',
                });
            }
            expect(sender._startOutgoing('', base)).toMatchObject({
                ok: false,
                code: 'INVALID_ARGUMENT',
            });
            expect(sender.outgoingCount()).toBe(0);
            expect(sender.nextChunk(1)).toBeNull();
            expect(sender.progress(core.TransferDirection.Outgoing, '', 1)).toBeNull();
        });
    });

    test('a peer leaving aborts its transfers in both directions and names each', async () => {
        await withManagers(2, async (ann, ben) => {
            const annBuffers = new Buffers(ann);
            const benBuffers = new Buffers(ben);
            const { File, Aborted } = { ...core.TransferKind, ...core.TransferEvent };
            const toBen = ann._startOutgoing('ben', description(File, 'out.bin', 100, 10));
            const fromBen = ben._startOutgoing('ann', description(File, 'in.bin', 100, 10));
            deliver(ann, annBuffers, 'ben', send(benBuffers, fromBen));
            const gone = ann.peerGone('ben');
            expect(gone).toHaveLength(2);
            for (const outcome of gone) {
                expect(outcome).toMatchObject({
                    ok: true,
                    event: Aborted,
                    code: 'TRANSFER_ABORTED',
                });
            }
            expect(gone.map((o) => wordsOf(o.text)).sort()).toEqual([
                `'ben' left during transfer ${fromBen.transferId} ("in.bin")`,
                `'ben' left during transfer ${toBen.transferId} ("out.bin")`,
            ]);
            expect(ann.outgoingCount() + ann.incomingCount()).toBe(0);
            // Giving up on purpose is not an error on this side; the Abort carries the reason.
            const abort = ben._abortOutgoing(fromBen.transferId, 'stopped');
            expect(abort).toMatchObject({ ok: true, event: Aborted, code: '' });
            expect(abort.packetLength).toBe(16 + 'stopped'.length);
        });
    });

    test('limits are exposed for the facade', () => {
        expect(core.transferLimits()).toMatchObject({
            headerBytes: 16,
            maxPacketBytes: 262144,
            maxChunkSize: 262128,
            recommendedChunkSize: 65520,
            maxMetadataBytes: 8192,
            maxReasonBytes: 1024,
            maxSize: 2 ** 53 - 1,
        });
    });

    test('no embind handle outlives its test', () => {
        expect(core.TransferManager.liveInstances()).toBe(0);
        const manager = new core.TransferManager();
        expect(core.TransferManager.liveInstances()).toBe(1);
        manager.delete();
        expect(manager.isDeleted()).toBe(true);
        expect(core.TransferManager.liveInstances()).toBe(0);
    });
});
