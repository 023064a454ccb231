// Mesh against SFU (issue 16): the same conference page with N members, once as a mesh and once
// through Janus (connection.sfu = true), for N = 3, 4 and 6, in one run. Per run it measures
//   - time to first remote frame: from a joiner's connect() to its first painted remote video
//     frame (median over the joiners), and until it had painted all N-1 (median);
//   - per page, over a steady window once every page shows all N-1 videos: the outbound RTP
//     streams that sent bytes, the uplink in kbit/s, the renderer's CPU (% of one core), the
//     video frames it decoded per second and its CPU per decoded frame (a saturated machine
//     delivers fewer frames: CPU per page alone would flatter the mesh);
//   - the whole machine's CPU over the window (% of all cores; Janus included for the SFU) and
//     Janus's own CPU.
// Each round runs every (N, mode) once, the order of the modes alternating by round; every run
// uses a fresh browser. Prints each run, then medians and the SFU/mesh ratios per N. Asserts
// nothing (a benchmark, not a test).
//
// Run it through bench/sfu/run.sh, which puts it in a private network namespace:
//   bash bench/sfu/run.sh [--rounds 3] [--sizes 3,4,6] [--video 320x240@15] [--window 10]

import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { BENCH_CHROMIUM_ARGS } from '../chromium-args.js';
import { DEFAULT_STATIC_ROOTS } from '../../server/config.js';
import { createServer } from '../../server/index.js';
import { createLogger } from '../../server/log.js';
import { cpuMs, launchedProfile, rendererOf } from '../files/processes.js';
import { startJanus } from '../../tests/support/janus.js';

// Remote videos play with sound, as in a call the user joined (no autoplay block).
const CHROMIUM_ARGS = [...BENCH_CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'];
const PLAYING_TIMEOUT_MS = 120000;
const SETTLE_MS = 3000;

function parseArgs(argv) {
    const options = { rounds: 3, sizes: [3, 4, 6], video: { width: 320, height: 240, fps: 15 }, windowMs: 10000 };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--rounds') options.rounds = Number(argv[++i]);
        else if (arg === '--sizes') options.sizes = argv[++i].split(',').map(Number);
        else if (arg === '--window') options.windowMs = Number(argv[++i]) * 1000;
        else if (arg === '--video') {
            const match = /^(\d+)x(\d+)@(\d+)$/.exec(argv[++i] || '');
            if (!match) throw new Error('--video wants WIDTHxHEIGHT@FPS, e.g. 320x240@15');
            options.video = { width: Number(match[1]), height: Number(match[2]), fps: Number(match[3]) };
        } else throw new Error(`unknown argument ${arg}`);
    }
    return options;
}

// Busy and total jiffies of the whole machine (/proc/stat's first line).
function machineTicks() {
    const fields = fs.readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] || 0);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
}

const median = (values) => {
    const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
};
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

let roomCounter = 0;

async function runOnce(size, mode, options, env) {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    const profile = launchedProfile();
    roomCounter += 1;
    const room = `bench-sfu-${process.pid}-${roomCounter}`;
    const { width, height, fps } = options.video;
    const query = (role) =>
        new URLSearchParams({ room, width, height, fps, ...(role ? { role } : {}), ...(mode === 'sfu' ? { sfu: '1' } : {}) }).toString();
    try {
        const members = [];
        for (let index = 0; index < size; index++) {
            const context = await browser.newContext();
            const { result: page, pid } = await rendererOf(profile, async () => {
                const page = await context.newPage();
                await page.goto(`${env.origin}/bench/room.html?${query(index === 0 ? 'owner' : null)}`, { waitUntil: 'load' });
                return page;
            });
            members.push({ page, pid });
            const deadline = Date.now() + 30000;
            for (;;) {
                const record = await env.server.rooms.getRoom(room);
                if (record && record.members.length >= index + 1) break;
                if (Date.now() > deadline) throw new Error(`member ${index + 1} never joined room ${room}`);
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        }
        // Every page shows all the others.
        const deadline = Date.now() + PLAYING_TIMEOUT_MS;
        for (const { page } of members) {
            for (;;) {
                const state = await page.evaluate(() => ({
                    frames: Object.keys(window.firstFrames).length,
                    streams: window.remoteStreams,
                    peers: window.benchPeers.map((pc) => `${pc.connectionState}/${pc.getReceivers().filter((r) => r.track && r.track.readyState === 'live').length} live receivers`),
                    errors: window.errors,
                }));
                if (state.frames >= size - 1) break;
                if (Date.now() > deadline) {
                    throw new Error(
                        `page ${members.findIndex((member) => member.page === page) + 1} painted ${state.frames} of ${size - 1} remote videos in ${PLAYING_TIMEOUT_MS} ms ` +
                            `(remote streams: ${state.streams}; connections: ${state.peers.join(', ') || 'none'}; errors: ${state.errors.join('; ') || 'none'})`,
                    );
                }
                await new Promise((resolve) => setTimeout(resolve, 200));
            }
        }
        const firstFrames = [];
        const allFrames = [];
        for (const { page } of members.slice(1)) {
            const times = Object.values(await page.evaluate(() => window.firstFrames));
            firstFrames.push(Math.min(...times));
            allFrames.push(Math.max(...times));
        }
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

        const snapshot = async () => ({
            at: Date.now(),
            machine: machineTicks(),
            janus: cpuMs(env.janus.pid()),
            pages: await Promise.all(members.map(async ({ page, pid }) => ({ cpu: cpuMs(pid), uplink: await page.evaluate(() => window.uplink()) }))),
        });
        const before = await snapshot();
        await new Promise((resolve) => setTimeout(resolve, options.windowMs));
        const after = await snapshot();
        const elapsed = after.at - before.at;
        // Connections open at both ends of the window count; one that closed or appeared in it
        // (a link rebuilt after ICE failed, an SFU rejoin) makes the run 'unsteady'.
        let unsteady = false;
        const pages = after.pages.map((end, index) => {
            const start = before.pages[index].uplink;
            const sums = { streams: 0, bytes: 0, decoded: 0 };
            const ids = new Set([...Object.keys(start), ...Object.keys(end.uplink)]);
            for (const id of ids) {
                if (!(id in start) || !(id in end.uplink)) {
                    unsteady = true;
                    continue;
                }
                sums.streams += end.uplink[id].streams;
                sums.bytes += end.uplink[id].bytes - start[id].bytes;
                sums.decoded += end.uplink[id].decoded - start[id].decoded;
            }
            return {
                cpu: ((end.cpu - before.pages[index].cpu) / elapsed) * 100,
                streams: sums.streams,
                kbps: (sums.bytes * 8) / elapsed,
                fps: (sums.decoded * 1000) / elapsed,
                cpuMs: end.cpu - before.pages[index].cpu,
                frames: sums.decoded,
            };
        });
        return {
            ok: true,
            unsteady,
            firstFrameMs: median(firstFrames),
            allFramesMs: median(allFrames),
            streams: mean(pages.map((page) => page.streams)),
            kbps: mean(pages.map((page) => page.kbps)),
            rendererCpu: mean(pages.map((page) => page.cpu)),
            // Received video frames per second per page, and renderer CPU per received frame:
            // a saturated machine delivers fewer frames, which per-page CPU alone would hide.
            fps: mean(pages.map((page) => page.fps)),
            cpuPerFrameMs: pages.reduce((sum, page) => sum + page.cpuMs, 0) / Math.max(1, pages.reduce((sum, page) => sum + page.frames, 0)),
            machineCpu: ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * 100,
            janusCpu: mode === 'sfu' ? ((after.janus - before.janus) / elapsed) * 100 : 0,
        };
    } finally {
        await browser.close();
    }
}

function line(run) {
    if (!run.ok) return `FAILED: ${run.error}`;
    return (
        (run.unsteady ? 'UNSTEADY (a connection closed or opened in the window) ' : '') +
        `first remote frame ${fixed(run.firstFrameMs, 0)} ms, all ${fixed(run.allFramesMs, 0)} ms; per page: ${fixed(run.streams)} uplink streams, ` +
        `${fixed(run.kbps, 0)} kbit/s up, renderer CPU ${fixed(run.rendererCpu)} %, ${fixed(run.fps)} video frames/s in, ${fixed(run.cpuPerFrameMs, 2)} CPU ms per frame; machine CPU ${fixed(run.machineCpu)} % (Janus ${fixed(run.janusCpu)} %)`
    );
}

function printSummary(options, results) {
    console.log('\n## medians over the rounds (per page unless said)\n');
    console.log('| N | mode | uplink streams | uplink kbit/s | renderer CPU % | frames/s in | CPU ms/frame | machine CPU % | Janus CPU % | first remote frame ms | all remotes ms |');
    console.log('| - | ---- | -------------- | ------------- | -------------- | ----------- | ------------ | ------------- | ----------- | --------------------- | -------------- |');
    for (const size of options.sizes) {
        for (const mode of ['mesh', 'sfu']) {
            const runs = results.get(`${size}-${mode}`).filter((run) => run.ok);
            const m = (key) => median(runs.map((run) => run[key]));
            console.log(
                `| ${size} | ${mode} | ${fixed(m('streams'))} | ${fixed(m('kbps'), 0)} | ${fixed(m('rendererCpu'))} | ${fixed(m('fps'))} | ${fixed(m('cpuPerFrameMs'), 2)} | ${fixed(m('machineCpu'))} | ${fixed(m('janusCpu'))} | ${fixed(m('firstFrameMs'), 0)} | ${fixed(m('allFramesMs'), 0)} |`,
            );
        }
    }
    console.log('\n## SFU / mesh, median of the per-round ratios\n');
    console.log('| N | uplink streams | uplink bytes | renderer CPU per page | renderer CPU per received frame | machine CPU | first remote frame |');
    console.log('| - | -------------- | ------------ | --------------------- | ------------------------------- | ----------- | ------------------ |');
    for (const size of options.sizes) {
        const mesh = results.get(`${size}-mesh`);
        const sfu = results.get(`${size}-sfu`);
        const ratio = (key) => median(sfu.map((run, round) => (run.ok && mesh[round].ok ? run[key] / mesh[round][key] : NaN)));
        console.log(`| ${size} | ${fixed(ratio('streams'), 2)} | ${fixed(ratio('kbps'), 2)} | ${fixed(ratio('rendererCpu'), 2)} | ${fixed(ratio('cpuPerFrameMs'), 2)} | ${fixed(ratio('machineCpu'), 2)} | ${fixed(ratio('firstFrameMs'), 2)} |`);
    }
}

async function main() {
    const options = parseArgs(process.argv.slice(2));
    const janus = await startJanus({ iceEnforceList: 'iso0' });
    // An interrupted run leaves no janus behind (the browsers die with this process).
    for (const signal of ['SIGINT', 'SIGTERM']) {
        process.on(signal, () => {
            janus.stop().finally(() => process.exit(130));
        });
    }
    const server = createServer({
        logger: createLogger({ level: 'silent' }),
        staticRoots: [...DEFAULT_STATIC_ROOTS, ['/bench/', 'bench/sfu/pages']],
        janusUrl: janus.url,
        rateLimit: 100000,
        rateLimitBurst: 100000,
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const env = { server, janus, origin: `http://localhost:${port}` };
    const { width, height, fps } = options.video;
    console.log(`# bench/sfu: ${options.rounds} rounds of N = ${options.sizes.join(', ')}, mesh and SFU; camera ${width}x${height}@${fps}; ${options.windowMs / 1000} s windows`);
    const cpus = fs.readFileSync('/proc/cpuinfo', 'latin1').split('\n').filter((row) => row.startsWith('model name'));
    console.log(`# machine: ${cpus.length} x ${cpus[0] ? cpus[0].split(':')[1].trim() : 'unknown CPU'}`);
    const results = new Map();
    for (const size of options.sizes) for (const mode of ['mesh', 'sfu']) results.set(`${size}-${mode}`, []);
    try {
        for (let round = 0; round < options.rounds; round++) {
            for (const size of options.sizes) {
                const modes = round % 2 === 0 ? ['mesh', 'sfu'] : ['sfu', 'mesh'];
                for (const mode of modes) {
                    let run;
                    try {
                        run = await runOnce(size, mode, options, env);
                    } catch (error) {
                        run = { ok: false, error: error.message.split('\n')[0] };
                    }
                    results.get(`${size}-${mode}`).push(run);
                    console.log(`round ${round + 1} N=${size} ${mode.padEnd(4)} ${line(run)}`);
                }
            }
        }
        printSummary(options, results);
    } finally {
        await server.close();
        await janus.stop();
    }
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
