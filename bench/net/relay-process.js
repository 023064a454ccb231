// bench/net/impaired-udp-relay.js in a process of its own, for bench/files/run.js: the relay
// forwards every datagram of a transfer (tens of thousands a second), and in the driver's
// process it would share one event loop with Playwright and both signaling servers, whose
// stalls would add delay and kernel-buffer loss that nobody asked for.
//
//   const child = fork('bench/net/relay-process.js');
//   child.send({ targetPort, delayMs, loss });   -> child sends { port } once listening
//   child.send({ counters: true });              -> child sends { counters }
import { startImpairedRelay } from './impaired-udp-relay.js';

let relay = null;
process.on('message', async (message) => {
    if (message.counters) {
        process.send({ counters: relay ? { ...relay.counters, upstreamPorts: relay.upstreamPorts() } : null });
        return;
    }
    try {
        relay = await startImpairedRelay(message);
        process.send({ port: relay.port });
    } catch (error) {
        process.send({ error: error.message });
    }
});
process.on('disconnect', () => {
    if (relay) relay.close();
    process.exit(0);
});
