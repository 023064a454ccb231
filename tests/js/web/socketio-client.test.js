// Our socket.io client (web/signaling/socketio-client.js) and the channel the library uses
// (socketio-channel.js), run in Node against the real signaling server on an ephemeral port.
// Node 20 has no global WebSocket: the `ws` package's class goes in through the test-only
// `WebSocket` option. A few cases need a server that misbehaves on purpose; a bare `ws`
// server plays that part.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { WebSocket, WebSocketServer } from 'ws';
import { createServer } from '../../../server/index.js';
import { backoffDelay, SocketIoClient, webSocketTarget } from '../../../web/signaling/socketio-client.js';
import { SocketIoChannel } from '../../../web/signaling/socketio-channel.js';
import { startProxy } from '../server/support/tcp-proxy.js';

let server;
let url;
let port;
const clients = new Set();

// Short heartbeat so that the idle test outlives many ping rounds quickly (the timeout keeps
// room for a busy machine's timer delays); wrong
// passwords are answered slowly, which gives the ack-timeout test a request that hangs.
const PING_INTERVAL_MS = 200;
const PING_TIMEOUT_MS = 1000;

beforeAll(async () => {
    server = createServer({ logLevel: 'silent', passwordDelayBaseMs: 3000, passwordDelayMaxMs: 3000 });
    // Engine.IO reads these at each handshake; createServer has no option for them.
    server.io.engine.opts.pingInterval = PING_INTERVAL_MS;
    server.io.engine.opts.pingTimeout = PING_TIMEOUT_MS;
    ({ url, port } = await server.listen(0, '127.0.0.1'));
});
afterEach(() => {
    for (const client of clients) client.close();
    clients.clear();
});
afterAll(() => server.close());

function client(options = {}, target = url) {
    const created = new SocketIoClient(target, { WebSocket, reconnectionDelay: 50, reconnectionDelayMax: 200, ...options });
    clients.add(created);
    return created;
}

function channel(options, handlers = {}, target = url) {
    // welcomes: what the channel hands the engine of each connection's welcome ({resumed,
    // rooms}); the core decides from it whether a session survived (Engine::onWelcome).
    const events = { errors: [], relays: [], serverEvents: [], welcomes: [], connects: 0 };
    const created = new SocketIoChannel(
        { url: target, options: { WebSocket, ...options.options }, userid: options.userid, extra: options.extra },
        {
            onConnect: () => events.connects++,
            onError: (code, message) => events.errors.push({ code, message }),
            onRelay: (from, data) => events.relays.push({ from, data }),
            onServerEvent: (name, payload) =>
                name === 'welcome' ? events.welcomes.push(payload) : events.serverEvents.push({ name, payload }),
            ...handlers,
        },
    );
    clients.add(created.socket);
    return { channel: created, events };
}

// The first emission of `event`, or a rejection naming what was awaited.
function next(emitter, event, timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for "${event}"`)), timeoutMs);
        const listener = (value) => {
            clearTimeout(timer);
            emitter.off(event, listener);
            resolve(value);
        };
        emitter.on(event, listener);
    });
}

async function until(condition, what, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(10);
    }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function serverSocketOf(userid) {
    return [...server.io.of('/').sockets.values()].find((socket) => socket.data.userid === userid);
}

describe('against the real server', () => {
    test('connects with auth: the server binds the userid and keeps the extra', async () => {
        const alice = client({ auth: { userid: 'alice', extra: { name: 'Alice' } } });
        const connected = next(alice, 'connect');
        const welcome = await next(alice, 'welcome');
        await connected;
        expect(welcome).toEqual({
            userid: 'alice',
            protocol: 1,
            limits: { maxMessageBytes: 65536 },
            resumeToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
            resumed: false,
        });
        expect(serverSocketOf('alice').data.extra).toEqual({ name: 'Alice' });
        expect(alice.connected).toBe(true);
    });

    test('requests made before the connection is up wait for it, then get their ack', async () => {
        const bob = client({ auth: { userid: 'bob' } });
        const [opened, listed] = await Promise.all([
            bob.emitWithAck('open-room', [{ roomid: 'early' }], 5000),
            bob.emitWithAck('list-rooms', [{}], 5000),
        ]);
        expect(opened).toMatchObject({ ok: true, room: { roomid: 'early', owner: 'bob' } });
        expect(listed.ok).toBe(true);
    });

    test('a request the server does not answer in time fails with TIMEOUT; the late answer is ignored', async () => {
        const owner = client({ auth: { userid: 'owner-t' } });
        await owner.emitWithAck('open-room', [{ roomid: 'locked', password: 'right' }], 5000);
        const guest = client({ auth: { userid: 'guest-t' } });
        await next(guest, 'connect');
        // The server answers a wrong password after passwordDelayBaseMs (3 s).
        const started = Date.now();
        const error = await guest.emitWithAck('join-room', [{ roomid: 'locked', password: 'wrong' }], 200).catch((e) => e);
        expect(error.code).toBe('TIMEOUT');
        expect(Date.now() - started).toBeLessThan(2500);
        // The channel turns it into the failure the engine expects.
        const { channel: viaChannel } = channel({ userid: 'guest-t2', options: { ackTimeout: 200 } });
        expect(await viaChannel.request('join-room', { roomid: 'locked', password: 'wrong' })).toEqual({
            ok: false,
            error: { code: 'TIMEOUT', message: "the signaling server did not answer 'join-room' within 0.2 s" },
        });
        // Still usable after the late answers arrive.
        await sleep(3200);
        expect((await guest.emitWithAck('list-rooms', [{}], 5000)).ok).toBe(true);
    }, 20000);

    test('the channel relays between two clients, and delivers room events', async () => {
        const alice = channel({ userid: 'alice-r', extra: { n: 1 } });
        const bob = channel({ userid: 'bob-r' });
        expect(await alice.channel.request('open-room', { roomid: 'relay-room' })).toMatchObject({ ok: true });
        expect(await bob.channel.request('join-room', { roomid: 'relay-room' })).toMatchObject({ ok: true });
        await until(() => alice.events.serverEvents.some((e) => e.name === 'member-joined'), 'member-joined');
        expect(alice.events.serverEvents[0]).toEqual({
            name: 'member-joined',
            payload: { roomid: 'relay-room', userid: 'bob-r', extra: null },
        });
        bob.channel.send('alice-r', '{"to":"alice"}', 'relay-room');
        bob.channel.send(undefined, '{"to":"everyone"}', 'relay-room');
        await until(() => alice.events.relays.length === 2, 'two relays at alice');
        expect(alice.events.relays).toEqual([
            { from: 'bob-r', data: '{"to":"alice"}' },
            { from: 'bob-r', data: '{"to":"everyone"}' },
        ]);
        expect(alice.events.connects).toBe(1);
        expect(alice.events.errors).toEqual([]);
    });

    test('a userid already connected is refused once, with the server reason, and not retried', async () => {
        const holder = client({ auth: { userid: 'taken' } });
        await next(holder, 'connect');
        let handshakes = 0;
        const countHandshakes = () => handshakes++;
        server.io.engine.on('connection', countHandshakes);
        try {
            const intruder = channel({ userid: 'taken' });
            await until(() => intruder.events.errors.length > 0, 'the refusal');
            // Far longer than reconnectionDelay (50 ms): a retry loop would show here.
            await sleep(600);
            expect(intruder.events.errors).toEqual([{ code: 'USERID_TAKEN', message: 'userid "taken" is already connected' }]);
            expect(handshakes).toBe(1);
            expect(intruder.events.connects).toBe(0);
            // Its requests fail at once instead of waiting for a connection that will not come.
            expect((await intruder.channel.request('list-rooms', {})).error.code).toBe('DISCONNECTED');
        } finally {
            server.io.engine.off('connection', countHandshakes);
        }
        expect(serverSocketOf('taken')).toBeDefined();
    });

    test('reconnects with the same identity after the server drops the connection', async () => {
        const carol = client({ auth: { userid: 'carol' }, reconnectionDelay: 300, randomizationFactor: 0 });
        await next(carol, 'connect');
        const disconnected = next(carol, 'disconnect');
        const welcomedAgain = next(carol, 'welcome');
        serverSocketOf('carol').conn.close(); // the transport, not a socket.io DISCONNECT
        expect(await disconnected).toBe('transport close');
        // Emitted while away: goes out once connected again.
        const opened = carol.emitWithAck('open-room', [{ roomid: 'after-drop' }], 10000);
        expect((await welcomedAgain).userid).toBe('carol');
        expect(await opened).toMatchObject({ ok: true });
        expect(carol.connected).toBe(true);
    });

    test('after an abrupt drop the server has not noticed, the channel resumes by itself: same userid, same rooms', async () => {
        const proxy = await startProxy(port);
        // socket.io's default ping timeout for this test, so that on a busy machine the server
        // cannot notice the drop before gina's resume (the point is that it has not). Engine.IO
        // reads it each time it schedules a ping, so it stays until the test ends.
        server.io.engine.opts.pingTimeout = 20000;
        try {
            const gina = channel({ userid: 'gina', extra: { n: 7 } }, {}, proxy.url);
            const welcomes = [];
            gina.channel.socket.on('welcome', (welcome) => welcomes.push(welcome));
            await until(() => welcomes.length === 1, 'the first welcome');
            const hank = channel({ userid: 'hank' });
            expect(await gina.channel.request('open-room', { roomid: 'resumed-room' })).toMatchObject({ ok: true });
            expect(await hank.channel.request('join-room', { roomid: 'resumed-room' })).toMatchObject({ ok: true });
            // The network drops: gina's end closes, the server's end just goes quiet.
            const [link] = proxy.freeze();
            const disconnected = next(gina.channel.socket, 'disconnect');
            proxy.cutClient(link);
            expect(await disconnected).toBe('transport close');
            expect(serverSocketOf('gina').connected).toBe(true);
            // Back on its own, before the server's ping timeout, with the token of its welcome.
            await until(() => welcomes.length === 2, 'the second welcome');
            expect(welcomes[1]).toMatchObject({ userid: 'gina', resumed: true, rooms: ['resumed-room'] });
            expect(welcomes[1].resumeToken).not.toBe(welcomes[0].resumeToken);
            expect(gina.channel.socket.connected).toBe(true);
            expect(gina.events).toMatchObject({ connects: 2, errors: [] });
            expect(gina.events.welcomes).toEqual([
                { resumed: false, rooms: [] },
                { resumed: true, rooms: ['resumed-room'] },
            ]);
            // Hank saw no departure, and relays reach gina's new connection.
            hank.channel.send('gina', '{"still":"there"}', 'resumed-room');
            await until(() => gina.events.relays.length === 1, 'the relay at gina');
            expect(gina.events.relays).toEqual([{ from: 'hank', data: '{"still":"there"}' }]);
            // Hank heard only that gina is back (he may have to send again what she missed).
            expect(hank.events.serverEvents).toEqual([
                { name: 'member-resumed', payload: { roomid: 'resumed-room', userid: 'gina', extra: { n: 7 } } },
            ]);
            const presence = await hank.channel.request('check-presence', { roomid: 'resumed-room' });
            expect(presence.room).toMatchObject({ owner: 'gina', participants: 2 });
        } finally {
            server.io.engine.opts.pingTimeout = PING_TIMEOUT_MS;
            await proxy.close();
        }
    });

    test('a server that is gone while a session reconnects is retried quietly; a first connection that fails is reported', async () => {
        const proxy = await startProxy(port);
        const ivy = channel({ userid: 'ivy', options: { reconnectionDelay: 20, reconnectionDelayMax: 40 } }, {}, proxy.url);
        await until(() => ivy.events.welcomes.length === 1, 'the first welcome');
        try {
            proxy.cut(); // the server process is gone: its connections break, new ones fail
            await sleep(500);
            expect(ivy.channel.socket.connected).toBe(false);
            expect(ivy.events.errors).toEqual([]);
            ivy.channel.close();
            const never = channel({ userid: 'jay', options: { reconnectionDelay: 20, reconnectionDelayMax: 40 } }, {}, proxy.url);
            await until(() => never.events.errors.length >= 1, 'the first connection failure');
            expect(never.events.errors[0].code).toBe('SIGNALING_UNREACHABLE');
            never.channel.close();
        } finally {
            await proxy.close();
        }
    });

    test('a refused resume (its token went stale) is retried quietly until the server lets the userid go', async () => {
        const proxy = await startProxy(port);
        server.io.engine.opts.pingTimeout = 20000;
        try {
            const jane = channel({ userid: 'jane' }, {}, proxy.url);
            const welcome = await next(jane.channel.socket, 'welcome');
            expect(await jane.channel.request('open-room', { roomid: 'stale-room' })).toMatchObject({ ok: true });
            // Jane's network drops; a connection that she will never hear of resumes her
            // session meanwhile (as when the welcome of her own resumed connection is lost).
            const [link] = proxy.freeze();
            const ghost = new SocketIoClient(url, { WebSocket, reconnection: false, auth: { userid: 'jane', resume: welcome.resumeToken } });
            clients.add(ghost);
            expect(await next(ghost, 'welcome')).toMatchObject({ resumed: true, rooms: ['stale-room'] });
            let handshakes = 0;
            const countHandshakes = () => handshakes++;
            server.io.engine.on('connection', countHandshakes);
            try {
                proxy.cutClient(link);
                // Her stale token is refused, again and again (each refusal after this server's
                // 3 s wrong-attempt delay), and she says nothing yet.
                await until(() => handshakes >= 2, 'two refused resumes', 15000);
                expect(jane.events.errors).toEqual([]);
                // The ghost goes (the server noticing it died): the userid is free, she is back,
                // and hears that her room membership did not survive.
                ghost.close();
                await until(() => jane.events.welcomes.length === 2, 'the welcome after the drop');
            } finally {
                server.io.engine.off('connection', countHandshakes);
            }
            expect(jane.events.welcomes).toEqual([
                { resumed: false, rooms: [] },
                { resumed: false, rooms: [] }, // the engine hears that stale-room is lost
            ]);
            expect(jane.events.errors).toEqual([]);
            expect(jane.channel.socket.connected).toBe(true);
            expect(serverSocketOf('jane').handshake.auth).toMatchObject({ userid: 'jane', resume: welcome.resumeToken });
        } finally {
            server.io.engine.opts.pingTimeout = PING_TIMEOUT_MS;
            await proxy.close();
        }
    }, 40000);

    test('a new channel never presents an old token; the engine hears whether the session survived', async () => {
        const ivan = channel({ userid: 'ivan' });
        const welcome = await next(ivan.channel.socket, 'welcome');
        expect(welcome).toMatchObject({ resumed: false, resumeToken: expect.any(String) });
        expect(await ivan.channel.request('open-room', { roomid: 'lost-room' })).toMatchObject({ ok: true });
        // The server drops the transport and processes the departure: the resume finds nothing.
        const again = next(ivan.channel.socket, 'welcome');
        serverSocketOf('ivan').conn.close();
        expect(await again).toMatchObject({ userid: 'ivan', resumed: false });
        await until(() => ivan.events.welcomes.length === 2, 'the welcome after the drop');
        expect(ivan.events.welcomes[1]).toEqual({ resumed: false, rooms: [] });
        expect(JSON.stringify(ivan.events.welcomes)).not.toContain(welcome.resumeToken); // the token stays in the channel
        expect(serverSocketOf('ivan').handshake.auth).toMatchObject({ userid: 'ivan', resume: welcome.resumeToken });
        // A brand-new channel (a new RTCMultiConnection) starts without one.
        ivan.channel.close();
        await until(() => !serverSocketOf('ivan'), 'the server to see ivan go');
        const fresh = channel({ userid: 'ivan' });
        expect(await next(fresh.channel.socket, 'welcome')).toMatchObject({ resumed: false });
        expect(serverSocketOf('ivan').handshake.auth).toEqual({ userid: 'ivan' });
    });

    test('an idle connection stays up across many heartbeats', async () => {
        const dave = client({ auth: { userid: 'dave' } });
        await next(dave, 'connect');
        const drops = [];
        dave.on('disconnect', (reason) => drops.push(reason));
        // Three times pingInterval + pingTimeout (about fifteen pings) with nothing sent but pongs.
        await sleep(3 * (PING_INTERVAL_MS + PING_TIMEOUT_MS));
        expect(drops).toEqual([]);
        expect(serverSocketOf('dave').connected).toBe(true);
        expect((await dave.emitWithAck('list-rooms', [{}], 5000)).ok).toBe(true);
    });

    test('close() leaves: the server sees the client go, nothing reconnects, pending requests fail', async () => {
        const erin = client({ auth: { userid: 'erin' } });
        await next(erin, 'connect');
        const serverSide = serverSocketOf('erin');
        const left = new Promise((resolve) => serverSide.on('disconnect', resolve));
        const disconnects = [];
        erin.on('disconnect', (reason) => disconnects.push(reason));
        // Answered after 3 s: still pending when we close.
        await erin.emitWithAck('open-room', [{ roomid: 'closing', password: 'p' }], 5000);
        const guest = client({ auth: { userid: 'erin-guest' } });
        const pending = guest.emitWithAck('join-room', [{ roomid: 'closing', password: 'bad' }], 10000).catch((e) => e);
        await sleep(200);
        guest.close();
        expect((await pending).code).toBe('DISCONNECTED');
        erin.close();
        expect(await left).toBe('client namespace disconnect');
        expect(disconnects).toEqual(['io client disconnect']);
        erin.emit('relay', { roomid: 'closing', data: 'x' }); // ignored, no throw
        await sleep(300);
        expect(serverSocketOf('erin')).toBeUndefined();
        expect(erin.connected).toBe(false);
    });

    test('an unreachable server is reported and retried with backoff until close()', async () => {
        const { port } = await new Promise((resolve) => {
            const probe = new WebSocketServer({ port: 0, host: '127.0.0.1' }, () => {
                const address = probe.address();
                probe.close(() => resolve(address));
            });
        });
        const lost = client({ reconnectionDelay: 20, reconnectionDelayMax: 40 }, `http://127.0.0.1:${port}/`);
        const errors = [];
        lost.on('connect_error', (error) => errors.push(error));
        await until(() => errors.length >= 3, 'three failed attempts');
        expect(errors[0].code).toBe('SIGNALING_UNREACHABLE');
        lost.close();
        const count = errors.length;
        await sleep(200);
        expect(errors.length).toBe(count);
    });
});

describe('against a misbehaving server', () => {
    let fake;
    let fakeUrl;
    const connections = [];

    beforeAll(async () => {
        fake = new WebSocketServer({ port: 0, host: '127.0.0.1' });
        await new Promise((resolve) => fake.once('listening', resolve));
        fakeUrl = `http://127.0.0.1:${fake.address().port}/`;
        fake.on('connection', (socket, request) => connections.push({ socket, request, received: [] }));
        fake.on('connection', (socket) => {
            const entry = connections[connections.length - 1];
            socket.on('message', (data) => entry.received.push(String(data)));
        });
    });
    afterEach(() => {
        for (const { socket } of connections) socket.terminate();
        connections.length = 0;
    });
    afterAll(() => new Promise((resolve) => fake.close(resolve)));

    const HANDSHAKE = '0{"sid":"s1","upgrades":[],"pingInterval":100,"pingTimeout":100,"maxPayload":1000000}';

    test('asks for the WebSocket transport of engine.io v4 on the socket.io path, with the query', async () => {
        client({ path: '/custom-path/', query: { token: 'a b' } }, fakeUrl);
        await until(() => connections.length === 1, 'a connection');
        const asked = new URL(connections[0].request.url, fakeUrl);
        expect(asked.pathname).toBe('/custom-path/');
        expect(Object.fromEntries(asked.searchParams)).toEqual({ token: 'a b', EIO: '4', transport: 'websocket' });
    });

    test('malformed frames are ignored, and what follows them still works', async () => {
        const frank = client({ auth: { userid: 'frank' } }, fakeUrl);
        const reported = jest.fn();
        globalThis.reportError = reported;
        const events = [];
        frank.on('hello', (...args) => events.push(args));
        await until(() => connections.length === 1, 'a connection');
        const { socket, received } = connections[0];
        for (const garbage of ['', '9', '0not json', '4', '4{', '42{"x":1}', '42[]', '43["x"]', '451-["x"]', '4/other,["x"]', '44', '40[1]']) {
            socket.send(garbage);
        }
        socket.send(Buffer.from([1, 2, 3])); // a binary frame
        socket.send(HANDSHAKE);
        await until(() => received.length === 1, 'the CONNECT');
        expect(received[0]).toBe('40{"userid":"frank"}');
        socket.send('40{"sid":"n1"}');
        socket.send('42["hello",1,{"a":[2]}]');
        socket.send('42["connect"]'); // a reserved name from the server: not passed on
        socket.send('2');
        await until(() => events.length === 1 && received.length === 2, 'the event and the pong');
        expect(events).toEqual([[1, { a: [2] }]]);
        expect(received[1]).toBe('3');
        expect(frank.connected).toBe(true);
        delete globalThis.reportError;
        expect(reported).not.toHaveBeenCalled();
    });

    // The wire drops a CONNECT_ERROR whose payload is neither an object nor a string; a refusal
    // that reaches onRefused by another path without one must still be a refusal.
    test('a refusal without a reason (null, a number) is a connect_error, not a TypeError', async () => {
        for (const payload of [null, undefined, 7]) {
            const judy = client({ reconnectionDelay: 20 }, fakeUrl);
            const errors = [];
            judy.on('connect_error', (error) => errors.push(error));
            expect(() => judy.onRefused(payload)).not.toThrow();
            expect(errors.map((error) => error.message)).toEqual(['the server refused the connection']);
            expect(judy.connected).toBe(false);
            judy.close();
        }
        const kate = client({}, fakeUrl);
        const refused = next(kate, 'connect_error');
        kate.onRefused({ message: 'userid taken', data: { code: 'USERID_TAKEN' } });
        expect(await refused).toMatchObject({ message: 'userid taken', data: { code: 'USERID_TAKEN' } });
    });

    test('acks go back with the id the server asked for, once', async () => {
        const grace = client({}, fakeUrl);
        grace.on('question', (value, answer) => {
            answer(value * 2);
            answer('again'); // ignored
        });
        await until(() => connections.length === 1, 'a connection');
        const { socket, received } = connections[0];
        socket.send(HANDSHAKE);
        socket.send('40{"sid":"n1"}');
        socket.send('427["question",21]');
        await until(() => received.length === 2, 'the ack');
        expect(received).toEqual(['40', '437[42]']);
    });

    test('a server that stops pinging is declared gone after pingInterval + pingTimeout, and retried', async () => {
        const heidi = client({ reconnectionDelay: 50, randomizationFactor: 0 }, fakeUrl);
        await until(() => connections.length === 1, 'a connection');
        connections[0].socket.send(HANDSHAKE);
        connections[0].socket.send('40{"sid":"n1"}');
        await next(heidi, 'connect');
        const started = Date.now();
        expect(await next(heidi, 'disconnect')).toBe('ping timeout');
        expect(Date.now() - started).toBeGreaterThanOrEqual(190);
        await until(() => connections.length === 2, 'the reconnection');
    });

    test('a server DISCONNECT ends the session without reconnecting', async () => {
        const ivan = client({}, fakeUrl);
        await until(() => connections.length === 1, 'a connection');
        connections[0].socket.send(HANDSHAKE);
        connections[0].socket.send('40{"sid":"n1"}');
        await next(ivan, 'connect');
        const reason = next(ivan, 'disconnect');
        connections[0].socket.send('41');
        expect(await reason).toBe('io server disconnect');
        await sleep(300);
        expect(connections.length).toBe(1);
    });

    test('a listener that throws does not stop the others or the client', async () => {
        const judy = client({}, fakeUrl);
        const seen = [];
        const thrown = [];
        // Browsers have reportError (window.onerror, the console); Node 20 does not.
        globalThis.reportError = (error) => thrown.push(error.message);
        judy.on('news', () => {
            throw new Error('listener bug');
        });
        judy.on('news', (n) => seen.push(n));
        await until(() => connections.length === 1, 'a connection');
        connections[0].socket.send(HANDSHAKE);
        connections[0].socket.send('40{"sid":"n1"}');
        connections[0].socket.send('42["news",1]');
        connections[0].socket.send('42["news",2]');
        await until(() => seen.length === 2 && thrown.length === 2, 'both events');
        delete globalThis.reportError;
        expect(thrown).toEqual(['listener bug', 'listener bug']);
    });
});

describe('helpers', () => {
    test('the server URL gives the WebSocket URL and the namespace', () => {
        expect(webSocketTarget('https://example.org:8443/', '/socket.io')).toEqual({
            url: 'wss://example.org:8443/socket.io/?EIO=4&transport=websocket',
            namespace: '/',
        });
        expect(webSocketTarget('http://h/admin?x=1', '/io/', { y: 2 })).toEqual({
            url: 'ws://h/io/?x=1&y=2&EIO=4&transport=websocket',
            namespace: '/admin',
        });
    });

    test('backoff doubles up to the maximum, spread by the randomization factor', () => {
        const settings = { reconnectionDelay: 100, reconnectionDelayMax: 1000, randomizationFactor: 0.5 };
        const middle = () => 0.5;
        expect([0, 1, 2, 3, 4, 50].map((n) => backoffDelay(n, settings, middle))).toEqual([100, 200, 400, 800, 1000, 1000]);
        expect(backoffDelay(0, settings, () => 0)).toBe(50);
        expect(backoffDelay(0, settings, () => 0.999999)).toBe(150);
        expect(backoffDelay(10, settings, () => 0)).toBe(500);
    });
});
