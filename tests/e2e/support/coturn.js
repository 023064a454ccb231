// A coturn (Debian's `turnserver`, installed by scripts/setup.sh) for one test file: started on
// a free port of the given address with the TURN REST scheme's shared secret
// (use-auth-secret / static-auth-secret, as server/turn-credentials.js expects), plain UDP/TCP
// only (no TLS), loopback peers allowed (the pages of one machine relay to each other), its
// log in a temporary file; stopped, and the folder removed, by stop().
//
//   const turn = await startCoturn({ secret });
//   turn.url            'turn:127.0.0.1:<port>?transport=udp'
//   turn.log()          the log so far (for failure reports)
//   turn.allocations()  how many allocations the log shows made (a rough count)
//   await turn.stop();
//   const again = await startCoturn({ secret, port: turn.port });  a restart on the same port

import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const TURNSERVER_PATH = process.env.TURNSERVER_PATH || '/usr/bin/turnserver';
const READY_TIMEOUT_MS = 10000;

// A port free for both UDP and TCP on `host` (coturn listens on both), found by binding.
async function freePort(host) {
    for (let attempt = 0; attempt < 20; attempt++) {
        const tcp = net.createServer();
        const port = await new Promise((resolve, reject) => {
            tcp.once('error', reject);
            tcp.listen(0, host, () => resolve(tcp.address().port));
        });
        const udp = dgram.createSocket('udp4');
        const udpFree = await new Promise((resolve) => {
            udp.once('error', () => resolve(false));
            udp.bind(port, host, () => resolve(true));
        });
        udp.close();
        await new Promise((resolve) => tcp.close(resolve));
        if (udpFree) return port;
    }
    throw new Error(`no port free for both UDP and TCP on ${host}`);
}

// One STUN Binding request (RFC 8489 section 5: type 0x0001, length 0, magic cookie, 96-bit
// transaction id); resolves true when a Binding success response with that id comes back.
function stunBinding(host, port, timeoutMs) {
    return new Promise((resolve) => {
        const socket = dgram.createSocket('udp4');
        const transaction = randomBytes(12);
        const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), transaction]);
        const done = (ok) => {
            clearTimeout(timer);
            socket.close();
            resolve(ok);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        socket.on('message', (message) => {
            if (message.length >= 20 && message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(transaction)) done(true);
        });
        socket.on('error', () => done(false));
        socket.send(request, port, host);
    });
}

export async function startCoturn({ secret, host = '127.0.0.1', realm = 'rtcmc.test', port: wantedPort = 0 }) {
    if (!fs.existsSync(TURNSERVER_PATH)) {
        throw new Error(`${TURNSERVER_PATH} is missing: scripts/setup.sh installs Debian's coturn`);
    }
    const folder = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'rtcmc-coturn-'));
    const logFile = path.join(folder, 'turnserver.log');
    const port = wantedPort || (await freePort(host));
    // Relay ports: a window of 200 somewhere in 40000-59999 (the test's own network namespace
    // has nothing else there; outside one, a random window keeps clashes unlikely).
    const minPort = 40000 + Math.floor(Math.random() * 99) * 200;
    const args = [
        '-n', // no configuration file: everything is here
        `--listening-ip=${host}`,
        `--listening-port=${port}`,
        `--relay-ip=${host}`,
        `--min-port=${minPort}`,
        `--max-port=${minPort + 199}`,
        '--use-auth-secret',
        `--static-auth-secret=${secret}`,
        `--realm=${realm}`,
        '--allow-loopback-peers',
        '--no-cli',
        '--no-tls',
        '--no-dtls',
        '--no-multicast-peers',
        `--log-file=${logFile}`,
        '--simple-log',
        '--no-stdout-log',
        `--pidfile=${path.join(folder, 'turnserver.pid')}`,
        '--verbose',
    ];
    const child = spawn(TURNSERVER_PATH, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
        stderr = (stderr + chunk).slice(-4000);
    });
    let exited = null;
    const exitedPromise = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
            exited = { code, signal };
            resolve(exited);
        });
    });
    const log = () => {
        try {
            return fs.readFileSync(logFile, 'utf8');
        } catch {
            return '';
        }
    };
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (!ready && exited === null && Date.now() < deadline) {
        ready = await stunBinding(host, port, 200);
    }
    if (!ready) {
        child.kill('SIGKILL');
        await exitedPromise;
        const report = `coturn did not answer a STUN Binding on ${host}:${port} within ${READY_TIMEOUT_MS} ms` +
            `${exited ? ` (it exited: ${JSON.stringify(exited)})` : ''}\nstderr: ${stderr}\nlog:\n${log().slice(-4000)}`;
        await fs.promises.rm(folder, { recursive: true, force: true });
        throw new Error(report);
    }
    return {
        host,
        port,
        realm,
        url: `turn:${host}:${port}?transport=udp`,
        log,
        // Allocations coturn made (its verbose log has one such line for each).
        allocations: () => log().split('\n').filter((line) => /ALLOCATE processed, success/.test(line)).length,
        async stop() {
            if (exited === null) {
                child.kill('SIGTERM');
                const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
                await exitedPromise;
                clearTimeout(timer);
            }
            // RTCMC_KEEP_COTURN_LOG=1 keeps the folder (its log) for a look after the run.
            if (process.env.RTCMC_KEEP_COTURN_LOG) process.stderr.write(`coturn log kept: ${logFile}\n`);
            else await fs.promises.rm(folder, { recursive: true, force: true });
        },
    };
}
