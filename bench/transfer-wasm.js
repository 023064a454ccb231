// Packetise-plus-reassemble throughput through embind, driven from JS the way the browser facade
// drives the module, as a ratio to TypedArray.set of the same bytes measured in the same process.
//
//   bash scripts/build.sh wasm && node bench/transfer-wasm.js
//   TRANSFER_BENCH_MIB=64 node bench/transfer-wasm.js      (smaller rounds on a slow machine)
//   RTCMC_CORE_DIR=/other/build/bindings node bench/transfer-wasm.js   (another build)
//   RTCMC_CORE_DIR=/build/a/bindings,/build/b/bindings node bench/transfer-wasm.js
//       (several builds in one process, their rounds interleaved: the figures compare)
//
// Per chunk, "via input": JS .set()s the payload into the sender's inputView(), _writeChunk copies
// it into the packet (hashing it), JS .set()s the packet into the receiver's inputView() (what
// the facade does with each arriving message) and _receive validates and hashes it.
// "in place": JS .set()s the payload straight into the sender's chunkPayloadView(), so the core
// copies nothing on the sending side. The baseline copies each payload once with
// TypedArray.set into a packet-sized JS buffer. Rounds alternate; medians are printed; nothing
// is asserted (timings live here, never in tests).
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

// One whole transfer of totalBytes from one manager to another, Start to Delivered.
function transferRound(core, source, inPlace) {
    const sender = new core.TransferManager();
    const receiver = new core.TransferManager();
    try {
        const senderInput = sender.inputView();
        const senderOutput = sender.outputView();
        const senderPayload = sender.chunkPayloadView();
        const receiverInput = receiver.inputView();
        const receiverOutput = receiver.outputView();
        const start = process.hrtime.bigint();
        let o = sender._startOutgoing('receiver', {
            kind: core.TransferKind.File,
            name: 'bench.bin',
            type: 'application/octet-stream',
            size: totalBytes,
            chunkSize: source.length,
        });
        const id = o.transferId;
        receiverInput.set(senderOutput.subarray(0, o.packetLength));
        receiver._receive('sender', o.packetLength);
        const count = o.length;
        let received;
        for (let index = 0; index < count; index++) {
            const length = Math.min(source.length, totalBytes - index * source.length);
            const payload = length === source.length ? source : source.subarray(0, length);
            if (inPlace) {
                senderPayload.set(payload);
                o = sender._writeChunkInPlace(id, length);
            } else {
                senderInput.set(payload);
                o = sender._writeChunk(id, length);
            }
            receiverInput.set(senderOutput.subarray(0, o.packetLength));
            received = receiver._receive('sender', o.packetLength);
        }
        o = sender._writeEnd(id);
        receiverInput.set(senderOutput.subarray(0, o.packetLength));
        received = receiver._receive('sender', o.packetLength);
        senderInput.set(receiverOutput.subarray(0, received.packetLength));
        const delivered = sender._receive('receiver', received.packetLength);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (delivered.event !== core.TransferEvent.Delivered) {
            throw new Error(`transfer did not complete: ${received.code} ${received.message}`);
        }
        return {
            bytesPerSecond: totalBytes / seconds,
            microsecondsPerPacket: (seconds * 1e6) / count,
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
console.log(row(['packet', 'set GB/s', 'via input', 'ratio', 'in place', 'ratio', 'µs/packet']));
for (const packetBytes of [16384, 65536, 262144]) {
    const source = pseudoRandom(packetBytes - headerBytes);
    const sets = [];
    const results = builds.map(() => ({ viaInput: [], inPlace: [], perPacket: [] }));
    for (let round = 0; round < rounds; round++) {
        sets.push(setRound(source, packetBytes));
        builds.forEach((build, i) => {
            const copied = transferRound(build.core, source, false);
            results[i].viaInput.push(copied.bytesPerSecond);
            results[i].perPacket.push(copied.microsecondsPerPacket);
            results[i].inPlace.push(transferRound(build.core, source, true).bytesPerSecond);
        });
    }
    const set = median(sets);
    results.forEach((result, i) => {
        const input = median(result.viaInput);
        const placed = median(result.inPlace);
        console.log(
            row([
                `${packetBytes / 1024} KiB` + (several ? ` #${i + 1}` : ''),
                gigabytes(set),
                gigabytes(input),
                (input / set).toFixed(2),
                gigabytes(placed),
                (placed / set).toFixed(2),
                median(result.perPacket).toFixed(1),
            ]),
        );
    });
}
for (const build of builds) {
    if (build.core.TransferManager.liveInstances() !== 0) throw new Error('a TransferManager leaked');
}
