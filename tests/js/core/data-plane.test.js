// The data plane through embind in Node (bindings/data_plane_bindings.cpp), read the way
// web/data/data-plane-driver.js reads it: commands as words in the wasm heap, packets sent as
// views of the arena, file bytes read into it. The facade itself is tested on a fake browser
// (tests/js/web/transfers.test.js); this checks the embind surface and the heap.
import { createHash } from 'node:crypto';
import { loadCore } from './load-core.js';

const MiB = 1024 * 1024;
let core;

beforeAll(async () => {
    core = await loadCore();
});

afterEach(() => {
    for (const end of ends.splice(0)) end.plane.delete();
    expect(core.DataPlane.liveInstances()).toBe(0);
});

// One end: a plane, its commands carried out at once (packets go to `outbox`).
class End {
    constructor(userid, other) {
        this.plane = new core.DataPlane(0, 0, 0);
        this.peer = this.plane.attach(other);
        this.outbox = [];
        this.sources = new Map(); // job -> Uint8Array
        this.chunks = new Map(); // handle -> [Uint8Array]
        this.notices = [];
        this.received = [];
        this.delivered = [];
        this.filled = new Map();
    }

    run(count) {
        const heap = core.HEAPU8;
        const u32 = new Uint32Array(heap.buffer);
        const f64 = new Float64Array(heap.buffer);
        const header = this.plane.header() >> 2;
        const arena = this.plane.arena();
        const first = u32[header] >> 2;
        expect(u32[header + 1]).toBe(count);
        for (let i = 0; i < count; i++) {
            const at = first + i * 10;
            const [kind, , handle, job, offset, length, , index] = u32.subarray(at, at + 8);
            if (kind === 1) this.outbox.push(heap.slice(arena + offset, arena + offset + length));
            else if (kind === 3) {
                const position = f64[(at >> 1) + 4];
                heap.set(this.sources.get(job).subarray(position, position + length), arena + offset);
                this.filled.set(handle, (this.filled.get(handle) || 0) + 1);
            } else if (kind === 7) {
                if (!this.chunks.has(handle)) this.chunks.set(handle, []);
                this.chunks.get(handle)[index] = this.current.slice(offset, offset + length);
            } else if (kind === 8) this.received.push(handle);
            else if (kind === 9) this.delivered.push(handle);
            else if (kind === 11) {
                const text = u32[header + 2] + offset;
                this.notices.push(JSON.parse(new TextDecoder().decode(heap.subarray(text, text + length))));
            }
        }
        const filled = [...this.filled];
        this.filled.clear();
        for (const [handle, n] of filled) this.run(this.plane.filled(handle, n));
    }

    receive(packet) {
        core.HEAPU8.set(packet, this.plane.arena());
        this.current = packet;
        this.run(this.plane.receive(this.peer, packet.byteLength, 0));
    }
}

// Delivers every packet each way until nothing is left.
function exchange(a, b, reorder = (list) => list) {
    while (a.outbox.length || b.outbox.length) {
        for (const [from, to] of [
            [a, b],
            [b, a],
        ]) {
            const packets = reorder(from.outbox.splice(0));
            for (const packet of packets) to.receive(packet);
            // Everything sent was delivered: the channel's buffer is empty.
            new Float64Array(core.HEAPU8.buffer)[(from.plane.buffered() >> 3) + from.peer] = 0;
            from.run(from.plane.pump(from.peer));
        }
    }
}

function pseudoRandom(length, seed) {
    const words = new Uint32Array(Math.ceil(length / 4));
    let state = seed >>> 0 || 1;
    for (let i = 0; i < words.length; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        words[i] = state;
    }
    return new Uint8Array(words.buffer, 0, length);
}

let ends = [];
function pair() {
    const alice = new End('alice', 'bob');
    const bob = new End('bob', 'alice');
    ends = [alice, bob];
    alice.run(alice.plane.channelOpened(alice.peer));
    bob.run(bob.plane.channelOpened(bob.peer));
    return [alice, bob];
}

test('256 MiB cross, hash-identical, and neither heap grows past 16 MiB', () => {
    const [alice, bob] = pair();
    const size = 256 * MiB + 12345;
    const bytes = pseudoRandom(size, 7);
    alice.sources.set(1, bytes);
    alice.run(alice.plane.sendTransfer(1, 'bob', core.TransferKind.File, 'big.bin', 'application/octet-stream', size));
    exchange(alice, bob);
    expect(bob.received).toHaveLength(1);
    expect(alice.delivered).toHaveLength(1);
    const hash = createHash('sha256');
    for (const chunk of bob.chunks.get(bob.received[0])) hash.update(chunk);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(core.HEAPU8.length).toBeLessThanOrEqual(16 * MiB);
    expect(bob.notices[0]).toMatchObject({ type: 'incoming', name: 'big.bin', size, kind: 'file', userid: 'alice', extra: {} });
});

test('packets on the wire are as docs/protocol-packets.md says', () => {
    const [alice, bob] = pair();
    const text = new TextEncoder().encode('The quick brown fox jumps over the lazy dog'.repeat(1000));
    alice.sources.set(1, text);
    alice.run(alice.plane.sendTransfer(1, 'bob', core.TransferKind.Text, '', 'text/plain', text.length));
    const [start, chunk, end] = alice.outbox;
    const header = (packet) => {
        const view = new DataView(packet.buffer, packet.byteOffset);
        return { version: packet[0], kind: packet[1], reserved: view.getUint16(2, true), id: view.getUint32(4, true), index: view.getUint32(8, true), count: view.getUint32(12, true) };
    };
    expect(header(start)).toEqual({ version: 1, kind: 1, reserved: 0, id: 1, index: 0, count: 1 });
    expect(JSON.parse(new TextDecoder().decode(start.subarray(16)))).toEqual({ chunkSize: 131056, count: 1, kind: 'text', name: '', size: text.length, type: 'text/plain' });
    expect(header(chunk)).toEqual({ version: 1, kind: 2, reserved: 0, id: 1, index: 0, count: 1 });
    expect(chunk.subarray(16)).toEqual(text);
    expect(header(end)).toMatchObject({ kind: 3, count: 1 });
    expect(end.byteLength).toBe(24);
    exchange(alice, bob);
    expect(alice.delivered).toHaveLength(1);
});

test('chunks that arrive out of order, the End among them, still verify', () => {
    const [alice, bob] = pair();
    const bytes = pseudoRandom(3 * MiB, 3);
    alice.sources.set(1, bytes);
    alice.run(alice.plane.sendTransfer(1, 'bob', core.TransferKind.File, 'shuffled.bin', '', bytes.length));
    let round = 0;
    exchange(alice, bob, (list) => (round++ % 2 ? list.reverse() : list));
    expect(bob.received).toHaveLength(1);
    expect(bob.notices.filter((notice) => notice.type === 'refused')).toEqual([]);
});

test('the limits of the packets are there for tools', () => {
    expect(core.transferLimits()).toMatchObject({ headerBytes: 16, maxPacketBytes: 262144, maxChunkSize: 262128, maxMetadataBytes: 8192, maxReasonBytes: 1024 });
});
