// The package as people install it: `npm pack`, the tarball installed into a fresh project,
// and there (1) the <script> file connects two pages, (2) the ES module bundled by a real
// bundler (esbuild) connects two pages, (3) the hand-written types accept a typed example.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { chromium } from 'playwright-core';
import { DEFAULT_STATIC_ROOTS } from '../../server/config.js';
import { createServer } from '../../server/index.js';
import { createLogger } from '../../server/log.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, PROJECT_ROOT } from './support/e2e.js';

const PACKAGE = 'rtcmulticonnection-wasm';
let project; // the fresh project that installed the tarball
let installed; // its node_modules/rtcmulticonnection-wasm
let server;
let base;
let browser;

function run(command, args, cwd) {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// A page of the fresh project: it opens or joins a data session and records what it sees.
function pageSource(loader, role, room) {
    return `<!doctype html><html><body>${loader}<script>
window.events = [];
function start(RTCMultiConnection) {
    const connection = new RTCMultiConnection();
    connection.iceServers = [];
    connection.session = 'only data';
    connection.onopen = (e) => { events.push('open:' + e.userid); connection.send('hello from ${role}'); };
    connection.onmessage = (e) => events.push('message:' + e.data);
    connection.onerror = (e) => events.push('error:' + e.code + ' ' + e.message);
    ${role === 'owner' ? `connection.open('${room}');` : `connection.connect('${room}');`}
}
</script></body></html>`;
}

beforeAll(async () => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'rtcmc-pack-'));
    // npm pack runs prepack, which builds dist/ when it is missing or stale.
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', project], PROJECT_ROOT).trim().split('\n').pop();
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true, type: 'module' }));
    // The registry is out of reach inside the test's network namespace: everything the
    // package depends on comes from npm's cache, filled by the repository's own `npm ci`.
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(project, tarball)], project);
    installed = path.join(project, 'node_modules', PACKAGE);

    const scriptTag = `<script src="/pkg/node_modules/${PACKAGE}/dist/RTCMultiConnection.js"></script><script>addEventListener('load', () => start(window.RTCMultiConnection));</script>`;
    for (const role of ['owner', 'guest']) {
        fs.writeFileSync(path.join(project, `script-${role}.html`), pageSource(scriptTag, role, 'script-room'));
        fs.writeFileSync(path.join(project, `module-${role}.js`), `import { RTCMultiConnection } from '${PACKAGE}';\nwindow.start(RTCMultiConnection);\n`);
        run(path.join(PROJECT_ROOT, 'node_modules/.bin/esbuild'), [`module-${role}.js`, '--bundle', '--format=esm', '--platform=browser', `--outfile=module-${role}.bundle.js`, '--log-level=warning'], project);
        fs.writeFileSync(path.join(project, `module-${role}.html`), pageSource('', role, 'module-room').replace('</script></body>', `</script><script type="module" src="/pkg/module-${role}.bundle.js"></script></body>`));
    }

    server = createServer({ logger: createLogger({ level: 'silent' }), staticRoots: [...DEFAULT_STATIC_ROOTS, ['/pkg/', project]] });
    const { port } = await server.listen(0, '127.0.0.1');
    base = `http://localhost:${port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}, 300000);

afterAll(async () => {
    if (browser) await browser.close();
    if (server) await server.close();
    if (project) fs.rmSync(project, { recursive: true, force: true });
});

async function connectTwo(kind) {
    const pages = [];
    for (const role of ['owner', 'guest']) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${base}/pkg/${kind}-${role}.html`);
        pages.push(page);
    }
    for (const [page, other] of [
        ['owner', 'guest'],
        ['guest', 'owner'],
    ].map(([self, peer]) => [pages[self === 'owner' ? 0 : 1], peer])) {
        await page.waitForFunction((text) => window.events.includes('message:' + text), `hello from ${other}`, { timeout: 30000 });
    }
    const events = await Promise.all(pages.map((page) => page.evaluate(() => window.events)));
    for (const page of pages) await page.context().close();
    return events;
}

test('the tarball holds what users need and nothing else', () => {
    const files = run('npm', ['pack', '--dry-run', '--json'], PROJECT_ROOT);
    const paths = JSON.parse(files)[0].files.map((file) => file.path);
    for (const needed of ['dist/RTCMultiConnection.js', 'dist/rtcmulticonnection.mjs', 'dist/rtcmulticonnection.cjs', 'types/index.d.ts', 'server/bin.js', 'server/index.js', 'demos/index.html', 'package.json']) {
        expect(paths).toContain(needed);
    }
    expect(paths.filter((file) => /^(src|bindings|tests|build|web)\//.test(file))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.bin['rtcmulticonnection-wasm-server']).toBe('server/bin.js');
});

test('the <script> file of the installed package connects two pages', async () => {
    const [owner, guest] = await connectTwo('script');
    expect(owner.filter((event) => event.startsWith('error:'))).toEqual([]);
    expect(guest).toContain('message:hello from owner');
});

test('the ES module bundled by esbuild connects two pages', async () => {
    const [owner, guest] = await connectTwo('module');
    expect(owner.filter((event) => event.startsWith('error:'))).toEqual([]);
    expect(owner).toContain('message:hello from guest');
    expect(guest).toContain('message:hello from owner');
});

test('the CommonJS entry loads in Node', () => {
    const out = run('node', ['-e', `const m = require('${PACKAGE}'); console.log(typeof m.RTCMultiConnection, m.RTCDirection.OneWay, m.RTCSession.AudioVideoData)`], project);
    expect(out.trim()).toBe('function one-way audiovideodata');
});

test('the hand-written types accept a typed example', () => {
    fs.copyFileSync(path.join(PROJECT_ROOT, 'tests/packaging/example.ts'), path.join(project, 'example.ts'));
    const tsc = path.join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc');
    const output = (() => {
        try {
            return run('node', [tsc, '--noEmit', '--strict', '--target', 'es2020', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2020,dom', 'example.ts'], project);
        } catch (error) {
            return String(error.stdout) + String(error.stderr);
        }
    })();
    expect(output).toBe('');
    // And a mistake is caught: the types are not `any`.
    fs.writeFileSync(path.join(project, 'wrong.ts'), `import { RTCMultiConnection } from '${PACKAGE}';\nnew RTCMultiConnection().open(42 as unknown as boolean);\n`);
    expect(() => run('node', [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2020,dom', 'wrong.ts'], project)).toThrow();
});
