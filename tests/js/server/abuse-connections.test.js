// Issue 14, items 12 and 13: connections as a resource.
//   12. One address holds at most MAX_CONNECTIONS_PER_ADDRESS connections; one connection
//       holds at most MAX_CHANNELS_PER_CONNECTION seed-protocol channels.
//   13. Slowloris: a connection that does not finish its request headers within
//       HEADERS_TIMEOUT_MS is closed, the server holds at most MAX_CONNECTIONS at once, and
//       a slow client cannot keep other clients out.
// Tests connect from several loopback addresses (127.0.0.x) to play several clients.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { closeAllSockets, connect, connectUser, firstOf, once, request, startServer } from './support/helpers.js';

const PER_ADDRESS = 6;

let server;
let url;
let port;
const rawSockets = new Set();

beforeAll(async () => {
    ({ server, url, port } = await startServer({
        maxConnectionsPerAddress: PER_ADDRESS,
        maxChannelsPerConnection: 3,
        headersTimeoutMs: 1000,
        requestTimeoutMs: 2000,
    }));
});
afterEach(() => {
    closeAllSockets();
    for (const socket of rawSockets) socket.destroy();
    rawSockets.clear();
});
afterAll(() => server.close());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A raw TCP connection from `from`; resolves once connected. `gone` resolves when the server closes it.
function rawConnection(from, toPort = port) {
    return new Promise((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port: toPort, localAddress: from });
        rawSockets.add(socket);
        socket.gone = new Promise((done) => socket.once('close', done));
        socket.on('error', () => {});
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
    });
}

// Did the server close `socket` within `ms`?
async function closedWithin(socket, ms) {
    return Promise.race([socket.gone.then(() => true), sleep(ms).then(() => false)]);
}

async function healthzFrom(from) {
    const socket = await rawConnection(from);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    await socket.gone;
    return text;
}

describe('per-address connection limit', () => {
    test('the connection past MAX_CONNECTIONS_PER_ADDRESS is refused; other addresses are not affected', async () => {
        const held = [];
        for (let i = 0; i < PER_ADDRESS; i++) held.push((await connectUser(url, { from: '127.0.0.21' })).socket);
        const refused = connect(url, { from: '127.0.0.21' });
        const outcome = await firstOf(refused, ['welcome', 'connect_error']);
        expect(outcome.event).toBe('connect_error');
        const other = await connectUser(url, { from: '127.0.0.22' });
        expect(other.welcome.protocol).toBe(1);
        // Once one of them goes, the address may connect again.
        held[0].close();
        let welcome = null;
        for (let attempt = 0; attempt < 20 && !welcome; attempt++) {
            const again = connect(url, { from: '127.0.0.21' });
            const first = await firstOf(again, ['welcome', 'connect_error']);
            if (first.event === 'welcome') welcome = first.value;
            else await sleep(50);
        }
        expect(welcome).not.toBeNull();
    });

    test('one connection opens at most MAX_CHANNELS_PER_CONNECTION seed channels', async () => {
        const base = connect(url, { from: '127.0.0.23' });
        await once(base, 'welcome');
        // Namespaces of one Manager share its engine.io connection, as the seed snippet's do.
        const channels = ['c-one', 'c-two', 'c-three', 'c-four'].map((name) => base.io.socket(`/${name}`));
        for (const channel of channels) channel.connect();
        const outcomes = await Promise.all(channels.map((channel) => firstOf(channel, ['connect', 'connect_error'])));
        expect(outcomes.map((o) => o.event)).toEqual(['connect', 'connect', 'connect', 'connect_error']);
        for (const channel of channels) channel.disconnect();
    });
});

describe('behind a reverse proxy (TRUST_PROXY)', () => {
    test('through a trusted proxy, connections count per X-Forwarded-For address; elsewhere the header is ignored', async () => {
        const proxied = await startServer({ trustProxy: '127.0.0.70', maxConnectionsPerAddress: 3 });
        try {
            // The proxy appends the client's address to what the client sent (here a made-up one).
            const through = (forwardedFor) => {
                const socket = connect(proxied.url, { from: '127.0.0.70', headers: { 'X-Forwarded-For': `198.51.100.9, ${forwardedFor}` } });
                return firstOf(socket, ['welcome', 'connect_error']).then((outcome) => outcome.event);
            };
            // Four clients behind the proxy: the proxy's own address is not limited...
            expect(await Promise.all(['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'].map(through))).toEqual(Array(4).fill('welcome'));
            // ...but each forwarded address is.
            const sameClient = [];
            for (let i = 0; i < 4; i++) sameClient.push(await through('203.0.113.5'));
            expect(sameClient).toEqual(['welcome', 'welcome', 'welcome', 'connect_error']);
            // A client that is not the proxy cannot choose its address with the header.
            const spoofed = [];
            for (let i = 0; i < 4; i++) {
                const socket = connect(proxied.url, { from: '127.0.0.71', headers: { 'X-Forwarded-For': `203.0.113.${100 + i}` } });
                spoofed.push((await firstOf(socket, ['welcome', 'connect_error'])).event);
            }
            expect(spoofed).toEqual(['welcome', 'welcome', 'welcome', 'connect_error']);
        } finally {
            closeAllSockets();
            await proxied.server.close();
        }
    });
});

describe('slowloris', () => {
    test('a request whose headers do not arrive within HEADERS_TIMEOUT_MS is closed', async () => {
        const slow = await rawConnection('127.0.0.31');
        slow.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
        const drip = setInterval(() => slow.write('X-Slow: 1\r\n'), 200);
        try {
            expect(await closedWithin(slow, 4000)).toBe(true);
        } finally {
            clearInterval(drip);
        }
    });

    test('a request whose body does not arrive within REQUEST_TIMEOUT_MS is closed', async () => {
        const slow = await rawConnection('127.0.0.34');
        slow.write('POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
        const drip = setInterval(() => slow.write('x'), 200);
        try {
            expect(await closedWithin(slow, 5000)).toBe(true);
        } finally {
            clearInterval(drip);
        }
    });

    test('a slow client holding its connections does not keep a client of another address out', async () => {
        const idle = [];
        for (let i = 0; i < PER_ADDRESS + 4; i++) idle.push(await rawConnection('127.0.0.32'));
        // Past its per-address limit, the slow client's connections are closed at once.
        const extraClosed = await Promise.all(idle.slice(PER_ADDRESS).map((socket) => closedWithin(socket, 1000)));
        expect(extraClosed).toEqual([true, true, true, true]);
        expect(await healthzFrom('127.0.0.33')).toMatch(/^HTTP\/1\.1 200/);
        const { welcome } = await connectUser(url, { from: '127.0.0.33' });
        expect(welcome.protocol).toBe(1);
    });

    test('at most MAX_CONNECTIONS connections at once; more are closed until some go', async () => {
        const small = await startServer({ maxConnections: 4, maxConnectionsPerAddress: 100, headersTimeoutMs: 60000, requestTimeoutMs: 60000 });
        try {
            const held = [];
            for (let i = 0; i < 4; i++) held.push(await rawConnection(`127.0.0.${40 + i}`, small.port));
            const fifth = await rawConnection('127.0.0.45', small.port);
            expect(await closedWithin(fifth, 1000)).toBe(true);
            for (const socket of held) socket.destroy();
            await sleep(100);
            const { welcome } = await connectUser(small.url, { from: '127.0.0.46' });
            expect(welcome.protocol).toBe(1);
        } finally {
            closeAllSockets();
            for (const socket of rawSockets) socket.destroy();
            await small.server.close();
        }
    });
});

describe('everyday use stays within the defaults', () => {
    test('a page with several tabs (a dozen connections from one address) is fine', async () => {
        const fresh = await startServer();
        try {
            const tabs = [];
            for (let i = 0; i < 12; i++) tabs.push(await connectUser(fresh.url, { from: '127.0.0.50' }));
            expect(tabs.every((tab) => tab.welcome.protocol === 1)).toBe(true);
            await request(tabs[0].socket, 'open-room', { roomid: 'tabs' });
            expect((await request(tabs[11].socket, 'join-room', { roomid: 'tabs' })).ok).toBe(true);
        } finally {
            closeAllSockets();
            await fresh.server.close();
        }
    });
});
