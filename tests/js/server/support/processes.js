// Child processes for the suites: server/bin.js nodes and a throwaway redis-server.

import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

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

// Resolves with the first stdout line matching `pattern`; rejects on exit or timeout,
// quoting what the process printed.
function waitForLine(child, pattern, timeoutMs, what) {
    return new Promise((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
        function fail(why) {
            cleanup();
            reject(new Error(`${what}: ${why}; output:\n${output.slice(-2000)}`));
        }
        function onData(chunk) {
            output += chunk;
            const match = output.match(pattern);
            if (match) {
                cleanup();
                resolve(match);
            }
        }
        const onExit = (code, signal) => fail(`exited early (code ${code}, signal ${signal})`);
        const onError = (err) => fail(err.code === 'ENOENT' ? `${err.path} is not installed` : err.message);
        function cleanup() {
            clearTimeout(timer);
            child.stdout.off('data', onData);
            child.stderr.off('data', onData);
            child.off('exit', onExit);
            child.off('error', onError);
        }
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', onExit);
        child.once('error', onError);
    });
}

export function exited(child) {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    }
    return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

// node server/bin.js on a free port. Resolves {child, url, stop()}.
export async function spawnServerNode(env = {}) {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'server/bin.js')], {
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const [, url] = await waitForLine(child, /Demos and signaling at (http:\/\/\S+)/, 20000, 'server/bin.js');
    return {
        child,
        url,
        async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited(child);
        },
    };
}

// redis-server on a free loopback port (or on `port`, to restart one where its clients
// expect it), no persistence. A missing binary is an error with instructions, never a skip:
// .ci/run installs it. pause()/resume() freeze and thaw the process (SIGSTOP/SIGCONT): a
// Redis that accepts connections and answers nothing; kill() is a crash (SIGKILL).
export async function startRedis({ port } = {}) {
    port ??= await freePort();
    const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    try {
        await waitForLine(child, /Ready to accept connections/, 20000, 'redis-server');
    } catch (err) {
        child.kill('SIGKILL');
        throw new Error(
            `${err.message}\nThe scale-out tests need redis-server (Debian: apt-get install -y redis-server).`,
        );
    }
    const alive = () => child.exitCode === null && child.signalCode === null;
    return {
        port,
        child,
        url: `redis://127.0.0.1:${port}`,
        pause() {
            child.kill('SIGSTOP');
        },
        resume() {
            child.kill('SIGCONT');
        },
        async kill() {
            if (alive()) child.kill('SIGKILL');
            return exited(child);
        },
        async stop() {
            if (alive()) {
                child.kill('SIGCONT'); // a paused server cannot act on SIGTERM
                child.kill('SIGTERM');
            }
            return exited(child);
        },
    };
}
