#!/usr/bin/env node
// `npm start`: demos + signaling in one process. Configuration comes from environment
// variables (docs/server.md). SIGTERM / SIGINT: every client gets `server-shutdown`,
// then sockets and the HTTP server close and the process exits 0.

import { configFromEnv, createServer } from './index.js';

const SHUTDOWN_DEADLINE_MS = 10000;

let server;
try {
    server = createServer(configFromEnv(process.env));
    const { url } = await server.listen();
    process.stdout.write(`Demos and signaling at ${url}\n`);
} catch (err) {
    process.stderr.write(`signaling server failed to start: ${err.message}\n`);
    process.exit(1);
}

let stopping = false;
async function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    // A close that hangs (e.g. Redis unreachable) must not keep the process forever.
    setTimeout(() => {
        process.stderr.write(`shutdown took more than ${SHUTDOWN_DEADLINE_MS} ms; exiting\n`);
        process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
        await server.close({ reason: `server shutting down (${signal})` });
        process.exit(0);
    } catch (err) {
        process.stderr.write(`shutdown failed: ${err.message}\n`);
        process.exit(1);
    }
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
