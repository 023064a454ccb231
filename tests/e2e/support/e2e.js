// The browser-test fixture. One per test file:
//   - our real signaling server (server/index.js) on an ephemeral port of 127.0.0.1, in the
//     test process, with its log kept for failure reports;
//   - one Chromium (/usr/bin/chromium through playwright-core, fake camera, microphone and
//     screen), closed after the file;
//   - one browser context per simulated user, so users share no storage, no cookies and no
//     socket, as on separate machines. Test pages (tests/e2e/pages/*.html) are served by
//     that same server at http://localhost:<port>/e2e/<name>.html (one more static root,
//     an option of createServer): same origin as /dist/ and /socket.io/, and getUserMedia
//     works (localhost is a secure context).
//     Why not context.route(): Chromium does not know the address a fulfilled response
//     came from, treats such a page as public, and its Local Network Access checks then
//     block the page's WebSocket to localhost (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS);
//     socket.io silently falls back to long polling, which is not what users get.
// After each test: a screenshot of every page under test-output/e2e/, then its contexts
// close and the server must see every socket gone before the next test starts. A test
// fails if a page threw an uncaught error or gave RTCPeerConnection an ICE server of another
// machine (no packet may go to a public STUN server; a TURN server the test started on this
// machine, support/coturn.js, is fine).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import { chromium } from 'playwright-core';
import { DEFAULT_STATIC_ROOTS } from '../../../server/config.js';
import { createServer } from '../../../server/index.js';
import { createLogger } from '../../../server/log.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PAGES_DIR = path.join(PROJECT_ROOT, 'tests/e2e/pages');
const INSTRUMENT_SCRIPT = path.join(PROJECT_ROOT, 'tests/e2e/support/instrument.js');
const OUTPUT_DIR = path.join(PROJECT_ROOT, 'test-output/e2e');
export const BUNDLE_FILE = path.join(PROJECT_ROOT, 'dist/RTCMultiConnection.js');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// ../shared/TOOLCHAIN.md lists the first nine as working headless here.
export const CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--use-fake-ui-for-media-stream', // grant camera, microphone and screen without a prompt
    '--use-fake-device-for-media-stream', // a synthetic camera and microphone
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    // Remote <video> elements play with sound, as in a real call where the user clicked
    // "join": without this, Chromium would block unmuted autoplay in a fresh profile.
    '--autoplay-policy=no-user-gesture-required',
];

const SERVER_LOG_LINES = 4000;

// ICE server URLs that stay on this machine: loopback and the test namespace's bridge
// address (scripts/e2e.sh).
const LOCAL_ICE_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '198.18.0.1']);
function isLocalIceUrl(url) {
    const match = /^(?:stuns?|turns?):(\[[^\]]*\]|[^:?]+)/i.exec(String(url));
    return Boolean(match && LOCAL_ICE_HOSTS.has(match[1].toLowerCase()));
}

// Default limit of one wait: generous for two busy cores, far below the Jest timeout.
export const WAIT_MS = 30000;

let idCounter = 0;
// Room ids and other names unique across the tests of one run.
export function uniqueId(prefix) {
    idCounter += 1;
    return `${prefix}-${Date.now().toString(36)}-${idCounter}`;
}

function safeName(text) {
    return (
        String(text)
            .replace(/[^A-Za-z0-9._-]+/g, '-')
            .replace(/^-+|-+$/g, '')
            .slice(0, 100) || 'unnamed'
    );
}

function formatEntry(entry) {
    const { at, event, ...rest } = entry;
    const details = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
    return `  ${String(at).padStart(7)}ms ${event}${details}`;
}

// Registers the hooks of one test file and returns its fixture.
// needsBundle: the file's pages load /dist/RTCMultiConnection.js; fail early, saying how
// to build it, when it is missing. serverOptions: more createServer options (an object, or a
// function called in beforeAll, after the hooks the file registered before this call, e.g.
// one that started a TURN server).
export function setupE2E({ needsBundle = false, serverOptions = {} } = {}) {
    const state = {
        server: null,
        origin: null,
        browser: null,
        serverLog: [],
        namespaces: new Map(), // name -> socket.io Namespace, for those created on demand
        users: [], // users opened by the running test
    };

    beforeAll(async () => {
        if (needsBundle && !fs.existsSync(BUNDLE_FILE)) {
            throw new Error(
                `${path.relative(PROJECT_ROOT, BUNDLE_FILE)} is missing: build it with ` +
                    '`npm run build:web` (scripts/build-web.sh) before the browser tests',
            );
        }
        const logger = createLogger({
            level: 'debug',
            write: (line) => {
                state.serverLog.push(line.trimEnd());
                if (state.serverLog.length > SERVER_LOG_LINES) state.serverLog.shift();
            },
        });
        const extraOptions = typeof serverOptions === 'function' ? await serverOptions() : serverOptions;
        state.server = createServer({ logger, staticRoots: [...DEFAULT_STATIC_ROOTS, ['/e2e/', PAGES_DIR]], ...extraOptions });
        // Namespaces created on demand (the seed protocol's one namespace per channel).
        state.server.io.sockets.on('new_namespace', (namespace) => state.namespaces.set(namespace.name, namespace));
        const [{ port }, browser] = await Promise.all([
            state.server.listen(0, '127.0.0.1'),
            chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true }),
        ]);
        state.browser = browser;
        state.origin = `http://localhost:${port}`;
    });

    afterEach(async () => {
        const { currentTestName, testPath } = expect.getState();
        const fileName = path.basename(testPath || 'unknown', '.test.js');
        const folder = path.join(OUTPUT_DIR, safeName(fileName), safeName(currentTestName));
        const users = state.users;
        state.users = [];
        const problems = [];
        for (const user of users) {
            if (user.page.isClosed()) continue;
            await fs.promises.mkdir(folder, { recursive: true });
            await user.page.screenshot({ path: path.join(folder, `${safeName(user.name)}.png`), fullPage: true }).catch(() => {});
            const given = await user.page.evaluate(() => window.externalIceServers).catch(() => []);
            const iceServers = given.filter((url) => !isLocalIceUrl(url));
            if (iceServers.length > 0) {
                problems.push(
                    `${user.name} gave RTCPeerConnection ICE servers ${JSON.stringify(iceServers)}; ` +
                        'tests must pass iceServers: []',
                );
            }
            if (user.errors.length > 0) {
                problems.push(`${user.name} threw uncaught errors:\n${user.errors.join('\n')}`);
            }
        }
        await Promise.all(users.map((user) => user.context.close().catch(() => {})));
        // The next test starts on a server that saw every page of this one go: no room,
        // announcement or member of this test can reach the next one.
        const deadline = Date.now() + 15000;
        const openConnections = () => (state.server ? state.server.io.engine.clientsCount : 0);
        while (openConnections() > 0 && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (openConnections() > 0) {
            problems.push(`${openConnections()} connection(s) still open on the server 15 s after the pages closed`);
        }
        if (problems.length > 0) throw new Error(problems.join('\n\n'));
    });

    afterAll(async () => {
        await state.browser?.close();
        await state.server?.close();
    });

    const fixture = {
        get server() {
            return state.server;
        },
        get origin() {
            return state.origin;
        },
        // Sockets connected to each namespace created on demand (the seed protocol's
        // channels): {'/<channel>': count}. Namespaces removed when empty count 0.
        channelSockets() {
            const counts = {};
            for (const [name, namespace] of state.namespaces) counts[name] = namespace.sockets.size;
            return counts;
        },
        uniqueId,
        // The server's log lines so far (JSON, one event each), the last few thousand.
        serverLog() {
            return [...state.serverLog];
        },

        // Opens tests/e2e/pages/<pageName>.html?<query> in a fresh browser context, as user
        // `name`. Returns {name, page, context, console, errors}. `initScript` (a function)
        // runs in the page before its own scripts, after the instrumentation.
        async openUser(name, pageName, query = {}, { initScript } = {}) {
            // Playwright's default 1280x720 viewport; the fake screen of getDisplayMedia has
            // the size of the page's window, so it is 1280x720 too.
            const context = await state.browser.newContext();
            await context.addInitScript({ path: INSTRUMENT_SCRIPT });
            if (initScript) await context.addInitScript(initScript);
            const page = await context.newPage();
            const user = { name, page, context, console: [], errors: [] };
            state.users.push(user);
            page.on('console', (message) => {
                user.console.push(`[${message.type()}] ${message.text()}`);
                if (user.console.length > 500) user.console.shift();
            });
            page.on('pageerror', (error) => user.errors.push(String(error.stack || error)));
            const search = new URLSearchParams(query).toString();
            const url = `${state.origin}/e2e/${pageName}.html${search ? `?${search}` : ''}`;
            const response = await page.goto(url, { waitUntil: 'load' });
            if (!response || !response.ok()) {
                throw new Error(`${name}: ${url} answered ${response ? response.status() : 'nothing'}`);
            }
            return user;
        },

        // Waits until `predicate(arg)`, evaluated in the user's page, returns a truthy value,
        // and resolves with that value. On timeout it fails with `description` and the event
        // logs of every page of the test (the awaited one first) and the server's last lines.
        async waitFor(user, predicate, timeout = WAIT_MS, description = 'a condition', arg = undefined) {
            try {
                const handle = await user.page.waitForFunction(predicate, arg, { timeout, polling: 100 });
                const value = await handle.jsonValue();
                await handle.dispose();
                return value;
            } catch (error) {
                const report = await fixture.describeState(user);
                const reason =
                    error && error.name === 'TimeoutError' ? `timed out after ${timeout} ms` : String(error && error.message);
                throw new Error(`${user.name}: waiting for ${description}: ${reason}\n\n${report}`);
            }
        },

        // For work that takes long on a loaded machine (a big file): waits until `predicate()`
        // holds in the user's page while `await progress()` (run here, in Node: a number such as
        // the bytes received so far) keeps growing. It fails when progress stops for `stallMs`, so a hang is caught that
        // soon, or after `limitMs` in all; a slow but moving transfer is not a failure.
        async waitWhileProgressing(user, predicate, progress, { stallMs = 30000, limitMs = 360000, description = 'a condition' } = {}) {
            const start = Date.now();
            let last = -Infinity;
            let lastChange = start;
            for (;;) {
                if (await user.page.evaluate(predicate)) return;
                const now = Number(await progress());
                if (now > last) {
                    last = now;
                    lastChange = Date.now();
                }
                const stalled = Date.now() - lastChange > stallMs;
                if (stalled || Date.now() - start > limitMs) {
                    const report = await fixture.describeState(user);
                    const reason = stalled ? `no progress for ${stallMs} ms (at ${last})` : `still at ${last} after ${limitMs} ms`;
                    throw new Error(`${user.name}: waiting for ${description}: ${reason}\n\n${report}`);
                }
                await new Promise((resolve) => setTimeout(resolve, 250));
            }
        },

        // Waits until the server has room `roomid` (and, when given, `members` members in it).
        // `joiner`: the user expected to join, whose state is reported too when it does not.
        async waitForRoom(roomid, { members = 1, timeout = WAIT_MS, joiner = null } = {}) {
            const deadline = Date.now() + timeout;
            let room = null;
            for (;;) {
                room = await state.server.rooms.getRoom(roomid);
                if (room && room.members.length >= members) return room;
                if (Date.now() > deadline) break;
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            let report = await fixture.describeState(state.users[0]);
            if (joiner && joiner !== state.users[0]) report += `\n\n${await fixture.describeState(joiner)}`;
            throw new Error(
                `server: waiting for room "${roomid}" with ${members} member(s): timed out after ${timeout} ms ` +
                    `(room now: ${JSON.stringify(room)})\n\n${report}`,
            );
        },

        // Waits until `predicate()`, evaluated here in the test process (server state),
        // returns a truthy value, and resolves with it.
        async waitForServer(predicate, description, timeout = WAIT_MS) {
            const deadline = Date.now() + timeout;
            for (;;) {
                const value = await predicate();
                if (value) return value;
                if (Date.now() > deadline) break;
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            const report = await fixture.describeState(state.users[0]);
            throw new Error(`server: waiting for ${description}: timed out after ${timeout} ms\n\n${report}`);
        },

        // Every page's event log, console and errors, plus the server's last log lines.
        async describeState(first) {
            const users = [first, ...state.users.filter((user) => user !== first)].filter(Boolean);
            const sections = [];
            for (const user of users) {
                const lines = [`--- ${user.name} (${user.page.url()})`];
                const entries = await user.page
                    .evaluate(() => window.log)
                    .catch((error) => [{ at: 0, event: `log unavailable: ${error.message}` }]);
                lines.push(`page log (${entries.length} events${entries.length > 80 ? ', last 80' : ''}):`);
                lines.push(...entries.slice(-80).map(formatEntry));
                const peers = await user.page.evaluate(() => window.peerSummary()).catch(() => null);
                if (peers) lines.push(`peer connections: ${JSON.stringify(peers)}`);
                const videos = await user.page.evaluate(() => window.videosIn('body')).catch(() => null);
                if (videos) lines.push(`videos (frames counted since a test first asked): ${JSON.stringify(videos)}`);
                if (user.console.length) lines.push('console (last 30):', ...user.console.slice(-30).map((l) => `  ${l}`));
                if (user.errors.length) lines.push('uncaught errors:', ...user.errors.map((l) => `  ${l}`));
                sections.push(lines.join('\n'));
            }
            sections.push(`--- server log (last 60 lines):\n${state.serverLog.slice(-60).join('\n')}`);
            return sections.join('\n\n');
        },

        // Evaluates `fn(arg)` in the user's page.
        evaluate(user, fn, arg) {
            return user.page.evaluate(fn, arg);
        },

        // The page's event log entries named `event`.
        async events(user, event) {
            const entries = await user.page.evaluate(() => window.log);
            return entries.filter((entry) => entry.event === event);
        },
    };
    return fixture;
}
