// A client that stops reading makes the server hold what it cannot send: engine.io's write
// buffer and the WebSocket's socket buffer grow without bound (issue 14, item 8). Every
// `intervalMs` the connections with data waiting are measured; one past `maxUnsentBytes` is
// closed at once (its buffers are dropped, not flushed), which its socket.io sockets see as
// a disconnect like any other.

export function watchUnsentBytes(io, { maxUnsentBytes, logger, intervalMs = 250 }) {
    const timer = setInterval(() => {
        const clients = io.engine.clients;
        for (const id in clients) {
            const connection = clients[id];
            const bytes = unsentBytes(connection);
            if (bytes > maxUnsentBytes) {
                logger.warn({ event: 'slow-consumer', detail: `${bytes} bytes unsent`, outcome: 'disconnected' });
                dropConnection(connection);
            }
        }
    }, intervalMs);
    timer.unref();
    return { close: () => clearInterval(timer) };
}

export function unsentBytes(connection) {
    let bytes = 0;
    for (const packet of connection.writeBuffer) {
        const data = packet.data;
        if (typeof data === 'string') bytes += data.length;
        else if (data && typeof data.byteLength === 'number') bytes += data.byteLength;
    }
    // The `ws` WebSocket of the websocket transport: bytes handed to it and not yet written.
    const webSocket = connection.transport?.socket;
    if (webSocket && typeof webSocket.bufferedAmount === 'number') bytes += webSocket.bufferedAmount;
    return bytes;
}

function dropConnection(connection) {
    const webSocket = connection.transport?.socket;
    // terminate() destroys the TCP socket now: a polite close would wait for the peer that
    // is not reading, holding the buffers meanwhile.
    if (webSocket && typeof webSocket.terminate === 'function') webSocket.terminate();
    else connection.close(true);
}
