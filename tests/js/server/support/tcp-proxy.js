// A TCP proxy between test clients and a server, to play a network that fails without
// telling anyone. freeze() holds every byte of the connections open at that moment, in
// both directions, without closing anything: the server still believes those sockets are
// alive (until its ping timeout, far longer than a test). cutClient() then closes the
// client's end alone, as a client whose network dropped sees it; thaw() lets what was held
// back (and any close that happened meanwhile) through, as a network coming back.
// cut() plays a link that goes down loudly: every connection is reset and new ones are
// refused until restore().

import net from 'node:net';

export async function startProxy(targetPort, targetHost = '127.0.0.1') {
    const links = new Set();
    let refusing = false;
    const server = net.createServer((client) => {
        if (refusing) {
            client.resetAndDestroy();
            return;
        }
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
        cut() {
            refusing = true;
            for (const link of links) {
                link.client.resetAndDestroy();
                link.upstream.resetAndDestroy();
            }
            links.clear();
        },
        restore() {
            refusing = false;
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

// A TCP load balancer in front of several server nodes, as a deployment would have: each new
// client connection goes to the first node (in the given order) that accepts it, so that
// when a node dies its clients' reconnections land on a live one.
export async function startBalancer(targetPorts, targetHost = '127.0.0.1') {
    const sockets = new Set();
    const server = net.createServer((client) => {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        client.on('error', () => {});
        client.pause();
        const tryTarget = (index) => {
            if (index >= targetPorts.length || client.destroyed) {
                client.destroy();
                return;
            }
            const upstream = net.connect(targetPorts[index], targetHost);
            upstream.once('error', () => {
                if (!upstream.connectedOnce) tryTarget(index + 1);
                else client.destroy();
            });
            upstream.once('connect', () => {
                upstream.connectedOnce = true;
                sockets.add(upstream);
                upstream.on('close', () => {
                    sockets.delete(upstream);
                    client.destroy();
                });
                client.on('close', () => upstream.destroy());
                client.pipe(upstream);
                upstream.pipe(client);
                client.resume();
            });
        };
        tryTarget(0);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    return {
        url: `http://127.0.0.1:${port}/`,
        async close() {
            for (const socket of sockets) socket.destroy();
            await new Promise((resolve) => server.close(resolve));
        },
    };
}
