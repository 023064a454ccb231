// Packetise-plus-reassemble throughput of the data plane (src/dataplane/) through embind, driven
// from JS the way web/data/data-plane-driver.js drives it, as a ratio to TypedArray.set of the
// same bytes measured in the same process.
//
//   bash scripts/build.sh wasm && node bench/transfer-wasm.js
//   TRANSFER_BENCH_MIB=64 node bench/transfer-wasm.js      (smaller rounds on a slow machine)
//   RTCMC_CORE_DIR=/other/build/bindings node bench/transfer-wasm.js   (another build)
//   RTCMC_CORE_DIR=/build/a/bindings,/build/b/bindings node bench/transfer-wasm.js
//       (several builds in one process, their rounds interleaved: the figures compare)
//
// One round sends one file of TRANSFER_BENCH_MIB from a sending plane to a receiving plane of
// the same module, Start to Delivered, with the driver's work and no browser: each ReadSource
// command is answered by .set()ting the file's bytes into the sender's arena (where the packet
// is sent from: a file's bytes are copied into the heap once), each SendPacket by copying the
// packet into the receiver's arena (what the driver does with an arriving message) and calling
// receive(), which validates and hashes it; the receiver's Complete goes back the same way. The
// send window is wide open (the channel is never behind). The baseline copies each payload once
// with TypedArray.set into a packet-sized JS buffer. Rounds alternate; medians are printed;
// nothing is asserted (timings live here, never in tests).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const moduleDirs = (process.env.RTCMC_CORE_DIR || path.join(root, 'build/wasm/bindings')).split(',');
const require = createRequire(import.meta.url);
const builds = [];
for (const moduleDir of moduleDirs) {
    const createRtcmcCore = require(path.resolve(moduleDir, 'rtcmc_core.js'));
    const wasmBinary = readFileSync(path.resolve(moduleDir, 'rtcmc_core.wasm'));
    builds.push({ moduleDir, core: await createRtcmcCore({ wasmBinary }) });
}

const MiB = 1024 * 1024;
const totalBytes = Number(process.env.TRANSFER_BENCH_MIB || 256) * MiB;
const rounds = 7;
const headerBytes = builds[0].core.transferLimits().headerBytes;
// src/dataplane/command.hpp: kinds, and 10 words per command (the 9th and 10th a double).
const SEND_PACKET = 1;
const READ_SOURCE = 3;
const RECEIVED = 8;
const DELIVERED = 9;
const COMMAND_WORDS = 10;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function pseudoRandom(length) {
    const bytes = new Uint8Array(length);
    let state = 0x2545f491;
    for (let i = 0; i < length; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        bytes[i] = state & 0xff;
    }
    return bytes;
}

function setRound(source, packetBytes) {
    const packet = new Uint8Array(packetBytes);
    const start = process.hrtime.bigint();
    for (let done = 0; done < totalBytes; done += source.length) {
        const length = Math.min(source.length, totalBytes - done);
        packet.set(length === source.length ? source : source.subarray(0, length), headerBytes);
    }
    return totalBytes / (Number(process.hrtime.bigint() - start) / 1e9);
}

// The commands of a plane's last call, copied out of the heap: [kind, peer, handle, job, offset,
// length] and the position (a double) of each.
function commandsOf(core, plane, count) {
    const u32 = new Uint32Array(core.HEAPU8.buffer);
    const f64 = new Float64Array(core.HEAPU8.buffer);
    const first = u32[plane.header() >> 2] >> 2;
    const list = [];
    for (let i = 0; i < count; i++) {
        const at = first + i * COMMAND_WORDS;
        list.push({ kind: u32[at], handle: u32[at + 2], offset: u32[at + 4], length: u32[at + 5], position: f64[(at >> 1) + 4] });
    }
    return list;
}

// One whole transfer of totalBytes from one plane to another, Start to Delivered.
function transferRound(core, source) {
    // A send window far over what one call writes: the bench measures the core, not a channel.
    const sender = new core.DataPlane(1 << 30, 1 << 29, source.length);
    const receiver = new core.DataPlane(0, 0, source.length);
    try {
        const senderArena = sender.arena();
        const receiverArena = receiver.arena();
        const senderBuffered = sender.buffered() >> 3;
        const toReceiver = sender.attach('receiver');
        const toSender = receiver.attach('sender');
        sender.channelOpened(toReceiver);
        receiver.channelOpened(toSender);
        let packets = 0;
        let delivered = false;
        const replies = [];
        // Carries out the sender's commands; returns the reads filled, by handle.
        const carryOut = (count) => {
            const filled = new Map();
            for (const command of commandsOf(core, sender, count)) {
                const heap = core.HEAPU8;
                if (command.kind === SEND_PACKET) {
                    const start = senderArena + command.offset;
                    heap.copyWithin(receiverArena, start, start + command.length);
                    packets++;
                    const answers = receiver.receive(toSender, command.length, 0);
                    for (const answer of commandsOf(core, receiver, answers)) {
                        if (answer.kind === SEND_PACKET) {
                            const at = receiverArena + answer.offset;
                            replies.push(heap.slice(at, at + answer.length));
                        }
                    }
                } else if (command.kind === READ_SOURCE) {
                    const length = command.length;
                    heap.set(length === source.length ? source : source.subarray(0, length), senderArena + command.offset);
                    filled.set(command.handle, (filled.get(command.handle) || 0) + 1);
                } else if (command.kind === DELIVERED) {
                    delivered = true;
                }
            }
            return filled;
        };
        const start = process.hrtime.bigint();
        const call = (invoke) => {
            new Float64Array(core.HEAPU8.buffer)[senderBuffered + toReceiver] = 0; // nothing waits on the channel
            return carryOut(invoke());
        };
        const filled = new Map(); // reads carried out and not yet reported, by handle
        const remember = (more) => {
            for (const [handle, count] of more) filled.set(handle, (filled.get(handle) || 0) + count);
            return more.size;
        };
        remember(call(() => sender.sendTransfer(1, 'receiver', core.TransferKind.File, 'bench.bin', 'application/octet-stream', totalBytes)));
        while (!delivered) {
            if (replies.length) {
                const reply = replies.shift();
                core.HEAPU8.set(reply, senderArena);
                remember(call(() => sender.receive(toReceiver, reply.length, 0)));
            } else if (filled.size) {
                const [handle, count] = filled.entries().next().value;
                filled.delete(handle);
                remember(call(() => sender.filled(handle, count)));
            } else {
                const before = packets;
                if (remember(call(() => sender.pump(toReceiver))) === 0 && packets === before && !replies.length && !delivered) {
                    throw new Error('the transfer stalled');
                }
            }
        }
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        return {
            bytesPerSecond: totalBytes / seconds,
            microsecondsPerPacket: (seconds * 1e6) / packets,
        };
    } finally {
        sender.delete();
        receiver.delete();
    }
}

const pad = (value, width) => String(value).padStart(width);
const row = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(10) : pad(cell, 10))).join(' ');
const gigabytes = (bytesPerSecond) => (bytesPerSecond / 1e9).toFixed(2);

console.log(
    `transfer-wasm: through embind from JS in Node ${process.version}, ` +
        `${totalBytes / MiB} MiB per round, median of ${rounds} rounds`,
);
console.log('  GB/s = 1e9 payload bytes per second; ratio = transfer GB/s / TypedArray.set GB/s');
console.log('  target: at least 1 GB/s through wasm for 64 KiB packets\n');
const several = builds.length > 1;
if (several) {
    builds.forEach(({ moduleDir }, i) => console.log(`  build ${i + 1}: ${moduleDir}`));
    console.log('');
}
console.log(row(['packet', 'set GB/s', 'plane GB/s', 'ratio', 'µs/packet']));
for (const packetBytes of [16384, 65536, 262144]) {
    const source = pseudoRandom(packetBytes - headerBytes);
    const sets = [];
    const results = builds.map(() => ({ plane: [], perPacket: [] }));
    for (let round = 0; round < rounds; round++) {
        sets.push(setRound(source, packetBytes));
        builds.forEach((build, i) => {
            const sent = transferRound(build.core, source);
            results[i].plane.push(sent.bytesPerSecond);
            results[i].perPacket.push(sent.microsecondsPerPacket);
        });
    }
    const set = median(sets);
    results.forEach((result, i) => {
        const plane = median(result.plane);
        console.log(
            row([
                `${packetBytes / 1024} KiB` + (several ? ` #${i + 1}` : ''),
                gigabytes(set),
                gigabytes(plane),
                (plane / set).toFixed(2),
                median(result.perPacket).toFixed(1),
            ]),
        );
    });
}
for (const build of builds) {
    if (build.core.DataPlane.liveInstances() !== 0) throw new Error('a DataPlane leaked');
}
