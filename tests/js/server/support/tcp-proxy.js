// A TCP proxy between test clients and a server, to play a network that fails without
// telling anyone. freeze() holds every byte of the connections open at that moment, in
// both directions, without closing anything: the server still believes those sockets are
// alive (until its ping timeout, far longer than a test). cutClient() then closes the
// client's end alone, as a client whose network dropped sees it; thaw() lets what was held
// back (and any close that happened meanwhile) through, as a network coming back.

import net from 'node:net';

export async function startProxy(targetPort, targetHost = '127.0.0.1') {
    const links = new Set();
    const server = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        const link = { client, upstream, frozen: false, held: [], closing: new Set() };
        links.add(link);
        const pipe = (from, to) => {
            from.on('data', (chunk) => {
                if (link.frozen) link.held.push([to, chunk]);
                else to.write(chunk);
            });
            from.on('close', () => {
                if (link.frozen) link.closing.add(to);
                else to.destroy();
            });
            from.on('error', () => {});
        };
        pipe(client, upstream);
        pipe(upstream, client);
        client.on('close', () => upstream.destroyed && links.delete(link));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    return {
        url: `http://127.0.0.1:${port}/`,
        // The links open now (one per client connection), frozen.
        freeze() {
            const frozen = [...links].filter((link) => !link.client.destroyed);
            for (const link of frozen) link.frozen = true;
            return frozen;
        },
        // The client's side of a frozen link goes away; the server's side stays silent.
        cutClient(link) {
            link.client.destroy();
        },
        thaw(link) {
            link.frozen = false;
            for (const [to, chunk] of link.held.splice(0)) if (!to.destroyed) to.write(chunk);
            for (const to of link.closing) to.end();
        },
        async close() {
            for (const link of links) {
                link.client.destroy();
                link.upstream.destroy();
            }
            await new Promise((resolve) => server.close(resolve));
        },
    };
}
