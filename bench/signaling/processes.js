// Server processes for the benchmark, and what the kernel says about them (RSS, CPU).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

export function freePort() {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.once('error', reject);
        probe.listen(0, '127.0.0.1', () => {
            const { port } = probe.address();
            probe.close(() => resolve(port));
        });
    });
}

// Spawns `command args`, resolves once stdout matches `pattern` (bounded by timeoutMs).
export function startProcess(name, command, args, { env = {}, pattern, timeoutMs = 15000 } = {}) {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    let output = '';
    const collect = (chunk) => {
        output = (output + chunk).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => fail('did not start in time'), timeoutMs);
        function fail(why) {
            clearTimeout(timer);
            child.kill('SIGKILL');
            reject(new Error(`${name}: ${why}\n${output}`));
        }
        child.once('error', (err) => fail(err.message));
        child.once('exit', (code) => fail(`exited with ${code}`));
        const onData = () => {
            const match = output.match(pattern);
            if (!match) return;
            clearTimeout(timer);
            child.stdout.off('data', onData);
            child.removeAllListeners('exit');
            resolve({
                name,
                child,
                pid: child.pid,
                match,
                stop() {
                    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
                    return new Promise((done) => {
                        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
                        child.once('exit', () => {
                            clearTimeout(force);
                            done();
                        });
                        child.kill('SIGTERM');
                    });
                },
            });
        };
        child.stdout.on('data', onData);
    });
}

// Extra node flags for the server processes, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof
// --cpu-prof-dir=/tmp/prof" to see where a relay's time goes (node refuses --cpu-prof in
// NODE_OPTIONS).
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS || '').split(/\s+/).filter(Boolean);

// binPath: another build of server/bin.js (BENCH_BASELINE_SERVER), to compare two versions
// of our server in one run.
export function startOurNode(env, binPath = path.join(PROJECT_ROOT, 'server/bin.js')) {
    return startProcess('server/bin.js', process.execPath, [...SERVER_NODE_ARGS, binPath], {
        env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
        pattern: /Demos and signaling at (http:\/\/\S+)/,
    });
}

export function startUpstream() {
    return startProcess('rtcmulticonnection-server', process.execPath, [...SERVER_NODE_ARGS, path.join(PROJECT_ROOT, 'bench/signaling/upstream-server.js')], {
        pattern: /rtcmulticonnection-server at (http:\/\/\S+)/,
    });
}

export async function startRedis() {
    const port = await freePort();
    const redis = await startProcess(
        'redis-server',
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { pattern: /Ready to accept connections/ },
    );
    redis.url = `redis://127.0.0.1:${port}`;
    return redis;
}

export function rssBytes(pid) {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(status.match(/VmRSS:\s+(\d+) kB/)[1]) * 1024;
}

// CPU seconds (user + system) consumed so far by a process.
export function cpuSeconds(pid) {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND; // utime, stime
}
