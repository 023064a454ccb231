// A UDP relay that adds a fixed one-way delay and random loss, for benchmarks at real round-trip
// times (issue 15, "Speed at real round-trip times"). Put it in front of a UDP service (coturn):
// clients send to the relay's port, and each client gets its own upstream socket, as a NAT
// would, so that answers find their way back. Each datagram is delayed `delayMs` (plus up to
// `jitterMs`, keeping order per direction) and dropped with probability `loss`, in each
// direction. Between two pages that both reach coturn through it, a datagram crosses the relay
// twice from page to page, so the round trip between the pages is 4 x delayMs.
import dgram from 'node:dgram';

//
// socketBufferBytes: the kernel buffers of every socket of the relay (capped by the kernel's
// net.core.rmem_max / wmem_max). The default (about 208 KiB) overflows when a whole congestion
// window arrives at once, and drops that nobody asked for make SCTP's window collapse: a
// 16 MiB file at 80 ms ran at 1.8 MiB/s with it (bench/files/README.md).
export async function startImpairedRelay({ targetHost = '127.0.0.1', targetPort, host = '127.0.0.1', port = 0, delayMs = 0, jitterMs = 0, loss = 0, random = Math.random, socketBufferBytes = null }) {
    if (!Number.isInteger(targetPort)) throw new Error('startImpairedRelay: targetPort is required');
    if (!(loss >= 0 && loss < 1)) throw new Error('startImpairedRelay: loss must be in [0, 1)');
    const socketOptions = socketBufferBytes ? { type: 'udp4', recvBufferSize: socketBufferBytes, sendBufferSize: socketBufferBytes } : 'udp4';
    const front = dgram.createSocket(socketOptions);
    const clients = new Map(); // "address:port" -> {socket, lastAt}
    const counters = { forwarded: 0, dropped: 0 };
    // Per direction, a queue in departure order drained by one timer: jitter never reorders.
    const queues = new Map(); // key -> {items: [{due, send}], timer}

    function later(key, send) {
        if (random() < loss) {
            counters.dropped++;
            return;
        }
        counters.forwarded++;
        let queue = queues.get(key);
        if (!queue) queues.set(key, (queue = { items: [], timer: null }));
        const last = queue.items.length ? queue.items[queue.items.length - 1].due : 0;
        queue.items.push({ due: Math.max(performance.now() + delayMs + (jitterMs ? random() * jitterMs : 0), last), send });
        if (!queue.timer) drain(queue);
    }

    function drain(queue) {
        queue.timer = null;
        const now = performance.now();
        while (queue.items.length && queue.items[0].due <= now + 0.5) queue.items.shift().send();
        if (queue.items.length) queue.timer = setTimeout(() => drain(queue), Math.max(0, queue.items[0].due - now));
    }

    function upstreamFor(address, clientPort) {
        const key = `${address}:${clientPort}`;
        let client = clients.get(key);
        if (client) return client;
        const socket = dgram.createSocket(socketOptions);
        socket.on('message', (message) => later(`down ${key}`, () => front.send(message, clientPort, address)));
        socket.on('error', () => {});
        socket.bind(0, targetHost === '127.0.0.1' ? '127.0.0.1' : undefined);
        client = { socket };
        clients.set(key, client);
        return client;
    }

    front.on('message', (message, from) => {
        const { socket } = upstreamFor(from.address, from.port);
        later(`up ${from.address}:${from.port}`, () => socket.send(message, targetPort, targetHost));
    });
    front.on('error', () => {});
    await new Promise((resolve, reject) => {
        front.once('error', reject);
        front.bind(port, host, () => {
            front.off('error', reject);
            resolve();
        });
    });
    return {
        port: front.address().port,
        counters,
        // The local port of each client's upstream socket (to tell its drops in /proc/net/udp).
        upstreamPorts: () => [...clients.values()].map(({ socket }) => socket.address().port),
        close() {
            for (const queue of queues.values()) clearTimeout(queue.timer);
            for (const { socket } of clients.values()) socket.close();
            clients.clear();
            front.close();
        },
    };
}
