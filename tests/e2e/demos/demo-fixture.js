// The fixture of the demo-page tests (tests/e2e/demos/*.test.js). One per test file:
//   - our real signaling server (server/index.js) on an ephemeral port, serving the real
//     demos/ at `/` and the built library at /dist/, exactly as `npm start` does;
//   - one Chromium with fake camera, microphone and screen (the flags of ../support/e2e.js);
//   - one browser context per person, so people share no storage and no socket, as two
//     windows of one browser profile would not (they would share localStorage: the demos
//     keep nothing there).
// Pages are opened at http://localhost:<port>/<demo>.html?ice=none: the demos' own switch for
// `connection.iceServers = []`, so that no page asks a public STUN server (checked after each
// test, along with uncaught page errors). Tests act through the page as a person would:
// typing into inputs, clicking buttons, picking files; assertions read what the page shows.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { chromium } from 'playwright-core';
import { BUNDLE_FILE, CHROMIUM_ARGS, CHROMIUM_PATH, PROJECT_ROOT } from '../support/e2e.js';
import { DEFAULT_STATIC_ROOTS } from '../../../server/config.js';
import { createServer } from '../../../server/index.js';
import { createLogger } from '../../../server/log.js';

export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-output/e2e/demos');
// One wait: generous for two busy cores, far below Jest's timeout.
export const WAIT_MS = 30000;

// Runs in every page before its scripts. It changes nothing the page sees; it records the ICE
// servers each RTCPeerConnection is given (none may be) and counts camera/microphone and
// screen captures (what a person would notice as the browser's permission prompt).
function pageProbe() {
    window.__iceServersSeen = [];
    window.__captures = { getUserMedia: 0, getDisplayMedia: 0 };
    const devices = navigator.mediaDevices;
    for (const name of ['getUserMedia', 'getDisplayMedia']) {
        const original = devices && devices[name];
        if (typeof original !== 'function') continue;
        devices[name] = function (...args) {
            window.__captures[name] += 1;
            return original.apply(devices, args);
        };
    }
    const Native = window.RTCPeerConnection;
    if (typeof Native !== 'function') return;
    window.RTCPeerConnection = class extends Native {
        constructor(configuration, ...rest) {
            super(configuration, ...rest);
            for (const server of (configuration && configuration.iceServers) || []) {
                window.__iceServersSeen.push(...[].concat(server.urls || server.url || []).map(String));
            }
        }
    };
}

let counter = 0;
export function uniqueRoom(prefix) {
    counter += 1;
    return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

// serverOptions: more createServer options (an object, or a function called in beforeAll,
// after the test file's own beforeAll hooks declared before this call, e.g. a Janus URL).
export function setupDemos({ serverOptions = {} } = {}) {
    const state = { server: null, origin: null, browser: null, people: [], serverLog: [] };

    beforeAll(async () => {
        if (!fs.existsSync(BUNDLE_FILE)) {
            throw new Error('dist/RTCMultiConnection.js is missing: run `bash scripts/build.sh wasm && bash scripts/build-web.sh` first');
        }
        const logger = createLogger({
            level: 'info',
            write: (line) => {
                state.serverLog.push(line.trimEnd());
                if (state.serverLog.length > 400) state.serverLog.shift();
            },
        });
        const extraOptions = typeof serverOptions === 'function' ? await serverOptions() : serverOptions;
        state.server = createServer({ logger, staticRoots: DEFAULT_STATIC_ROOTS, ...extraOptions });
        const [{ port }, browser] = await Promise.all([
            state.server.listen(0, '127.0.0.1'),
            chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true }),
        ]);
        state.browser = browser;
        state.origin = `http://localhost:${port}`;
    });

    afterEach(async () => {
        const people = state.people;
        state.people = [];
        const problems = [];
        for (const person of people) {
            if (person.page.isClosed()) continue;
            const seen = await person.page.evaluate(() => window.__iceServersSeen || []).catch(() => []);
            if (seen.length) problems.push(`${person.name}'s page gave RTCPeerConnection ICE servers ${JSON.stringify(seen)} despite ?ice=none`);
            if (person.errors.length) problems.push(`${person.name}'s page threw:\n${person.errors.join('\n')}`);
        }
        await Promise.all(people.map((person) => person.context.close().catch(() => {})));
        // The next test starts on a server that saw every page of this one go.
        const deadline = Date.now() + 15000;
        while (state.server.io.engine.clientsCount > 0 && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (problems.length) throw new Error(problems.join('\n\n'));
    });

    afterAll(async () => {
        await state.browser?.close();
        await state.server?.close();
    });

    const demos = {
        get origin() {
            return state.origin;
        },
        get server() {
            return state.server;
        },

        // Opens demos/<file> as person `name`, in a fresh browser context (another machine), or
        // in `window.context` of an earlier person (a second window of the same browser).
        // `hash` is the room part of an invitation link (#room); `initScript` runs before the
        // page's scripts (to stand for the person's browser, e.g. a refused camera).
        // Returns {name, page, context, errors, console, problems}.
        async open(name, file, { hash = '', query = {}, windowOf = null, initScript = null } = {}) {
            const context = windowOf ? windowOf.context : await state.browser.newContext({ viewport: { width: 1280, height: 800 } });
            if (!windowOf) await context.addInitScript(pageProbe);
            const page = await context.newPage();
            if (initScript) await page.addInitScript(initScript);
            // problems: console errors, failed requests and HTTP errors, for the tests that
            // assert a page loads clean (console-clean.test.js).
            const person = { name, page, context, errors: [], console: [], problems: [] };
            state.people.push(person);
            page.on('pageerror', (error) => {
                person.errors.push(String(error.stack || error));
                person.problems.push(`page error: ${error.message}`);
            });
            page.on('console', (message) => {
                person.console.push(`[${message.type()}] ${message.text()}`);
                if (person.console.length > 200) person.console.shift();
                if (message.type() === 'error') person.problems.push(`console error: ${message.text()}`);
            });
            page.on('requestfailed', (request) => person.problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
            page.on('response', (response) => {
                if (response.status() >= 400) person.problems.push(`HTTP ${response.status()}: ${response.url()}`);
            });
            // A query value of null leaves that parameter out (e.g. {ice: null}: no ?ice=none).
            const params = Object.entries({ ice: 'none', ...query }).filter(([, value]) => value !== null);
            const search = new URLSearchParams(params).toString();
            const url = `${state.origin}/${file}?${search}${hash ? `#${encodeURIComponent(hash)}` : ''}`;
            const response = await page.goto(url, { waitUntil: 'load' });
            if (!response || !response.ok()) throw new Error(`${name}: ${url} answered ${response ? response.status() : 'nothing'}`);
            return person;
        },

        // Types the room and the display name and clicks `button` (a role=button name).
        async enterRoom(person, { room, name, button }) {
            if (room !== undefined) await person.page.locator('#room').fill(room);
            if (name !== undefined) await person.page.locator('#name').fill(name);
            await person.page.getByRole('button', { name: button, exact: true }).click();
        },

        // Waits for `predicate(arg)` in the page; on timeout fails with what every page shows
        // (status, errors, activity log), its console and the server's last log lines.
        async waitFor(person, predicate, description, arg = undefined, timeout = WAIT_MS) {
            try {
                const handle = await person.page.waitForFunction(predicate, arg, { timeout, polling: 100 });
                const value = await handle.jsonValue();
                await handle.dispose();
                return value;
            } catch (error) {
                const reason = error && error.name === 'TimeoutError' ? `timed out after ${timeout} ms` : String(error && error.message);
                throw new Error(`${person.name}: waiting for ${description}: ${reason}\n\n${await demos.describe(person)}`);
            }
        },

        // Waits until `count` videos under `selector` play: a size, and currentTime advancing
        // by at least half a second while we watch.
        async waitForPlayingVideos(person, selector, count, description = `${count} playing video(s) in ${selector}`) {
            await demos.waitFor(
                person,
                ({ selector, count }) => {
                    const videos = [...document.querySelectorAll(selector)];
                    if (videos.length !== count) return false;
                    window.__videoStart = window.__videoStart || new WeakMap();
                    return videos.every((video) => {
                        if (!(video.videoWidth > 0) || video.paused) return false;
                        const start = window.__videoStart.get(video);
                        if (start === undefined) {
                            window.__videoStart.set(video, video.currentTime);
                            return false;
                        }
                        return video.currentTime - start >= 0.5;
                    });
                },
                description,
                { selector, count },
            );
        },

        async screenshot(person, demo, label = person.name) {
            const folder = path.join(SCREENSHOT_DIR, demo);
            await fs.promises.mkdir(folder, { recursive: true });
            await person.page.screenshot({ path: path.join(folder, `${label}.png`), fullPage: true });
        },

        // {getUserMedia, getDisplayMedia}: how many captures the page asked for.
        captures(person) {
            return person.page.evaluate(() => window.__captures);
        },

        // Text of the error banner.
        errorsShown(person) {
            return person.page.locator('#errors').innerText();
        },

        async describe(first) {
            const people = [first, ...state.people.filter((person) => person !== first)];
            const sections = [];
            for (const person of people) {
                const view = await person.page
                    .evaluate(() => ({
                        status: document.getElementById('status')?.textContent,
                        errors: document.getElementById('errors')?.innerText,
                        log: [...document.querySelectorAll('#activity-log li')].map((li) => li.textContent),
                    }))
                    .catch((error) => ({ unavailable: error.message }));
                sections.push(
                    [
                        `--- ${person.name} (${person.page.url()})`,
                        `status: ${view.status}`,
                        `errors: ${view.errors}`,
                        'activity log:',
                        ...(view.log || []).slice(-40).map((line) => `  ${line}`),
                        'console (last 20):',
                        ...person.console.slice(-20).map((line) => `  ${line}`),
                        ...(person.errors.length ? ['uncaught:', ...person.errors] : []),
                    ].join('\n'),
                );
            }
            sections.push(`--- server log (last 30 lines):\n${state.serverLog.slice(-30).join('\n')}`);
            return sections.join('\n\n');
        },

        // Waits until the server counts `members` members in `room`.
        async waitForMembers(room, members, timeout = WAIT_MS) {
            const deadline = Date.now() + timeout;
            for (;;) {
                const record = await state.server.rooms.getRoom(room);
                if (record && record.members.length === members) return record;
                if (Date.now() > deadline) {
                    throw new Error(`server: room "${room}" never had ${members} member(s) (now ${JSON.stringify(record)})\n\n${await demos.describe(state.people[0])}`);
                }
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        },
    };
    return demos;
}
