// Hosts the published rtcmulticonnection-server (1.3.3) the way its README says since
// 1.3.1: a socket.io server of our pinned version, calling addSocket(socket) for every
// connection. Prints the URL on stdout like server/bin.js does. Benchmark use only.

import http from 'node:http';
import { Server } from 'socket.io';
import RTCMultiConnectionServer from 'rtcmulticonnection-server';

const httpServer = http.createServer((req, res) => {
    res.writeHead(404);
    res.end();
});
const io = new Server(httpServer);
io.on('connection', (socket) => {
    RTCMultiConnectionServer.addSocket(socket);
});

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`rtcmulticonnection-server at http://127.0.0.1:${httpServer.address().port}/\n`);
});

process.on('SIGTERM', () => {
    io.close(() => process.exit(0));
});
