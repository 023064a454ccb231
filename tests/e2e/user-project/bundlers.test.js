// A user's web app, in their own project with the packed tarball installed: the same chat page
// loaded through the <script> tag, bundled by esbuild and built by Vite. Each is served by the
// signaling server of the installed package, and two pages in separate browser contexts
// exchange a message. The wasm core is embedded in every build of the library, so no bundler
// has to find or emit a .wasm file (README.md says so).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/e2e.js';
import { PACKAGE, runIn, userProject } from './support.js';

const project = userProject();
let server;
let base;
let browser;
let roomCounter = 0;

beforeAll(async () => {
    const { createServer } = await import(pathToFileURL(path.join(project, 'node_modules', PACKAGE, 'server/index.js')).href);
    server = createServer({ logLevel: 'warn', staticRoots: [['/app/', project]] });
    const { port } = await server.listen(0, '127.0.0.1');
    base = `http://localhost:${port}/app`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}, 60000);

afterAll(async () => {
    if (browser) await browser.close();
    if (server) await server.close();
});

// Opens the owner's and the guest's page of one build and waits for each to get the other's
// message; returns what each page saw, and any page error or failed request.
async function chat(pagePath) {
    roomCounter += 1;
    const room = `user-app-${roomCounter}`;
    const pages = [];
    const problems = [];
    for (const role of ['owner', 'guest']) {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.on('pageerror', (error) => problems.push(`${role} page error: ${error.message}`));
        page.on('requestfailed', (request) => problems.push(`${role} request failed: ${request.url()}`));
        page.on('response', (response) => response.status() >= 400 && problems.push(`${role} HTTP ${response.status()}: ${response.url()}`));
        await page.goto(`${base}/${pagePath}?role=${role}&room=${room}`);
        pages.push({ role, page });
    }
    try {
        for (const { role, page } of pages) {
            const other = role === 'owner' ? 'guest' : 'owner';
            await page
                .waitForFunction((text) => (window.events || []).includes('message:' + text), `hello from ${other}`, { timeout: 30000 })
                .catch(async () => {
                    throw new Error(`${role} got no message from ${other}; it saw ${JSON.stringify(await page.evaluate(() => window.events))}; ${problems.join('; ')}`);
                });
        }
        const events = await Promise.all(pages.map(({ page }) => page.evaluate(() => window.events)));
        return { owner: events[0], guest: events[1], problems };
    } finally {
        for (const { page } of pages) await page.context().close();
    }
}

function expectConversation({ owner, guest, problems }) {
    expect(problems).toEqual([]);
    expect(owner.filter((event) => event.startsWith('error:'))).toEqual([]);
    expect(guest.filter((event) => event.startsWith('error:'))).toEqual([]);
    expect(owner).toContain('message:hello from guest');
    expect(guest).toContain('message:hello from owner');
}

test('the <script> tag build of the installed package connects two pages', async () => {
    expectConversation(await chat('script-tag.html'));
});

test("`import { RTCMultiConnection } from 'rtcmulticonnection-wasm'` bundled by esbuild connects two pages", async () => {
    const built = runIn(project, 'node_modules/.bin/esbuild', ['esbuild-entry.js', '--bundle', '--format=esm', '--platform=browser', '--outfile=esbuild-out/app.js', '--log-level=warning']);
    expect(built).toEqual({ status: 0, output: '' });
    expectConversation(await chat('esbuild.html'));
});

test('the same import built by Vite connects two pages', async () => {
    const built = runIn(project, 'node', ['node_modules/vite/bin/vite.js', 'build', 'vite', '--base', './', '--logLevel', 'warn']);
    expect(built.status).toBe(0);
    const assets = fs.readdirSync(path.join(project, 'vite/dist/assets'));
    // One script holds the app, the library and its embedded wasm core: nothing to locate.
    expect(assets.filter((file) => file.endsWith('.wasm'))).toEqual([]);
    expectConversation(await chat('vite/dist/index.html'));
});
