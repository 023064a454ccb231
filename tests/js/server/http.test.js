// Static hosting, MIME types, path traversal, /healthz, missing folders.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { closeAllSockets, connectUser, request, startServer } from './support/helpers.js';

let root;
let server;
let port;
let url;

// Raw GET: the path is sent exactly as given (no client-side normalisation of "..").
function get(rawPath, { method = 'GET', to = port } = {}) {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: to, path: rawPath, method }, (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
    });
}

beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'signaling-static-'));
    const files = {
        'demos/index.html': '<!doctype html><title>demos</title>',
        'demos/style.css': 'body{}',
        'demos/logo.png': 'PNG',
        'demos/icon.svg': '<svg/>',
        'demos/sub/index.html': 'sub index',
        'dist/rtcmc.js': 'export default 1;',
        'dist/rtcmc.wasm': '\0asm',
        'dist/meta.json': '{}',
        'web/loader.mjs': 'export {};',
        'secret.txt': 'TOP-SECRET',
    };
    for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), content);
    }
    fs.symlinkSync(root, path.join(root, 'demos', 'escape')); // a link out of the root
    ({ server, port, url } = await startServer({ projectRoot: root }));
});

afterAll(async () => {
    closeAllSockets();
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
});

describe('static files', () => {
    const cases = [
        ['/', 'text/html; charset=utf-8', '<!doctype html><title>demos</title>'],
        ['/index.html', 'text/html; charset=utf-8', '<!doctype html><title>demos</title>'],
        ['/sub/', 'text/html; charset=utf-8', 'sub index'],
        ['/style.css', 'text/css; charset=utf-8', 'body{}'],
        ['/logo.png', 'image/png', 'PNG'],
        ['/icon.svg', 'image/svg+xml', '<svg/>'],
        ['/dist/rtcmc.js', 'text/javascript; charset=utf-8', 'export default 1;'],
        ['/dist/rtcmc.wasm', 'application/wasm', '\0asm'],
        ['/dist/meta.json', 'application/json; charset=utf-8', '{}'],
        ['/web/loader.mjs', 'text/javascript; charset=utf-8', 'export {};'],
    ];
    test.each(cases)('%s is served as %s', async (urlPath, type, content) => {
        const res = await get(urlPath);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(type);
        expect(res.body.toString()).toBe(content);
    });

    test('HEAD answers headers without a body; other methods are refused', async () => {
        const head = await get('/dist/rtcmc.js', { method: 'HEAD' });
        expect(head.status).toBe(200);
        expect(head.headers['content-length']).toBe('17');
        expect(head.body.length).toBe(0);
        expect((await get('/index.html', { method: 'POST' })).status).toBe(405);
    });

    test('missing files are 404', async () => {
        expect((await get('/nope.html')).status).toBe(404);
        expect((await get('/dist/')).status).toBe(404); // no index.html there
    });

    const traversals = [
        '/../secret.txt',
        '/%2e%2e/secret.txt',
        '/%2E%2E%2Fsecret.txt',
        '/dist/../secret.txt',
        '/dist/..%2fsecret.txt',
        '/web/%2e%2e%2f%2e%2e%2fsecret.txt',
        '/..%5csecret.txt',
        '/index.html%00.png',
        '/escape/secret.txt',
        '/%',
    ];
    test.each(traversals)('traversal %s is refused', async (rawPath) => {
        const res = await get(rawPath);
        expect(res.status).toBe(404);
        expect(res.body.toString()).not.toContain('TOP-SECRET');
    });

    test('the socket.io client is served by socket.io itself', async () => {
        const res = await get('/socket.io/socket.io.js');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/javascript/);
        expect(res.body.toString()).toContain('io');
    });
});

describe('/healthz', () => {
    test('reports status, rooms, sockets, whether there is an SFU, and uptime as JSON', async () => {
        const { socket } = await connectUser(url);
        await request(socket, 'open-room', { roomid: 'health' });
        const res = await get('/healthz');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(JSON.parse(res.body)).toEqual({ status: 'ok', rooms: 1, sockets: 1, sfu: false, uptime: expect.any(Number) });
    });

    test('says sfu: true when the server has a Janus URL (the demos then offer the SFU)', async () => {
        // Nothing listens on port 9: /healthz says what the server is set up for, at once.
        const { server: withSfu, url: sfuUrl } = await startServer({ janusUrl: 'ws://127.0.0.1:9' });
        try {
            const res = await fetch(`${sfuUrl}healthz`);
            expect(await res.json()).toMatchObject({ sfu: true });
        } finally {
            await withSfu.close();
        }
    });
});

describe('missing folders', () => {
    test('a project without demos/ or dist/ still serves signaling and 404s', async () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'signaling-empty-'));
        const bare = await startServer({ projectRoot: empty });
        try {
            expect((await get('/', { to: bare.port })).status).toBe(404);
            expect((await get('/dist/rtcmc.js', { to: bare.port })).status).toBe(404);
            expect((await get('/healthz', { to: bare.port })).status).toBe(200);
            const { welcome } = await connectUser(bare.url);
            expect(welcome.protocol).toBe(1);
        } finally {
            closeAllSockets();
            await bare.server.close();
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });
});
