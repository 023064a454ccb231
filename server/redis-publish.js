// The socket.io Redis adapter publishes without handling the promise node-redis returns: a
// PUBLISH that fails (Redis gone while it was in flight) became an unhandled rejection and
// crashed the node (issue 14, item 1). The adapter gets this wrapper of its pub client
// instead: every publish has a handler, failures are counted and logged at most once a
// second, and a caller may collect the publishes an emit made, to acknowledge a relay only
// once Redis has taken it.

export function guardPublishes(client, { logger }) {
    let collecting = null;
    let failed = 0;
    let lastLogAt = -Infinity;
    const onFailure = (err) => {
        failed += 1;
        if (performance.now() - lastLogAt < 1000) return;
        lastLogAt = performance.now();
        logger.error({ event: 'redis-publish', outcome: 'error', count: failed, detail: err.message });
    };
    const publish = (channel, message) => {
        const sent = client.publish(channel, message);
        sent.catch(onFailure);
        if (collecting) collecting.push(sent);
        return sent;
    };
    const guarded = new Proxy(client, {
        get(target, property) {
            if (property === 'publish') return publish;
            const value = Reflect.get(target, property, target);
            return typeof value === 'function' ? value.bind(target) : value;
        },
    });
    return {
        client: guarded,
        // Runs `emit` (socket.io emits publish synchronously) and returns what it published.
        collect(emit) {
            const outer = collecting;
            collecting = [];
            try {
                emit();
                return collecting;
            } finally {
                collecting = outer;
            }
        },
    };
}
