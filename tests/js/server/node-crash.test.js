// Issue 14, items 5 and 6: a node killed with -9 under a two-node cluster (real Redis, real
// processes, default timings: nothing here shortens the node heartbeat).
//   5. The library's clients of the dead node are back in their room within 10 s (they keep
//      their resume token across reconnections); a client without a token (the seed's
//      socket.io snippet) gets its userid back at most 10 s after the node died, and nobody
//      can take a userid while its owner's token may still come back.
//   6. Owner actions check the owner's session, not the userid: a stranger who claims the
//      dead owner's userid cannot eject, close or change the room.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { WebSocket } from 'ws';
import { SocketIoChannel } from '../../../web/signaling/socketio-channel.js';
import { closeAllSockets, connect, connectUser, firstOf, once, request } from './support/helpers.js';
import { exited, spawnServerNode, startRedis } from './support/processes.js';
import { startBalancer } from './support/tcp-proxy.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let prefixCounter = 0;

const started = [];
const channels = [];
afterEach(async () => {
    for (const channel of channels.splice(0)) channel.close();
    closeAllSockets();
    await Promise.all(started.splice(0).reverse().map((process) => process.stop()));
});
afterAll(() => closeAllSockets());

async function cluster(count, env = {}) {
    const redis = await startRedis();
    started.push(redis);
    const shared = { REDIS_URL: redis.url, REDIS_PREFIX: `crash${process.pid}-${++prefixCounter}:`, ...env };
    const nodes = await Promise.all(Array.from({ length: count }, () => spawnServerNode(shared)));
    started.push(...nodes);
    return nodes;
}

async function kill(node) {
    node.child.kill('SIGKILL');
    await exited(node.child);
    return Date.now();
}

// Connects `userid` without a token until the server accepts it; resolves {socket, at}.
async function reconnectPlain(url, userid, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const socket = connect(url, { userid });
        const outcome = await firstOf(socket, ['welcome', 'connect_error']);
        if (outcome.event === 'welcome') return { socket, at: Date.now() };
        expect(outcome.value.message).toBe('USERID_TAKEN');
        socket.close();
        await sleep(250);
    }
    throw new Error(`${userid} was still taken ${timeoutMs} ms later`);
}

describe('a node killed with -9', () => {
    test('5. a plain client gets its userid and its room back within 10 s; before that nobody can take it', async () => {
        const [survivor, doomed] = await cluster(2);
        const eve = (await connectUser(survivor.url, { userid: 'k-eve' })).socket;
        const dave = (await connectUser(doomed.url, { userid: 'k-dave' })).socket;
        await request(dave, 'open-room', { roomid: 'k-room' });
        await request(eve, 'join-room', { roomid: 'k-room' });
        const daveLeft = once(eve, 'member-left', 15000);
        const killedAt = await kill(doomed);
        // Right after the crash, the userid still belongs to dave's session (its token).
        const early = connect(survivor.url, { userid: 'k-dave' });
        expect((await once(early, 'connect_error')).message).toBe('USERID_TAKEN');
        const back = await reconnectPlain(survivor.url, 'k-dave', 12000);
        expect(back.at - killedAt).toBeLessThanOrEqual(10000);
        expect(await daveLeft).toMatchObject({ roomid: 'k-room', userid: 'k-dave', reason: 'disconnected' });
        expect((await request(eve, 'check-presence', { roomid: 'k-room' })).room).toMatchObject({ owner: 'k-eve', participants: 1 });
        expect((await request(back.socket, 'join-room', { roomid: 'k-room' })).ok).toBe(true);
    });

    test('5. the library channel of the dead node resumes on the other one with its token, back in its room', async () => {
        const [survivor, doomed] = await cluster(2);
        // The library reaches the cluster through one address, as a page would.
        const balancer = await startBalancer([Number(new URL(doomed.url).port), Number(new URL(survivor.url).port)]);
        try {
            const events = { welcomes: [], relays: [], errors: [] };
            const channel = new SocketIoChannel(
                { url: balancer.url, userid: 'k-lib', extra: null, options: { WebSocket, reconnectionDelay: 500, reconnectionDelayMax: 2000 } },
                {
                    onConnect: () => {},
                    onError: (code, message) => events.errors.push({ code, message }),
                    onRelay: (from, data) => events.relays.push({ from, data }),
                    onServerEvent: (name, payload) => name === 'welcome' && events.welcomes.push(payload),
                },
            );
            channels.push(channel);
            channel.roomid = 'k-lib-room';
            const firstWelcome = new Promise((resolve) => channel.socket.on('welcome', resolve));
            await firstWelcome;
            expect((await channel.request('open-room', { roomid: 'k-lib-room' })).ok).toBe(true);
            const frank = (await connectUser(survivor.url, { userid: 'k-frank' })).socket;
            await request(frank, 'join-room', { roomid: 'k-lib-room' });
            const frankSaw = [];
            frank.onAny((event) => frankSaw.push(event));

            const resumed = new Promise((resolve) => channel.socket.on('welcome', resolve));
            const killedAt = await kill(doomed);
            const welcome = await resumed;
            expect(welcome).toMatchObject({ userid: 'k-lib', resumed: true, rooms: ['k-lib-room'] });
            await request(frank, 'relay', { roomid: 'k-lib-room', to: 'k-lib', data: 'welcome back' });
            while (events.relays.length === 0) await sleep(20);
            expect(Date.now() - killedAt).toBeLessThanOrEqual(10000);
            expect(events.relays).toEqual([{ from: 'k-frank', data: 'welcome back' }]);
            const presence = await request(frank, 'check-presence', { roomid: 'k-lib-room' });
            expect(presence.room).toMatchObject({ owner: 'k-lib', participants: 2 });
            // Past the dead node's expiry, the resumed session stays: nobody removed it.
            await sleep(7000);
            expect((await request(frank, 'check-presence', { roomid: 'k-lib-room' })).room).toMatchObject({ owner: 'k-lib', participants: 2 });
            // Frank heard only that k-lib is back: no departure.
            expect(frankSaw).toEqual(['member-resumed']);
        } finally {
            await balancer.close();
        }
    });

    test('6. a stranger who claims a dead owner\'s userid cannot eject, close or change the room', async () => {
        // A short heartbeat: the stranger gets the userid as early as possible after the crash.
        const [survivor, doomed] = await cluster(2, { NODE_TTL_MS: '2000' });
        const owner = (await connectUser(doomed.url, { userid: 's-owner', extra: { role: 'host' } })).socket;
        const first = (await connectUser(survivor.url, { userid: 's-first' })).socket;
        const second = (await connectUser(survivor.url, { userid: 's-second' })).socket;
        await request(owner, 'open-room', { roomid: 's-room' });
        await request(first, 'join-room', { roomid: 's-room' });
        await request(second, 'join-room', { roomid: 's-room' });
        await kill(doomed);
        const { socket: stranger } = await reconnectPlain(survivor.url, 's-owner', 15000);
        // At once, before any cleanup of the dead node can run.
        const [ejectAnswer, closeAnswer, extraAnswer] = await Promise.all([
            request(stranger, 'eject', { roomid: 's-room', userid: 's-second' }),
            request(stranger, 'close-room', { roomid: 's-room' }),
            request(stranger, 'update-extra', { extra: { role: 'usurper' } }),
        ]);
        expect(ejectAnswer.error?.code).toBe('NOT_OWNER');
        expect(closeAnswer.error?.code).toBe('NOT_OWNER');
        expect(extraAnswer.ok).toBe(true); // its own extra, in its own rooms (none)
        const presence = await request(first, 'check-presence', { roomid: 's-room' });
        expect(presence.exists).toBe(true);
        expect(presence.room.extra).not.toEqual({ role: 'usurper' });
        expect((await request(first, 'relay', { roomid: 's-room', to: 's-second', data: 'still here' })).ok).toBe(true);
    });
});
