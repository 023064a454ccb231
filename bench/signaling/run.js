#!/usr/bin/env node
// Signaling load benchmark (issue 3). Not a test: run by hand, read the ratios.
//
//   node bench/signaling/run.js [--clients 2000] [--seconds 5] [--warmup 2] [--rounds 3]
//                               [--rate 10000] [--targets one-node,two-nodes,upstream]
//
// N socket.io clients in N/2 rooms of two (owner + one participant). Each pair relays an
// ICE-candidate-sized message back and forth, addressed to the other member. Targets:
//   one-node   server/bin.js, rooms in memory
//   two-nodes  two server/bin.js behind a redis-server; each pair's owner on node A and
//              participant on node B, so every relay crosses Redis
//   upstream   the published rtcmulticonnection-server 1.3.3 in a socket.io 4.8.4 server,
//              driven with its own protocol
//   baseline   one node of another version of our server: BENCH_BASELINE_SERVER=<its
//              server/bin.js> (e.g. an older commit checked out elsewhere), to see what a
//              change costs, measured in the same run
// Servers run in child processes; this process only generates load and measures. Targets
// are measured in interleaved rounds (A B C, B C A, C A B) and the medians reported.
// Two measurements per target and round:
//   saturated  closed loop: one message in flight per pair, bounced on arrival. The
//              relay rate is the server's capacity (when its CPU is the bottleneck);
//              latency there is queueing (in-flight / rate).
//   paced      open loop at a fixed total rate (--rate), the same for every target:
//              latency at a given load.
// Latency = arrival time - send time of one relay (sender and receiver share this clock).

import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CANDIDATE, PROTOCOLS } from './clients.js';
import { cpuSeconds, rssBytes, startOurNode, startRedis, startUpstream } from './processes.js';

// ---- options ------------------------------------------------------------------------------

const options = { clients: 2000, seconds: 5, warmup: 2, rounds: 3, rate: 10000, targets: 'one-node,two-nodes,upstream' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in options) || argv[i + 1] === undefined) {
        console.error(`unknown or incomplete option ${argv[i]}; options: ${Object.keys(options).join(', ')}`);
        process.exit(2);
    }
    options[key] = key === 'targets' ? argv[i + 1] : Number(argv[i + 1]);
}
if (options.clients % 2 || options.clients < 2) throw new Error('--clients must be an even number >= 2');

const targets = []; // started targets, for teardown

// The whole run is bounded: setup, rounds and teardown must fit in this.
const HARD_DEADLINE_MS = 20 * 60 * 1000;
const deadline = setTimeout(() => {
    console.error(`benchmark exceeded ${HARD_DEADLINE_MS / 60000} minutes; aborting`);
    for (const target of targets) for (const server of target.processes) server.child.kill('SIGKILL');
    process.exit(3);
}, HARD_DEADLINE_MS);

// Our per-socket rate limit would refuse a small run's faster pairs; raise it so that it
// never refuses. The limiter still runs for every message, so its cost is measured. All the
// clients come from one address, past the per-address connection limit: raised too.
const OUR_ENV = { RATE_LIMIT: '1000000', RATE_LIMIT_BURST: '1000000', MAX_CONNECTIONS_PER_ADDRESS: '1000000' };

// ---- measurement state ---------------------------------------------------------------------

const SAMPLE_CAPACITY = 4_000_000;
const samples = new Float64Array(SAMPLE_CAPACITY);
let sampleCount = 0;
let recording = false;
let mode = 'idle'; // 'closed' bounces every arrival back; 'paced' and 'idle' do not
let active = null; // the target being measured: late arrivals of another one are ignored
let sent = 0;
let received = 0;
let errors = 0;
const errorCodes = new Map(); // code -> count, for the report

function percentile(sorted, p) {
    if (sorted.length === 0) return NaN;
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function latencySummary() {
    const sorted = samples.slice(0, Math.min(sampleCount, SAMPLE_CAPACITY)).sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

// ---- targets ---------------------------------------------------------------------------------

async function startTarget(name) {
    if (name === 'one-node') {
        const node = await startOurNode(OUR_ENV);
        return { name, protocol: PROTOCOLS.ours, urls: [node.match[1]], servers: [node], processes: [node] };
    }
    if (name === 'two-nodes') {
        const redis = await startRedis();
        const env = { ...OUR_ENV, REDIS_URL: redis.url };
        const nodes = await Promise.all([startOurNode(env), startOurNode(env)]);
        return { name, protocol: PROTOCOLS.ours, urls: nodes.map((n) => n.match[1]), servers: nodes, processes: [...nodes, redis], redis };
    }
    if (name === 'baseline') {
        const bin = process.env.BENCH_BASELINE_SERVER;
        if (!bin) throw new Error('the baseline target needs BENCH_BASELINE_SERVER=<path to its server/bin.js>');
        const node = await startOurNode(OUR_ENV, bin);
        return { name, protocol: PROTOCOLS.ours, urls: [node.match[1]], servers: [node], processes: [node] };
    }
    if (name === 'upstream') {
        const server = await startUpstream();
        return { name, protocol: PROTOCOLS.upstream, urls: [server.match[1]], servers: [server], processes: [server] };
    }
    throw new Error(`unknown target ${name}`);
}

const totalRss = (processes) => processes.reduce((sum, p) => sum + rssBytes(p.pid), 0);
const totalCpu = (processes) => processes.reduce((sum, p) => sum + cpuSeconds(p.pid), 0);

async function connectClients(target) {
    const { protocol, urls } = target;
    const rssBefore = totalRss(target.processes);
    const pairs = [];
    const batch = 100;
    const tag = target.name.replace(/[^a-z]/g, '');
    for (let first = 0; first < options.clients / 2; first += batch) {
        const indexes = Array.from({ length: Math.min(batch, options.clients / 2 - first) }, (_, k) => first + k);
        const made = await Promise.all(
            indexes.map(async (i) => {
                const roomid = `bench-${tag}-${i}`;
                const owner = await protocol.connect(urls[0], `o-${tag}-${i}`, roomid);
                await protocol.open(owner, roomid);
                const partner = await protocol.connect(urls[urls.length - 1], `p-${tag}-${i}`, roomid);
                await protocol.join(partner, roomid);
                return { roomid, owner, partner };
            }),
        );
        pairs.push(...made);
    }
    for (const { roomid, owner, partner } of pairs) {
        for (const [client, peer] of [[owner, partner], [partner, owner]]) {
            client.peer = peer;
            client.roomid = roomid;
            client.target = target;
            protocol.onMessage(client, (data) => onArrival(protocol, client, data));
            protocol.onError(client, (error) => {
                errors++;
                const code = typeof error === 'object' && error !== null ? String(error.code ?? 'unknown') : String(error);
                errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
            });
        }
    }
    await sleep(1000); // let allocation settle before reading RSS
    const rssAfter = totalRss(target.processes);
    target.pairs = pairs;
    target.clients = pairs.flatMap((p) => [p.owner, p.partner]);
    target.memory = { rssBefore, rssAfter, perClient: (rssAfter - rssBefore) / options.clients };
    if (target.redis) target.memory.redisRss = rssBytes(target.redis.pid);
}

function onArrival(protocol, client, data) {
    if (client.target !== active) return;
    const now = performance.now();
    received++;
    if (recording && sampleCount < SAMPLE_CAPACITY) samples[sampleCount++] = now - data.t;
    if (mode === 'closed') {
        sent++;
        protocol.send(client, client.peer.userid, client.roomid, { t: now, c: CANDIDATE });
    }
}

async function drain() {
    // Everything sent must arrive (a lost relay would be a bug); bounded wait.
    for (let i = 0; i < 300 && received < sent; i++) await sleep(10);
    if (received < sent) console.warn(`  warning: ${sent - received} relays still missing after 3 s`);
}

async function measure(target, body) {
    sampleCount = 0;
    const cpu0 = totalCpu(target.servers);
    const load0 = process.cpuUsage();
    const received0 = received;
    const t0 = performance.now();
    recording = true;
    await body();
    recording = false;
    const elapsed = (performance.now() - t0) / 1000;
    const load = process.cpuUsage(load0);
    const messages = received - received0;
    const serverSeconds = totalCpu(target.servers) - cpu0;
    return {
        rate: messages / elapsed,
        ...latencySummary(),
        serverCpu: serverSeconds / elapsed,
        // Server CPU time per relayed message, all nodes together: the cost of a relay,
        // independent of whether the server or the load generator was the bottleneck.
        cpuPerMessageUs: (serverSeconds / messages) * 1e6,
        loadgenCpu: (load.user + load.system) / 1e6 / elapsed,
    };
}

async function saturated(target) {
    const { protocol, pairs } = target;
    sent = received = 0;
    active = target;
    mode = 'closed';
    for (const { owner, partner, roomid } of pairs) {
        sent++;
        protocol.send(owner, partner.userid, roomid, { t: performance.now(), c: CANDIDATE });
    }
    await sleep(options.warmup * 1000);
    const result = await measure(target, () => sleep(options.seconds * 1000));
    mode = 'idle';
    await drain();
    return result;
}

async function paced(target) {
    const { protocol, clients } = target;
    sent = received = 0;
    active = target;
    mode = 'paced';
    let next = 0;
    const start = performance.now();
    const total = options.warmup + options.seconds;
    const pump = setInterval(() => {
        const due = Math.floor((options.rate * (performance.now() - start)) / 1000) - sent;
        // Open loop: whatever is due goes out, bounded per tick so a stall cannot explode.
        for (let k = 0; k < Math.min(due, options.rate); k++) {
            const client = clients[next];
            next = (next + 1) % clients.length;
            sent++;
            protocol.send(client, client.peer.userid, client.roomid, { t: performance.now(), c: CANDIDATE });
        }
    }, 1);
    await sleep(options.warmup * 1000);
    const result = await measure(target, () => sleep((total - options.warmup) * 1000));
    clearInterval(pump);
    mode = 'idle';
    await drain();
    return result;
}

// ---- report ----------------------------------------------------------------------------------

const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
};
const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function summarize(runs) {
    const pick = (key) => median(runs.map((run) => run[key]));
    return {
        rate: pick('rate'),
        p50: pick('p50'),
        p99: pick('p99'),
        max: pick('max'),
        serverCpu: pick('serverCpu'),
        cpuPerMessageUs: pick('cpuPerMessageUs'),
        loadgenCpu: pick('loadgenCpu'),
    };
}

// ---- main ------------------------------------------------------------------------------------

// Interrupted (Ctrl-C, SIGTERM, deadline): the server processes must not outlive the run.
const children = () => targets.flatMap((t) => t.processes);
for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
        for (const child of children()) child.child.kill('SIGKILL');
        process.exit(130);
    });
}

const names = options.targets.split(',');
console.log(
    `signaling benchmark: ${options.clients} clients in ${options.clients / 2} rooms, ` +
        `${options.rounds} interleaved rounds of ${options.warmup} s warm-up + ${options.seconds} s, ` +
        `paced load ${options.rate} msgs/s, node ${process.version}, ${os.cpus().length} CPUs, ` +
        `load average ${fmt(os.loadavg()[0], 2)} (other processes compete for the same cores)`,
);
try {
    for (const name of names) {
        const target = await startTarget(name);
        targets.push(target);
        await connectClients(target);
        console.log(
            `  ${name}: ${target.clients.length} clients connected, ${target.pairs.length} rooms; ` +
                `server RSS ${fmt(target.memory.rssBefore / 2 ** 20)} -> ${fmt(target.memory.rssAfter / 2 ** 20)} MiB`,
        );
    }
    const results = Object.fromEntries(names.map((name) => [name, { saturated: [], paced: [] }]));
    for (let round = 0; round < options.rounds; round++) {
        const order = targets.map((_, k) => targets[(k + round) % targets.length]);
        for (const target of order) {
            const s = await saturated(target);
            const p = await paced(target);
            results[target.name].saturated.push(s);
            results[target.name].paced.push(p);
            console.log(
                `  round ${round + 1} ${target.name.padEnd(9)} saturated ${fmt(s.rate, 0)} msgs/s ` +
                    `p50 ${fmt(s.p50)} p99 ${fmt(s.p99)} ms, server CPU ${fmt(s.serverCpu * 100, 0)}% ` +
                    `(${fmt(s.cpuPerMessageUs)} us/msg), load generator ${fmt(s.loadgenCpu * 100, 0)}% | ` +
                    `paced ${fmt(p.rate, 0)} msgs/s p50 ${fmt(p.p50)} p99 ${fmt(p.p99)} ms, ` +
                    `server CPU ${fmt(p.serverCpu * 100, 0)}% (${fmt(p.cpuPerMessageUs)} us/msg), ` +
                    `load average ${fmt(os.loadavg()[0], 2)}`,
            );
        }
    }

    console.log('\nmedians over rounds (latency in ms; CPU = server CPU time per relayed message, all nodes)');
    console.log(
        'target     | saturated msgs/s |   p50 |   p99 | CPU us/msg | paced msgs/s |   p50 |   p99 | CPU us/msg | RSS/client',
    );
    const summary = {};
    for (const target of targets) {
        const s = summarize(results[target.name].saturated);
        const p = summarize(results[target.name].paced);
        summary[target.name] = { s, p, memory: target.memory };
        console.log(
            `${target.name.padEnd(10)} | ${fmt(s.rate, 0).padStart(16)} | ${fmt(s.p50).padStart(5)} | ${fmt(s.p99).padStart(5)} | ` +
                `${fmt(s.cpuPerMessageUs).padStart(10)} | ${fmt(p.rate, 0).padStart(12)} | ${fmt(p.p50).padStart(5)} | ` +
                `${fmt(p.p99).padStart(5)} | ${fmt(p.cpuPerMessageUs).padStart(10)} | ${fmt(target.memory.perClient / 1024)} KiB`,
        );
    }
    const theirs = summary.upstream;
    if (theirs) {
        console.log('\nratios ours / rtcmulticonnection-server (same run; > 1 is better for msgs/s, < 1 for the rest)');
        for (const name of ['one-node', 'two-nodes']) {
            const ours = summary[name];
            if (!ours) continue;
            console.log(
                `  ${name.padEnd(9)}: saturated msgs/s x${fmt(ours.s.rate / theirs.s.rate, 2)}, ` +
                    `saturated p99 x${fmt(ours.s.p99 / theirs.s.p99, 2)}, paced p99 x${fmt(ours.p.p99 / theirs.p.p99, 2)}, ` +
                    `CPU per message x${fmt(ours.p.cpuPerMessageUs / theirs.p.cpuPerMessageUs, 2)} (paced), ` +
                    `memory per client x${fmt(ours.memory.perClient / theirs.memory.perClient, 2)}`,
            );
        }
    }
    const two = targets.find((t) => t.name === 'two-nodes');
    if (two) {
        console.log(`\ntwo-nodes memory: nodes ${fmt(two.memory.perClient / 1024)} KiB/client incl. Redis growth; redis-server RSS ${fmt(two.memory.redisRss / 2 ** 20)} MiB`);
    }
    if (errors > 0) {
        console.log(`\nWARNING: ${errors} error events received during the run: ${JSON.stringify(Object.fromEntries(errorCodes))}`);
    }
    console.log('\ntargets (issue 3): one-node >= 2x upstream msgs/s; p99 < 50 ms at this client count for one node and two nodes');
} finally {
    for (const target of targets) for (const client of target.clients ?? []) client.socket.close();
    await Promise.all(targets.flatMap((t) => t.processes.map((p) => p.stop())));
    clearTimeout(deadline);
}
