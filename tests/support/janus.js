// A Janus (Debian's 1.1.2, `apt-get install -y janus`, installed by scripts/setup.sh) for one
// test file or one recording: a generated configuration in a temporary folder (only the
// videoroom plugin and the WebSockets transport; every other plugin, transport, event handler
// and logger disabled, so nothing else listens or writes anywhere), WebSockets on a free port
// of `host`, its output kept in memory for failure reports.
//
//   const janus = await startJanus({ sessionTimeout: 60 });
//   janus.url              'ws://127.0.0.1:<port>' (subprotocol janus-protocol)
//   janus.log()            what janus printed (the last 64 KiB)
//   await janus.kill();    a crash (SIGKILL by default), waits for the exit
//   await janus.restart(); the same configuration on the same port (after a kill or a stop)
//   await janus.stop();    SIGTERM (SIGKILL after 3 s), then the folder is removed
//
// Options (all optional):
//   host            the address the WebSockets transport listens on (127.0.0.1)
//   port            its port (a free one)
//   sessionTimeout  janus.jcfg session_timeout, in seconds: a session without any request
//                   for that long is destroyed (60, as Janus's default)
//   iceEnforceList  janus.jcfg ice_enforce_list: the interfaces or addresses ICE gathers on
//                   (the browser tests pass "iso0", their network namespace's bridge)
//   rtpPortRange    janus.jcfg rtp_port_range ("20000-20999")
//   adminKey        the videoroom plugin's admin_key: rooms can only be created with it
//   debugLevel      janus.jcfg debug_level (4: info; 7 is the most verbose)
// Signaling-only tests need no network namespace: loopback is enough (scripts/record-janus.mjs).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

export const JANUS_PATH = process.env.JANUS_PATH || '/usr/bin/janus';
const READY_TIMEOUT_MS = 10000;
const STOP_GRACE_MS = 3000;
const KEPT_OUTPUT_BYTES = 64 * 1024;

// Debian puts the modules in /usr/lib/<multiarch triplet>/janus/{plugins,transports,...}.
function modulesFolder() {
    for (const folder of ['/usr/lib/x86_64-linux-gnu/janus', '/usr/lib/aarch64-linux-gnu/janus', '/usr/lib/janus']) {
        if (fs.existsSync(path.join(folder, 'plugins'))) return folder;
    }
    for (const entry of fs.readdirSync('/usr/lib')) {
        const folder = path.join('/usr/lib', entry, 'janus');
        if (fs.existsSync(path.join(folder, 'plugins'))) return folder;
    }
    throw new Error('no janus modules folder under /usr/lib: scripts/setup.sh installs Debian\'s janus');
}

// Every module of a kind but the ones kept. Janus loads the files that end in ".so".
function modulesBut(folder, kept) {
    return fs
        .readdirSync(folder)
        .filter((name) => name.endsWith('.so') && !kept.includes(name))
        .join(',');
}

export function freePort(host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.once('error', reject);
        probe.listen(0, host, () => {
            const { port } = probe.address();
            probe.close(() => resolve(port));
        });
    });
}

// The configuration folder's files: janus.jcfg and the two modules kept.
export function janusConfigFiles({
    folder,
    host = '127.0.0.1',
    port,
    sessionTimeout = 60,
    iceEnforceList = null,
    rtpPortRange = '20000-20999',
    adminKey = null,
    debugLevel = 4,
}) {
    const modules = modulesFolder();
    const quote = (text) => JSON.stringify(String(text));
    const nat = iceEnforceList ? `ice_enforce_list = ${quote(iceEnforceList)}` : 'ice_ignore_list = "vmnet"';
    return {
        'janus.jcfg': `general: {
    configs_folder = ${quote(folder)}
    plugins_folder = ${quote(path.join(modules, 'plugins'))}
    transports_folder = ${quote(path.join(modules, 'transports'))}
    events_folder = ${quote(path.join(modules, 'events'))}
    loggers_folder = ${quote(path.join(modules, 'loggers'))}
    debug_level = ${debugLevel}
    session_timeout = ${sessionTimeout}
}
media: { rtp_port_range = ${quote(rtpPortRange)} }
nat: { ${nat} }
plugins: { disable = ${quote(modulesBut(path.join(modules, 'plugins'), ['libjanus_videoroom.so']))} }
transports: { disable = ${quote(modulesBut(path.join(modules, 'transports'), ['libjanus_websockets.so']))} }
events: { broadcast = false disable = ${quote(modulesBut(path.join(modules, 'events'), []))} }
loggers: { disable = ${quote(modulesBut(path.join(modules, 'loggers'), []))} }
`,
        // No sample room: every room is created by whoever uses this janus.
        'janus.plugin.videoroom.jcfg': `general: {${adminKey ? ` admin_key = ${quote(adminKey)} ` : ' '}}\n`,
        'janus.transport.websockets.jcfg': `general: {
    json = "compact"
    ws = true
    ws_port = ${port}
    ws_ip = ${quote(host)}
    wss = false
}
admin: { admin_ws = false admin_wss = false }
`,
    };
}

// Resolves once a WebSocket to `url` opens (then closes it); rejects after `timeoutMs` or
// when `stopped()` says the process is gone.
async function waitUntilListening(url, timeoutMs, stopped) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const opened = await new Promise((resolve) => {
            const ws = new WebSocket(url, 'janus-protocol');
            ws.once('open', () => {
                ws.close();
                resolve(true);
            });
            ws.once('error', () => resolve(false));
        });
        if (opened) return;
        if (stopped()) throw new Error('janus exited before it listened');
        if (Date.now() > deadline) throw new Error(`janus did not listen on ${url} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

export async function startJanus(options = {}) {
    if (!fs.existsSync(JANUS_PATH)) {
        throw new Error(`${JANUS_PATH} is missing: scripts/setup.sh installs Debian's janus`);
    }
    const host = options.host ?? '127.0.0.1';
    const port = options.port || (await freePort(host));
    const folder = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'rtcmc-janus-'));
    for (const [name, text] of Object.entries(janusConfigFiles({ ...options, folder, host, port }))) {
        fs.writeFileSync(path.join(folder, name), text);
    }
    const url = `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;
    let output = '';
    let child = null;
    let exit = null; // promise of the current process's {code, signal}

    async function launch() {
        const started = spawn(JANUS_PATH, ['-F', folder, '-C', path.join(folder, 'janus.jcfg')], {
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        const keep = (chunk) => {
            output = (output + chunk).slice(-KEPT_OUTPUT_BYTES);
        };
        started.stdout.on('data', keep);
        started.stderr.on('data', keep);
        let gone = false;
        exit = new Promise((resolve) => {
            started.once('exit', (code, signal) => {
                gone = true;
                resolve({ code, signal });
            });
            started.once('error', (err) => {
                gone = true;
                keep(`spawn failed: ${err.message}\n`);
                resolve({ code: null, signal: null });
            });
        });
        child = started;
        try {
            await waitUntilListening(url, READY_TIMEOUT_MS, () => gone);
        } catch (err) {
            started.kill('SIGKILL');
            await exit;
            throw new Error(`${err.message}\n${output.slice(-4000)}`);
        }
    }

    const running = () => child !== null && child.exitCode === null && child.signalCode === null;

    async function kill(signal = 'SIGKILL') {
        if (!running()) return exit;
        child.kill(signal);
        // SIGSTOP/SIGCONT freeze and thaw: nothing to wait for.
        if (signal === 'SIGSTOP' || signal === 'SIGCONT') return null;
        return exit;
    }

    async function stopProcess() {
        if (!running()) return;
        child.kill('SIGCONT'); // a frozen janus cannot act on SIGTERM
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exit;
        clearTimeout(timer);
    }

    try {
        await launch();
    } catch (err) {
        await fs.promises.rm(folder, { recursive: true, force: true });
        throw err;
    }
    return {
        host,
        port,
        url,
        folder,
        log: () => output,
        pid: () => child?.pid,
        kill,
        async restart() {
            await stopProcess();
            await launch();
        },
        async stop() {
            await stopProcess();
            // RTCMC_KEEP_JANUS_CONFIG=1 keeps the generated folder for a look after the run.
            if (process.env.RTCMC_KEEP_JANUS_CONFIG) process.stderr.write(`janus config kept: ${folder}\n`);
            else await fs.promises.rm(folder, { recursive: true, force: true });
        },
    };
}

// The name the browser tests use.
export const start = startJanus;

// A minimal Janus client for tests (no janus.js): request(frame) sends it with a fresh
// transaction and resolves with Janus's answer (an `ack` only for keepalive and trickle;
// plugin requests resolve with their event or success); next(test) resolves with the first
// frame, received or still to come, that passes test(frame), and removes it.
export async function connectJanusClient(url, { timeoutMs = 5000 } = {}) {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
    });
    const inbox = [];
    let waiters = [];
    ws.on('message', (data) => {
        inbox.push(JSON.parse(String(data)));
        waiters = waiters.filter((check) => !check());
    });
    let counter = 0;
    const next = (test, what = 'a frame') =>
        new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no ${what} from janus within ${timeoutMs} ms`)), timeoutMs);
            const check = () => {
                const at = inbox.findIndex(test);
                if (at < 0) return false;
                clearTimeout(timer);
                resolve(inbox.splice(at, 1)[0]);
                return true;
            };
            if (!check()) waiters.push(check);
        });
    return {
        ws,
        inbox,
        next,
        request(frame) {
            const transaction = `test-${++counter}`;
            const ackEnds = frame.janus === 'keepalive' || frame.janus === 'trickle';
            ws.send(JSON.stringify({ ...frame, transaction }));
            return next((f) => f.transaction === transaction && (ackEnds || f.janus !== 'ack'), `answer to ${frame.janus}`);
        },
        close() {
            ws.close();
        },
    };
}

// create + attach videoroom: {client, session, handle, videoroom(body) -> plugindata.data}.
export async function videoroomClient(url) {
    const client = await connectJanusClient(url);
    const session = (await client.request({ janus: 'create' })).data.id;
    const handle = (await client.request({ janus: 'attach', plugin: 'janus.plugin.videoroom', session_id: session })).data.id;
    return {
        client,
        session,
        handle,
        async videoroom(body) {
            const reply = await client.request({ janus: 'message', session_id: session, handle_id: handle, body });
            return reply.plugindata?.data;
        },
        close: () => client.close(),
    };
}
