// A user's own Node project with the packed tarball installed: the server entry documented in
// docs/server.md, the bin, and the CommonJS and ES module entries of the library.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from '@jest/globals';
import { PACKAGE, runIn, startUntil, stop, userProject } from './support.js';

const project = userProject();
let child = null;

afterEach(async () => {
    if (child) await stop(child, 'SIGKILL');
    child = null;
});

async function expectServing(url) {
    const health = await fetch(new URL('/healthz', url));
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');
    // The script-tag library and the demos come with the package.
    const library = await fetch(new URL('/dist/RTCMultiConnection.js', url));
    expect(library.status).toBe(200);
    expect((await library.text()).length).toBeGreaterThan(10000);
    expect((await fetch(new URL('/', url))).status).toBe(200);
}

test("`import { createServer } from 'rtcmulticonnection-wasm/server'` starts the signaling server", async () => {
    const started = await startUntil(project, 'node', ['start-server.mjs'], /listening (http:\S+)/);
    child = started.child;
    await expectServing(started.match[1]);
    // SIGTERM (what a process manager sends): a clean exit.
    expect(await stop(child)).toBe(0);
    child = null;
});

test('`npx rtcmulticonnection-wasm-server` starts it on the port given', async () => {
    const started = await startUntil(project, 'npx', ['--offline', 'rtcmulticonnection-wasm-server'], /at (http:\S+)/, {
        env: { PORT: '0', LOG_LEVEL: 'warn' },
    });
    child = started.child;
    const url = started.match[1];
    await expectServing(url);
    // Ctrl-C in the terminal: the server tells its clients, closes and stops listening.
    await stop(child, 'SIGINT');
    child = null;
    await expect(fetch(new URL('/healthz', url))).rejects.toThrow();
});

test('require() gives the same exports as import', () => {
    const script = `
        const viaRequire = require('${PACKAGE}');
        import('${PACKAGE}').then((viaImport) => {
            const names = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();
            console.log(JSON.stringify({
                require: names(viaRequire),
                import: names(viaImport),
                sameDirections: JSON.stringify(viaRequire.RTCDirection) === JSON.stringify(viaImport.RTCDirection),
                sameSessions: JSON.stringify(viaRequire.RTCSession) === JSON.stringify(viaImport.RTCSession),
                constructor: typeof viaRequire.RTCMultiConnection,
            }));
        });`;
    const { status, output } = runIn(project, 'node', ['--input-type=commonjs', '-e', script]);
    expect(status).toBe(0);
    const result = JSON.parse(output.trim().split('\n').pop());
    expect(result.require).toEqual(result.import);
    expect(result.require).toEqual(expect.arrayContaining(['RTCDirection', 'RTCMultiConnection', 'RTCMultiConnectionError', 'RTCSession']));
    expect(result).toMatchObject({ sameDirections: true, sameSessions: true, constructor: 'function' });
});

test('the tarball holds what users need and nothing else', () => {
    const installed = path.join(project, 'node_modules', PACKAGE);
    for (const needed of ['dist/RTCMultiConnection.js', 'dist/rtcmulticonnection.mjs', 'dist/rtcmulticonnection.cjs', 'types/index.d.ts', 'server/bin.js', 'server/index.js', 'demos/index.html', 'package.json', 'README.md']) {
        expect(fs.existsSync(path.join(installed, needed))).toBe(true);
    }
    for (const internal of ['src', 'bindings', 'tests', 'build', 'web']) {
        expect(fs.existsSync(path.join(installed, internal))).toBe(false);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.bin['rtcmulticonnection-wasm-server']).toBe('server/bin.js');
});
