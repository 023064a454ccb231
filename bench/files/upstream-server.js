// The published rtcmulticonnection-server (1.3.3), hosted the way its README says: a socket.io
// server of our pinned version (4.8.4) calling addSocket(socket) for every connection, on
// 127.0.0.1. The same HTTP server serves the upstream benchmark page and the published
// browser files (RTCMultiConnection.min.js, fbr's FileBufferReader.min.js); socket.io serves
// its own client at /socket.io/socket.io.js. Benchmark use only.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Server } from 'socket.io';

const require = createRequire(import.meta.url);

export function startUpstreamServer(projectRoot) {
    const files = {
        '/upstream.html': [path.join(projectRoot, 'bench/files/pages/upstream.html'), 'text/html; charset=utf-8'],
        '/common.js': [path.join(projectRoot, 'bench/files/pages/common.js'), 'text/javascript'],
        '/RTCMultiConnection.min.js': [path.join(projectRoot, 'node_modules/rtcmulticonnection/dist/RTCMultiConnection.min.js'), 'text/javascript'],
        '/FileBufferReader.min.js': [path.join(projectRoot, 'node_modules/fbr/FileBufferReader.min.js'), 'text/javascript'],
    };
    const httpServer = http.createServer((req, res) => {
        const file = files[req.url.split('?')[0]];
        if (!file) {
            res.writeHead(404);
            res.end();
            return;
        }
        res.writeHead(200, { 'Content-Type': file[1], 'Cache-Control': 'no-store' });
        fs.createReadStream(file[0]).pipe(res);
    });
    const io = new Server(httpServer);
    const RTCMultiConnectionServer = require('rtcmulticonnection-server');
    io.on('connection', (socket) => RTCMultiConnectionServer.addSocket(socket));
    return new Promise((resolve) => {
        httpServer.listen(0, '127.0.0.1', () => {
            resolve({
                origin: `http://localhost:${httpServer.address().port}`,
                close: () => new Promise((done) => io.close(() => done())),
            });
        });
    });
}
