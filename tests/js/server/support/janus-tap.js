// A WebSocket tap between the signaling server and a real Janus: the server is given the
// tap's URL as RTCMC_JANUS_URL, and every frame of every connection, in both directions, is
// recorded on its way. It is how the tests see what reached Janus (and what never did).
//
//   const tap = await startJanusTap(janus.url);
//   tap.url                      ws://127.0.0.1:<port>
//   tap.toJanus()                parsed frames sent to Janus, in order: [{connection, frame}]
//   tap.fromJanus()              parsed frames Janus sent
//   tap.openConnections()        connections open right now
//   await tap.close()
// When Janus closes a connection (or cannot be reached), the tap drops the server's side.

import { WebSocket, WebSocketServer } from 'ws';

export async function startJanusTap(upstreamUrl) {
    const server = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        handleProtocols: (protocols) => (protocols.has('janus-protocol') ? 'janus-protocol' : false),
    });
    await new Promise((resolve) => server.once('listening', resolve));
    const records = []; // {connection, direction: 'to' | 'from', frame}
    const open = new Set();
    let connections = 0;

    server.on('connection', (downstream) => {
        const connection = ++connections;
        open.add(downstream);
        const upstream = new WebSocket(upstreamUrl, 'janus-protocol');
        const waiting = [];
        const record = (direction, text) => {
            let frame;
            try {
                frame = JSON.parse(text);
            } catch {
                frame = { unparsed: text };
            }
            records.push({ connection, direction, frame });
        };
        downstream.on('message', (data) => {
            const text = String(data);
            record('to', text);
            if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
            else waiting.push(text);
        });
        upstream.on('open', () => {
            for (const text of waiting.splice(0)) upstream.send(text);
        });
        upstream.on('message', (data) => {
            const text = String(data);
            record('from', text);
            if (downstream.readyState === WebSocket.OPEN) downstream.send(text);
        });
        upstream.on('error', () => {});
        downstream.on('error', () => {});
        upstream.on('close', () => downstream.terminate());
        downstream.on('close', () => {
            open.delete(downstream);
            if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
            else upstream.close();
        });
    });

    const pick = (direction) => records.filter((r) => r.direction === direction).map(({ connection, frame }) => ({ connection, frame }));
    return {
        url: `ws://127.0.0.1:${server.address().port}`,
        toJanus: () => pick('to'),
        fromJanus: () => pick('from'),
        openConnections: () => open.size,
        async close() {
            for (const socket of open) socket.terminate();
            await new Promise((resolve) => server.close(resolve));
        },
    };
}
