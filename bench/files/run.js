// Files and text between two Chromium pages: our send(file) / send(text) against
//   (a) a raw RTCDataChannel: 64 KiB messages, pause above 128 KiB buffered, resume at 64 KiB
//       (files); 64 Ki-character string messages (text);
//   (b) the published rtcmulticonnection 3.7.1 file sharing (fbr 2.0.8) through its own server
//       (rtcmulticonnection-server 1.3.3 in a socket.io 4.8.4 server, bench/files/upstream-server.js).
// Every run uses a fresh pair of browser contexts (two renderer processes, a fresh connection);
// every round runs every case once (the order rotating by one case per round), so drift cancels
// in the per-round ratios.
// Prints MiB/s, the medians of per-round ratios, setup time, the receiver's peak memory and the
// CPU time per MiB of both pages. Asserts nothing (a benchmark, not a test).
//
// Run it through bench/files/run.sh, which puts it in a private network namespace:
//   bash bench/files/run.sh [--rounds 6] [--sizes 64,256] [--only ours,raw,upstream]
//                           [--text-only | --files-only] [--variants high:low[:chunkSize[:partBytes[:wholeRead]]],...]
//                           [--profile DIR] [--net rtt:loss,... [--upstream-sizes 4,...]]
// --profile DIR: samples both renderers' main threads with Chromium's profiler during each
// timed transfer, writes DIR/<case>-<round>-{sender,receiver}.cpuprofile (open them in DevTools)
// and prints where the time went, by function.
//
// --net (issue 15, real round-trip times): e.g. `--net 20:0,80:1` adds, per condition (round
// trip in ms : loss in %), the file cases of every library, all of them relay-only through one
// coturn started here, reached through bench/net/impaired-udp-relay.js (one relay per
// condition, each in its own process). Page -> relay -> coturn -> relay -> page crosses the
// relay twice each way, so each crossing gets rtt/4 of delay (and the loss applies to each
// crossing). Every page of a condition gets the same iceServers (the relay's turn: URL with
// TURN REST credentials) and iceTransportPolicy 'relay'. Under --net, raw uses a large window
// (NET_RAW_WINDOW: at 80 ms a 128 KiB window would cap it near 1.6 MiB/s, which is no
// baseline), and --upstream-sizes lets upstream's stop-and-wait send a smaller file (ratios
// compare MiB/s). Text cases and the loopback cases are not run under --net.

import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { DEFAULT_STATIC_ROOTS } from '../../server/config.js';
import { createServer } from '../../server/index.js';
import { createLogger } from '../../server/log.js';
import { BENCH_CHROMIUM_ARGS as CHROMIUM_ARGS } from '../chromium-args.js';
import { browserSidePids, cpuMs, launchedProfile, rendererOf, sampleRss, totalCpuMs } from './processes.js';
import { startUpstreamServer } from './upstream-server.js';
import { startCoturn } from '../../tests/e2e/support/coturn.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MiB = 1024 * 1024;
const TEXT_CHARS = 1 * MiB;
const RUN_TIMEOUT_MS = 240000;
const TEXT_RUNS_PER_ROUND = 3;
// Raw's window under --net: pause above 8 MiB buffered, resume at 4 MiB. Half of Chromium's
// 16 MiB send-queue limit, and at 80 ms it is 100 MiB/s worth of bytes in flight, more than
// this machine's link carries (about 46 MiB/s on loopback, ../shared/TOOLCHAIN.md).
const NET_RAW_WINDOW = { high: 8 * MiB, low: 4 * MiB };
const TURN_SECRET = 'bench-files-turn-secret';
// The relay's socket buffers (bench/net/impaired-udp-relay.js): a whole congestion window may
// arrive at once, and a drop the condition did not ask for would be counted as its loss.
const RELAY_SOCKET_BUFFER_BYTES = 4 * MiB;

// The network namespace's UDP counters (/proc/net/snmp): datagrams some socket's full receive
// buffer dropped (RcvbufErrors) are loss beyond the condition's; printed after a --net run.
function udpCounters() {
    try {
        const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
        const names = lines[0].split(/\s+/).slice(1);
        const values = lines[1].split(/\s+/).slice(1).map(Number);
        return Object.fromEntries(names.map((name, index) => [name, values[index]]));
    } catch {
        return null;
    }
}

function parseArgs(argv) {
    const options = { rounds: 6, sizes: [64, 256], only: null, text: true, files: true, variants: [], profile: null, nets: [], upstreamSizes: null };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--rounds') options.rounds = Number(argv[++i]);
        else if (arg === '--sizes') options.sizes = argv[++i].split(',').map(Number);
        else if (arg === '--only') options.only = new Set(argv[++i].split(','));
        else if (arg === '--net') {
            options.nets = argv[++i].split(',').map((spec) => {
                const [rtt, loss] = spec.split(':').map(Number);
                if (!(rtt >= 0) || !(loss >= 0 && loss < 100)) throw new Error(`--net ${spec}: want rtt_ms:loss_percent`);
                return { rtt, loss, label: `${rtt}ms${loss}%` };
            });
        } else if (arg === '--upstream-sizes') options.upstreamSizes = argv[++i].split(',').map(Number);
        else if (arg === '--text-only') options.files = false;
        else if (arg === '--files-only') options.text = false;
        else if (arg === '--profile') options.profile = argv[++i];
        else if (arg === '--variants') {
            // Extra cases of ours with another send window and packet size,
            // high:low[:chunkSize[:partBytes[:wholeRead]]] in bytes, e.g. 262144:131072,
            // 131072:65536:131056; partBytes: the receiver's Blob parts
            // (web/data/incoming-assembly.js); wholeRead: the largest file the sender reads at
            // once, -1 for none (web/data/transfer-sources.js); 0 = the default
            options.variants = argv[++i].split(',').map((spec) => {
                const [high, low, chunk, part, whole] = spec.split(':').map(Number);
                return { high, low, chunk: chunk || null, part: part || null, whole: whole || null };
            });
        } else throw new Error(`unknown argument ${arg}`);
    }
    return options;
}

function cases(options) {
    const list = [];
    if (options.nets.length) {
        // `pair` ties the cases that ratios compare: same condition, same file size asked for
        // (upstream's own may be smaller, --upstream-sizes).
        for (const net of options.nets) {
            options.sizes.forEach((size, index) => {
                const pair = `${net.label}|${size}`;
                for (const library of ['raw', 'ours', 'upstream']) {
                    const bytes = (library === 'upstream' && options.upstreamSizes ? options.upstreamSizes[index] ?? options.upstreamSizes[0] : size) * MiB;
                    list.push({ id: `${library}-file-${bytes / MiB}@${net.label}`, library, payload: 'file', bytes, net, pair });
                }
                for (const variant of options.variants) {
                    const name = `ours@${variant.high / 1024}k/${variant.low / 1024}k${variant.chunk ? `/c${variant.chunk}` : ''}${variant.part ? `/p${variant.part >> 20}M` : ''}${variant.whole ? `/w${variant.whole > 0 ? `${variant.whole >> 20}M` : 'none'}` : ''}`;
                    list.push({ id: `${name}-file-${size}@${net.label}`, library: 'ours', payload: 'file', bytes: size * MiB, variant, net, pair });
                }
            });
        }
        return options.only ? list.filter((entry) => options.only.has(entry.library)) : list;
    }
    if (options.files) {
        for (const size of options.sizes) {
            for (const library of ['raw', 'ours', 'upstream']) list.push({ id: `${library}-file-${size}`, library, payload: 'file', bytes: size * MiB });
            for (const variant of options.variants) {
                const name = `ours@${variant.high / 1024}k/${variant.low / 1024}k${variant.chunk ? `/c${variant.chunk}` : ''}${variant.part ? `/p${variant.part >> 20}M` : ''}${variant.whole ? `/w${variant.whole > 0 ? `${variant.whole >> 20}M` : 'none'}` : ''}`;
                list.push({ id: `${name}-file-${size}`, library: 'ours', payload: 'file', bytes: size * MiB, variant });
            }
        }
    }
    if (options.text) {
        for (const library of ['raw', 'ours', 'upstream']) list.push({ id: `${library}-text-1`, library, payload: 'text', bytes: TEXT_CHARS });
        for (const variant of options.variants) {
            const name = `ours@${variant.high / 1024}k/${variant.low / 1024}k${variant.chunk ? `/c${variant.chunk}` : ''}${variant.part ? `/p${variant.part >> 20}M` : ''}${variant.whole ? `/w${variant.whole > 0 ? `${variant.whole >> 20}M` : 'none'}` : ''}`;
            list.push({ id: `${name}-text-1`, library: 'ours', payload: 'text', bytes: TEXT_CHARS, variant });
        }
    }
    return options.only ? list.filter((entry) => options.only.has(entry.library)) : list;
}

async function openPage(context, url, profile) {
    return rendererOf(profile, async () => {
        const page = await context.newPage();
        const response = await page.goto(url, { waitUntil: 'load' });
        if (!response || !response.ok()) throw new Error(`${url}: ${response ? response.status() : 'no answer'}`);
        return page;
    });
}

let roomCounter = 0;

// Connects page A (sender) and page B (receiver); resolves with B's setup time in ms.
async function connect(entry, sender, receiver, env) {
    if (entry.library === 'raw') {
        const offer = await sender.evaluate(() => window.offer());
        const answer = await receiver.evaluate((offer) => window.answer(offer), offer);
        const setup = await sender.evaluate((answer) => window.accept(answer), answer);
        await receiver.evaluate(() => window.channelOpen);
        return setup;
    }
    roomCounter += 1;
    const room = `bench-${process.pid}-${roomCounter}`;
    await sender.evaluate((room) => window.openRoom(room), room);
    // The receiver asks its own server whether the room is there, as a page does before it
    // joins, with both libraries alike: join() then starts with a signaling connection up and the
    // room known, so setup compares what each does from join() to onopen. (Ours once read the
    // server's room table instead and paid its socket's connection inside join().)
    const deadline = Date.now() + 10000;
    while (!(await receiver.evaluate((room) => new Promise((resolve) => connection.checkPresence(room, (exists) => resolve(exists))), room))) {
        if (Date.now() > deadline) throw new Error(`room ${room} never appeared on the ${entry.library} server`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const setup = await receiver.evaluate((room) => window.joinRoom(room), room);
    await sender.evaluate(() => window.opened);
    return setup;
}

async function runOnce(browser, entry, round, env) {
    const contextA = await browser.newContext();
    const contextB = await browser.newContext();
    try {
        const pageName = { raw: 'bench/raw.html', ours: 'bench/ours.html', upstream: 'upstream.html' }[entry.library];
        const origin = entry.library === 'upstream' ? env.upstreamOrigin : env.origin;
        const variant = entry.variant || (entry.net && entry.library === 'raw' ? NET_RAW_WINDOW : null);
        const params = new URLSearchParams();
        if (variant) {
            params.set('high', variant.high);
            params.set('low', variant.low);
            if (variant.chunk) params.set('chunk', variant.chunk);
            if (variant.part) params.set('part', variant.part);
            if (variant.whole) params.set('whole', variant.whole);
        }
        if (entry.net) params.set('ice', JSON.stringify(env.iceServersFor(entry.net)));
        const query = params.size ? `?${params}` : '';
        const url = `${origin}/${pageName}${query}`;
        const a = await openPage(contextA, url, env.profile);
        const b = await openPage(contextB, url, env.profile);
        const sender = a.result;
        const receiver = b.result;
        // --profile: the setup too (join() to onopen on both pages), in ms rather than per MiB.
        const setupProfilers = env.profileDir && entry.library !== 'raw' ? await Promise.all([startProfiler(sender), startProfiler(receiver)]) : null;
        const setupMs = await connect(entry, sender, receiver, env);
        if (setupProfilers) {
            for (const [side, profiler] of [
                ['owner', setupProfilers[0]],
                ['joiner', setupProfilers[1]],
            ]) {
                const file = path.join(env.profileDir, `${entry.id}-${round + 1}-setup-${side}.cpuprofile`);
                console.log(`\n${entry.id} round ${round + 1}, setup, ${side} (${file}), ms:\n${await stopProfiler(profiler, file, 1)}`);
            }
        }
        // Both pages' setup steps as ms from the joiner's join() (pages/common.js; both clocks
        // are performance.timeOrigin-based, so they compare); raw has no join().
        let setupSteps = null;
        if (entry.library !== 'raw') {
            const joinerSteps = await receiver.evaluate(() => window.setupSteps);
            const ownerSteps = await sender.evaluate(() => window.setupSteps);
            setupSteps = {};
            for (const [name, at] of Object.entries(joinerSteps)) setupSteps[name] = at - joinerSteps.join;
            for (const [name, at] of Object.entries(ownerSteps)) setupSteps[`owner: ${name}`] = at - joinerSteps.join;
            if (process.env.BENCH_SETUP_STEPS) fs.appendFileSync(process.env.BENCH_SETUP_STEPS, `${JSON.stringify({ id: entry.id, round, setupSteps })}\n`);
        }

        const seed = 0x5eed0000 + round;
        if (entry.payload === 'file') {
            await sender.evaluate(([size, seed]) => window.makeFile(size, seed), [entry.bytes, seed]);
            await receiver.evaluate((size) => window.expectFile(size), entry.bytes);
        } else {
            await sender.evaluate(([length, seed]) => window.makeText(length, seed), [entry.bytes, seed]);
            await receiver.evaluate((length) => window.expectText(length), entry.bytes);
        }
        await receiver.evaluate(() => window.startHeapSampling());
        const profilers = env.profileDir ? await Promise.all([startProfiler(sender), startProfiler(receiver)]) : null;
        const rss = sampleRss(b.pid);
        const cpuA0 = cpuMs(a.pid);
        const cpuB0 = cpuMs(b.pid);
        const browserPids = browserSidePids();
        const cpuBrowser0 = totalCpuMs(browserPids);
        const start = await sender.evaluate((payload) => (payload === 'file' ? window.sendFile() : window.sendText()), entry.payload);
        const { end } = await Promise.race([
            receiver.evaluate(() => window.result),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), RUN_TIMEOUT_MS)),
        ]);
        const cpuA1 = cpuMs(a.pid);
        const cpuB1 = cpuMs(b.pid);
        const cpuBrowser1 = totalCpuMs(browserPids);
        if (profilers) {
            for (const [side, profiler] of [
                ['sender', profilers[0]],
                ['receiver', profilers[1]],
            ]) {
                const file = path.join(env.profileDir, `${entry.id}-${round + 1}-${side}.cpuprofile`);
                console.log(`\n${entry.id} round ${round + 1}, ${side} (${file}):\n${await stopProfiler(profiler, file, entry.bytes / MiB)}`);
            }
        }
        const peakRss = rss.stop();
        const peakHeap = await receiver.evaluate(() => window.stopHeapSampling());
        const wasmHeap = entry.library === 'ours' ? await receiver.evaluate(() => window.heapBytes()) : null;
        const marks = entry.payload === 'file' ? await receiver.evaluate(() => window.marks) : [];
        // Under --net: the round trip the sender's selected candidate pair measured (STUN
        // consent checks through the relay), and that the pair is relay on both ends.
        const selectedPath = entry.net ? await sender.evaluate(() => window.selectedPath()) : null;
        // Steady rate: from the first 8 MiB mark to the end.
        const first8 = marks.length ? marks[0] - start : null;
        const steady = marks.length > 1 ? (entry.bytes / MiB - 8) / ((end - marks[0]) / 1000) : null;

        // Integrity, after the timing.
        const [sent, received] = await Promise.all([
            sender.evaluate((payload) => window.sha256(payload === 'file' ? window.payloadFile : window.payloadText), entry.payload),
            receiver.evaluate((payload) => window.sha256(payload === 'file' ? window.receivedBlob : window.receivedText), entry.payload),
        ]);
        const mib = entry.bytes / MiB;
        const seconds = (end - start) / 1000;
        return {
            ok: sent === received,
            mibps: mib / seconds,
            ms: end - start,
            setupMs,
            setupSteps,
            cpuSender: cpuA0 === null || cpuA1 === null ? null : (cpuA1 - cpuA0) / mib,
            cpuReceiver: cpuB0 === null || cpuB1 === null ? null : (cpuB1 - cpuB0) / mib,
            cpuBrowser: cpuBrowser0 === null || cpuBrowser1 === null ? null : (cpuBrowser1 - cpuBrowser0) / mib,
            peakRss,
            peakHeap,
            wasmHeap,
            first8,
            steady,
            path: selectedPath,
        };
    } finally {
        await contextA.close().catch(() => {});
        await contextB.close().catch(() => {});
    }
}

async function startProfiler(page) {
    const session = await page.context().newCDPSession(page);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 200 });
    await session.send('Profiler.start');
    return session;
}

// Stops the profiler, writes the profile and returns the top functions by self time, in ms per
// MiB of payload (idle time left out).
async function stopProfiler(session, file, mib) {
    const { profile } = await session.send('Profiler.stop');
    await session.detach().catch(() => {});
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map();
    const deltas = profile.timeDeltas;
    for (let i = 0; i < profile.samples.length; i++) {
        const node = byId.get(profile.samples[i]);
        const frame = node.callFrame;
        const name = `${frame.functionName || '(anonymous)'} ${frame.url ? `${frame.url.split('/').pop()}:${frame.lineNumber + 1}` : ''}`.trim();
        self.set(name, (self.get(name) || 0) + (deltas[i + 1] || 0) / 1000);
    }
    self.delete('(idle)');
    const total = [...self.values()].reduce((sum, value) => sum + value, 0);
    const top = [...self].sort((x, y) => y[1] - x[1]).slice(0, 25);
    return [`  busy ${fixed(total / mib)} ms/MiB on the main thread`, ...top.map(([name, ms]) => `  ${fixed(ms / mib).padStart(7)} ms/MiB  ${name}`)].join('\n');
}

// One coturn for every condition, and in front of it one impaired relay per condition (its own
// process, bench/net/relay-process.js). iceServersFor(net) gives the pages that condition's
// relay as their TURN server, with credentials of the TURN REST scheme
// (tests/e2e/support/coturn.js): username "<expiry>:<user>", password base64 HMAC-SHA1.
async function startNetwork(nets) {
    const turn = await startCoturn({ secret: TURN_SECRET });
    const relays = new Map();
    try {
        for (const net of nets) {
            const child = fork(path.join(PROJECT_ROOT, 'bench/net/relay-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
            const answer = new Promise((resolve) => child.once('message', resolve));
            child.send({ targetHost: turn.host, targetPort: turn.port, delayMs: net.rtt / 4, loss: net.loss / 100, socketBufferBytes: RELAY_SOCKET_BUFFER_BYTES });
            const { port, error } = await answer;
            if (error) throw new Error(`relay for ${net.label}: ${error}`);
            relays.set(net.label, { child, port });
        }
    } catch (error) {
        for (const { child } of relays.values()) child.disconnect();
        await turn.stop();
        throw error;
    }
    const username = `${Math.floor(Date.now() / 1000) + 24 * 3600}:bench`;
    const credential = createHmac('sha1', TURN_SECRET).update(username).digest('base64');
    return {
        turnPort: turn.port,
        relayPorts: Object.fromEntries([...relays].map(([label, { port }]) => [label, port])),
        iceServersFor: (net) => [{ urls: `turn:127.0.0.1:${relays.get(net.label).port}?transport=udp`, username, credential }],
        async counters() {
            const all = {};
            for (const [label, { child }] of relays) {
                const answer = new Promise((resolve) => child.once('message', resolve));
                child.send({ counters: true });
                const { counters } = await answer;
                all[label] = counters;
            }
            return all;
        },
        async stop() {
            for (const { child } of relays.values()) child.disconnect();
            await turn.stop();
        },
    };
}

// Per open UDP socket of the namespace, the datagrams its full receive buffer dropped (last
// column of /proc/net/udp): tells coturn's and the relays' sockets from the pages' (closed by
// then, so a drop counted in RcvbufErrors but not here was a page's).
function udpSocketDrops() {
    try {
        const drops = {};
        for (const line of fs.readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
            const fields = line.trim().split(/\s+/);
            if (fields.length < 13) continue;
            const port = parseInt(fields[1].split(':')[1], 16);
            const dropped = Number(fields[fields.length - 1]);
            if (dropped > 0) drops[port] = (drops[port] || 0) + dropped;
        }
        return drops;
    } catch {
        return null;
    }
}

function median(values) {
    const list = values.filter((value) => typeof value === 'number' && Number.isFinite(value)).sort((x, y) => x - y);
    if (!list.length) return null;
    const middle = Math.floor(list.length / 2);
    return list.length % 2 ? list[middle] : (list[middle - 1] + list[middle]) / 2;
}

const fixed = (value, digits = 2) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));
const mibOf = (bytes) => (bytes === null || bytes === undefined ? 'n/a' : (bytes / MiB).toFixed(0));

function printSummary(list, results) {
    console.log('\n## Per case (medians over rounds)\n');
    console.log('| case | runs ok | MiB/s median | min–max | first 8 MiB ms | steady MiB/s | setup ms | CPU ms/MiB sender / receiver / browser | receiver peak RSS MiB | receiver peak JS heap MiB | wasm heap MiB | path rtt ms |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const entry of list) {
        const runs = results.get(entry.id) || [];
        const ok = runs.filter((run) => run && run.ok);
        const speeds = ok.map((run) => run.mibps);
        console.log(
            `| ${entry.id} | ${ok.length}/${runs.length} | ${fixed(median(speeds))} | ${fixed(Math.min(...speeds))}–${fixed(Math.max(...speeds))} | ` +
                `${fixed(median(ok.map((run) => run.first8)), 0)} | ${fixed(median(ok.map((run) => run.steady)), 1)} | ` +
                `${fixed(median(ok.map((run) => run.setupMs)), 1)} | ${fixed(median(ok.map((run) => run.cpuSender)), 1)} / ${fixed(median(ok.map((run) => run.cpuReceiver)), 1)} / ${fixed(median(ok.map((run) => run.cpuBrowser)), 1)} | ` +
                `${mibOf(median(ok.map((run) => run.peakRss)))} | ${mibOf(median(ok.map((run) => run.peakHeap)))} | ${mibOf(median(ok.map((run) => run.wasmHeap)))} | ${fixed(median(ok.map((run) => run.path && run.path.rttMs)), 0)} |`,
        );
    }
    console.log('\n## Ratios (medians of per-round ratios of MiB/s)\n');
    console.log('| ours | against | median ratio | per round | CPU/MiB sender | CPU/MiB receiver | CPU/MiB browser |');
    console.log('|---|---|---|---|---|---|---|');
    for (const entry of list.filter((candidate) => candidate.library === 'ours')) {
        for (const other of ['raw', 'upstream']) {
            const baseline = list.find((candidate) =>
                candidate.library === other && candidate.payload === entry.payload &&
                (entry.pair ? candidate.pair === entry.pair : candidate.bytes === entry.bytes && !candidate.net));
            if (!baseline) continue;
            const ours = results.get(entry.id) || [];
            const theirs = results.get(baseline.id) || [];
            const ratios = [];
            // CPU per MiB, ours / theirs per round (lower is better; 1.10 is 10 % more).
            const cpu = { cpuSender: [], cpuReceiver: [], cpuBrowser: [] };
            for (let round = 0; round < ours.length; round++) {
                if (!(ours[round] && ours[round].ok && theirs[round] && theirs[round].ok)) continue;
                ratios.push(ours[round].mibps / theirs[round].mibps);
                for (const side of Object.keys(cpu)) {
                    if (ours[round][side] && theirs[round][side]) cpu[side].push(ours[round][side] / theirs[round][side]);
                }
            }
            const cpuCells = Object.values(cpu).map((list) => `${fixed(median(list))} (${list.map((ratio) => fixed(ratio)).join(' ')})`);
            console.log(`| ${entry.id} | ${baseline.id} | ${fixed(median(ratios))} | ${ratios.map((ratio) => fixed(ratio)).join(' ')} | ${cpuCells.join(' | ')} |`);
        }
    }
    printSetup(list, results);
}

// Setup (join() to onopen) of ours against upstream, per round and case, and where the time
// goes: the median time from join() at which the joiner reached each step (pages/common.js).
function printSetup(list, results) {
    const ratios = [];
    for (const entry of list.filter((candidate) => candidate.library === 'ours' && !candidate.variant)) {
        const baseline = list.find((candidate) => candidate.library === 'upstream' && candidate.payload === entry.payload && candidate.bytes === entry.bytes && candidate.pair === entry.pair);
        if (!baseline) continue;
        const ours = results.get(entry.id) || [];
        const theirs = results.get(baseline.id) || [];
        for (let round = 0; round < ours.length; round++) {
            if (ours[round] && theirs[round]) ratios.push(ours[round].setupMs / theirs[round].setupMs);
        }
    }
    if (ratios.length) {
        console.log(`\nSetup, ours / upstream (median of ${ratios.length} per-round ratios, file and text cases): ${fixed(median(ratios))} (${ratios.map((ratio) => fixed(ratio)).join(' ')})`);
    }
    const byLibrary = new Map();
    for (const entry of list.filter((candidate) => candidate.library !== 'raw')) {
        const name = entry.variant ? entry.id.split('-')[0] : entry.library;
        for (const run of results.get(entry.id) || []) {
            if (!run || !run.setupSteps) continue;
            if (!byLibrary.has(name)) byLibrary.set(name, []);
            byLibrary.get(name).push(run.setupSteps);
        }
    }
    if (!byLibrary.size) return;
    const steps = ['peer connection asked', 'peer connection', 'remote offer', 'local offer', 'local description', 'local answer', 'remote answer', 'first local candidate', 'ice connected', 'dtls connected', 'channel open'];
    const order = [...steps, 'onopen', ...steps.map((step) => `owner: ${step}`)];
    const libraries = [...byLibrary.keys()];
    console.log('\n## Setup steps of the joiner and the owner, ms from the joiner\'s join() (medians over every run)\n');
    console.log(`| step | ${libraries.join(' | ')} |`);
    console.log(`|---|${libraries.map(() => '---').join('|')}|`);
    for (const step of order) {
        const cells = libraries.map((library) => {
            const times = byLibrary.get(library).map((steps) => steps[step]).filter((value) => typeof value === 'number');
            return times.length ? fixed(median(times), 1) : '-';
        });
        if (cells.some((cell) => cell !== '-')) console.log(`| ${step} | ${cells.join(' | ')} |`);
    }
    // The signaling frames (pages/common.js), per library in the order they happened: where
    // the legs before the first peer connection go.
    for (const library of libraries) {
        const names = new Set();
        for (const steps of byLibrary.get(library)) for (const name of Object.keys(steps)) if (/^(owner: )?signal /.test(name)) names.add(name);
        const rows = [...names].map((name) => [name, median(byLibrary.get(library).map((steps) => steps[name]).filter((value) => typeof value === 'number'))]);
        if (!rows.length) continue;
        console.log(`\n${library}: signaling frames, first of each kind, ms from join() (median)\n`);
        for (const [name, at] of rows.sort((a, b) => a[1] - b[1])) console.log(`    ${fixed(at, 1).padStart(8)}  ${name}`);
    }
}

async function main() {
    const options = parseArgs(process.argv.slice(2));
    const list = cases(options);
    const server = createServer({
        logger: createLogger({ level: 'silent' }),
        staticRoots: [...DEFAULT_STATIC_ROOTS, ['/bench/', 'bench/files/pages']],
        // Every socket of a run is this machine's: no rate limit to trip over.
        rateLimit: 100000,
        rateLimitBurst: 100000,
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const upstream = await startUpstreamServer(PROJECT_ROOT);
    const env = { server, origin: `http://localhost:${port}`, upstreamOrigin: upstream.origin, profileDir: options.profile };
    const network = options.nets.length ? await startNetwork(options.nets) : null;
    if (network) env.iceServersFor = network.iceServersFor;
    const results = new Map(list.map((entry) => [entry.id, []]));
    console.log(`# bench/files: ${options.rounds} rounds of ${list.map((entry) => entry.id).join(', ')}`);
    try {
        for (let round = 0; round < options.rounds; round++) {
            // A fresh browser each round; a fresh pair of contexts (and connection) each run.
            const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
            env.profile = launchedProfile();
            try {
                // The order rotates by one case per round, so that no case always runs right
                // after the same other one (say, right after a 256 MiB upstream run).
                const order = list.map((_, index) => list[(index + round) % list.length]);
                for (const entry of order) {
                    // A 1 MiB text takes 40-120 ms on a fresh connection: each round keeps the
                    // median of TEXT_RUNS_PER_ROUND runs (each on its own fresh connection).
                    const attempts = [];
                    for (let attempt = 0; attempt < (entry.payload === 'text' ? TEXT_RUNS_PER_ROUND : 1); attempt++) {
                        try {
                            attempts.push(await runOnce(browser, entry, round, env));
                        } catch (error) {
                            attempts.push({ ok: false, error: error.message.split('\n')[0] });
                        }
                    }
                    const good = attempts.filter((attempt) => attempt.ok).sort((x, y) => x.mibps - y.mibps);
                    const run = good.length ? good[Math.floor((good.length - 1) / 2)] : attempts[0];
                    results.get(entry.id).push(run);
                    const via = run.path ? `, ${run.path.local}/${run.path.remote} rtt ${fixed(run.path.rttMs, 0)} ms` : '';
                    const line = run.ok || run.mibps
                        ? `${fixed(run.mibps)} MiB/s in ${fixed(run.ms, 0)} ms, setup ${fixed(run.setupMs, 1)} ms, CPU ms/MiB ${fixed(run.cpuSender, 1)}/${fixed(run.cpuReceiver, 1)}, ` +
                          `first 8 MiB ${fixed(run.first8, 0)} ms, then ${fixed(run.steady, 1)} MiB/s, B peak RSS ${mibOf(run.peakRss)} MiB, JS heap ${mibOf(run.peakHeap)} MiB${run.wasmHeap ? `, wasm heap ${mibOf(run.wasmHeap)} MiB` : ''}${via}${run.ok ? '' : ' HASH MISMATCH'}`
                        : `FAILED: ${run.error}`;
                    console.log(`round ${round + 1} ${entry.id.padEnd(18)} ${line}`);
                }
            } finally {
                await browser.close();
            }
        }
        printSummary(list, results);
        if (network) console.log(`\nUDP counters of the namespace (/proc/net/snmp): ${JSON.stringify(udpCounters())}`);
        if (network) console.log(`UDP sockets still open with drops (/proc/net/udp, local port: drops): ${JSON.stringify(udpSocketDrops())} (coturn listens on ${network.turnPort}, the relays on ${JSON.stringify(network.relayPorts)}; their upstream sockets are in the relay counters; any other port is one of coturn's allocations)`);
        if (network) console.log(`relay counters (datagrams forwarded / dropped): ${JSON.stringify(await network.counters())}`);
    } finally {
        if (network) await network.stop();
        await upstream.close();
        await server.close();
    }
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
