// The seed documents' socket.io snippet for openSignalingChannel, run unchanged against
// the server. The snippet is copied verbatim from shared/seeds/000 (v1.3 README,
// "Use your own socket.io over node.js for signaling"); only `io` is provided, as the
// page's global would be, resolving the page-relative URLs against the test server.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { io as ioClient } from 'socket.io-client';
import { closeAllSockets, connect, connectUser, once, record, request, startServer } from './support/helpers.js';

const SNIPPET = `
openSignalingChannel: function(config) {
   var URL = '/';
   var channel = config.channel || this.channel || 'Default-Socket';
   var sender = Math.round(Math.random() * 60535) + 5000;

   io.connect(URL).emit('new-channel', {
      channel: channel,
      sender : sender
   });

   var socket = io.connect(URL + channel);
   socket.channel = channel;

   socket.on('connect', function () {
      if (config.callback) config.callback(socket);
   });

   socket.send = function (message) {
        socket.emit('message', {
            sender: sender,
            data  : message
        });
    };

   socket.on('message', config.onmessage);
}
`;

let server;
let url;
const pageSockets = [];

// What a page would have: the connection object with the snippet's method, and a global
// `io` whose connect() takes page-relative URLs.
function makePage(channelDefault) {
    const io = {
        connect(relative) {
            const socket = ioClient(url.replace(/\/$/, '') + relative, { transports: ['websocket'], reconnection: false });
            pageSockets.push(socket);
            return socket;
        },
    };
    const source = SNIPPET.trim().replace(/^openSignalingChannel:\s*/, '');
    // eslint-disable-next-line no-new-func
    const openSignalingChannel = new Function('io', `return (${source});`)(io);
    return { channel: channelDefault, openSignalingChannel };
}

// Runs the snippet and resolves with the socket once its `callback` fired.
function openChannel(page, channel, onmessage) {
    return new Promise((resolve) => {
        page.openSignalingChannel({ channel, onmessage, callback: resolve });
    });
}

beforeAll(async () => {
    ({ server, url } = await startServer({ maxMessageBytes: 4096 }));
});
afterEach(() => {
    for (const socket of pageSockets.splice(0)) socket.close();
    closeAllSockets();
});
afterAll(() => server.close());

describe('seed protocol', () => {
    test('two pages exchange messages through a channel; another channel sees nothing', async () => {
        const inbox = { a: [], b: [], c: [] };
        const waiters = [];
        const onmessage = (who) => (message) => {
            inbox[who].push(message);
            for (const waiter of waiters.splice(0)) waiter();
        };
        const until = async (predicate) => {
            while (!predicate()) await new Promise((resolve, reject) => {
                waiters.push(resolve);
                setTimeout(() => reject(new Error(`timed out; inboxes ${JSON.stringify(inbox)}`)), 10000).unref();
            });
        };
        const a = await openChannel(makePage(), 'room-42', onmessage('a'));
        const b = await openChannel(makePage(), 'room-42', onmessage('b'));
        const c = await openChannel(makePage(), 'other-room', onmessage('c'));
        expect(a.channel).toBe('room-42');

        a.send({ sdp: 'offer from a', userid: 'a' });
        await until(() => inbox.b.length === 1);
        b.send({ sdp: 'answer from b' });
        await until(() => inbox.a.length === 1);
        c.send({ in: 'other room' });
        b.send('second from b');
        await until(() => inbox.a.length === 2);

        expect(inbox.b).toEqual([{ sdp: 'offer from a', userid: 'a' }]);
        expect(inbox.a).toEqual([{ sdp: 'answer from b' }, 'second from b']);
        // c's only message went to nobody; c got nothing from room-42. A sentinel in
        // c's channel, from a fourth page, shows c's inbox is up to date.
        const d = await openChannel(makePage(), 'other-room', onmessage('d'));
        d.send('sentinel');
        await until(() => inbox.c.length === 1);
        expect(inbox.c).toEqual(['sentinel']);
    });

    test('the default channel name works, and the default-namespace socket gets a random userid', async () => {
        const page = makePage();
        const welcome = new Promise((resolve) => {
            const original = page.openSignalingChannel;
            page.openSignalingChannel = function (config) {
                original.call(this, config);
                pageSockets[pageSockets.length - 2].once('welcome', resolve); // the io.connect('/') one
            };
        });
        const socket = await openChannel(page, undefined, () => {});
        expect(socket.channel).toBe('Default-Socket');
        expect((await welcome).userid).toMatch(/^[A-Za-z0-9_-]{16}$/);
    });

    test('presence answers whether a channel was announced, as in 2013', async () => {
        const { socket } = await connectUser(url);
        socket.emit('presence', 'announced-later');
        expect(await once(socket, 'presence')).toBe(false);
        await openChannel(makePage(), 'announced-later', () => {});
        socket.emit('presence', 'announced-later');
        expect(await once(socket, 'presence')).toBe(true);
        expect(await request(socket, 'presence', 'announced-later')).toEqual({ ok: true, exists: true });
        expect((await request(socket, 'presence', { channel: 'x' })).error.code).toBe('INVALID_PAYLOAD');
    });

    test('bad channel names: new-channel gets error-event, the namespace is refused', async () => {
        const { socket } = await connectUser(url);
        const error = once(socket, 'error-event');
        socket.emit('new-channel', { channel: 'bad name/..', sender: 1 });
        expect(await error).toEqual({
            code: 'INVALID_PAYLOAD',
            message: 'channel must be 1 to 128 characters among letters, digits and _ . ~ + = @ , -',
            event: 'new-channel',
        });
        const refused = connect(url, { path: '/' + 'x'.repeat(129) });
        expect((await once(refused, 'connect_error')).message).toBe('Invalid namespace');
    });

    test('channel messages are validated and size-limited', async () => {
        const a = connect(url, { path: '/checked' });
        const b = connect(url, { path: '/checked' });
        await Promise.all([once(a, 'connect'), once(b, 'connect')]);
        const received = record(b, 'message');
        expect((await request(a, 'message', { data: 'x'.repeat(5000) })).error.code).toBe('MESSAGE_TOO_LARGE');
        expect((await request(a, 'message', { sender: 1 })).error).toEqual({ code: 'INVALID_PAYLOAD', message: 'data is required' });
        expect((await request(a, 'message', 'just a string')).error.code).toBe('INVALID_PAYLOAD');
        expect((await request(a, 'other-event', {})).error.code).toBe('UNKNOWN_EVENT');
        const delivered = once(b, 'message');
        expect(await request(a, 'message', { sender: 'a', data: { ok: 1 } })).toEqual({ ok: true });
        await delivered;
        expect(received).toEqual([{ ok: 1 }]);
    });

    test('empty channel namespaces are cleaned up, and their number is bounded', async () => {
        const names = ['/tmp-1', '/tmp-2', '/tmp-3'];
        const sockets = names.map((name) => connect(url, { path: name }));
        await Promise.all(sockets.map((s) => once(s, 'connect')));
        const alive = () => names.filter((name) => server.io._nsps.has(name));
        expect(alive()).toEqual(names);
        for (const s of sockets) s.close();
        // The server drops a namespace when its last socket's disconnect is processed;
        // requests on another connection, answered after, let that happen (bounded).
        const { socket } = await connectUser(url);
        for (let i = 0; i < 20 && alive().length > 0; i++) await request(socket, 'list-rooms', {});
        expect(alive()).toEqual([]);

        const small = await startServer({ maxSeedChannels: 2 });
        try {
            const first = connect(small.url, { path: '/one' });
            const second = connect(small.url, { path: '/two' });
            await Promise.all([once(first, 'connect'), once(second, 'connect')]);
            const third = connect(small.url, { path: '/three' });
            expect((await once(third, 'connect_error')).message).toBe('Invalid namespace');
            const again = connect(small.url, { path: '/one' }); // existing channels stay joinable
            await once(again, 'connect');
        } finally {
            closeAllSockets();
            await small.server.close();
        }
    });
});
