// Graceful shutdown tells every client, in-process (close()) and as a process (SIGTERM).
import { afterEach, describe, expect, test } from '@jest/globals';
import { closeAllSockets, connect, connectUser, once, startServer } from './support/helpers.js';
import { exited, spawnServerNode } from './support/processes.js';

afterEach(() => closeAllSockets());

describe('shutdown', () => {
    test('close() emits server-shutdown to clients of both protocols, then disconnects them', async () => {
        const { server, url } = await startServer();
        const { socket } = await connectUser(url);
        const channel = connect(url, { path: '/some-channel' });
        await once(channel, 'connect');
        const told = once(socket, 'server-shutdown');
        const toldChannel = once(channel, 'server-shutdown');
        const disconnected = once(socket, 'disconnect');
        await server.close();
        expect(await told).toEqual({ reason: 'server shutting down' });
        expect(await toldChannel).toEqual({ reason: 'server shutting down' });
        await disconnected;
    });

    test('SIGTERM to server/bin.js: clients are told, the process exits 0', async () => {
        const node = await spawnServerNode();
        try {
            const { socket } = await connectUser(node.url, { userid: 'watcher' });
            const told = once(socket, 'server-shutdown');
            node.child.kill('SIGTERM');
            expect(await told).toEqual({ reason: 'server shutting down (SIGTERM)' });
            expect(await exited(node.child)).toEqual({ code: 0, signal: null });
        } finally {
            await node.stop();
        }
    });
});
