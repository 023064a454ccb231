// bench/net/impaired-udp-relay.js: the delay and the loss it adds are the ones asked for, in
// both directions, and answers reach the client that asked (real UDP sockets on loopback).
import { afterEach, expect, test } from '@jest/globals';
import dgram from 'node:dgram';
import { startImpairedRelay } from '../../../bench/net/impaired-udp-relay.js';

const opened = [];
afterEach(() => {
    for (const closable of opened.splice(0)) closable.close();
});

async function bound(socket) {
    await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
    opened.push(socket);
    return socket.address().port;
}

// An echo service: what the relay forwards comes back to the relay's upstream socket.
async function echo() {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (message, from) => socket.send(message, from.port, from.address));
    return bound(socket);
}

test('a round trip through the relay takes 2 x delayMs, for each of two clients', async () => {
    const relay = await startImpairedRelay({ targetPort: await echo(), delayMs: 40 });
    opened.push(relay);
    for (const name of ['one', 'two']) {
        const client = dgram.createSocket('udp4');
        await bound(client);
        const times = [];
        for (let i = 0; i < 5; i++) {
            const started = performance.now();
            const answer = new Promise((resolve) => client.once('message', (message) => resolve(String(message))));
            client.send(`${name} ${i}`, relay.port, '127.0.0.1');
            expect(await answer).toBe(`${name} ${i}`);
            times.push(performance.now() - started);
        }
        const fastest = Math.min(...times);
        expect(fastest).toBeGreaterThanOrEqual(79);
        expect(fastest).toBeLessThan(79 + 200); // a busy machine adds, never removes
    }
});

test('loss drops that share of datagrams, and never reorders what it keeps', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const sink = dgram.createSocket('udp4');
    const received = [];
    sink.on('message', (message) => received.push(Number(String(message))));
    const relay = await startImpairedRelay({ targetPort: await bound(sink), delayMs: 2, jitterMs: 5, loss: 0.1, random });
    opened.push(relay);
    const client = dgram.createSocket('udp4');
    await bound(client);
    // In bursts the socket buffers hold: the loss measured is the relay's, not the kernel's.
    for (let i = 0; i < 2000; i++) {
        client.send(String(i), relay.port, '127.0.0.1');
        if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const deadline = Date.now() + 5000;
    while (relay.counters.forwarded + relay.counters.dropped < 2000 || received.length < relay.counters.forwarded) {
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(relay.counters.forwarded + relay.counters.dropped).toBe(2000);
    expect(relay.counters.dropped / 2000).toBeGreaterThan(0.07);
    expect(relay.counters.dropped / 2000).toBeLessThan(0.13);
    expect(received.length).toBe(relay.counters.forwarded);
    expect(received).toEqual([...received].sort((a, b) => a - b));
});
