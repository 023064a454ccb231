// The client address of a request: the TCP peer, or, when the peer is a proxy listed in
// TRUST_PROXY, the address that proxy reports in X-Forwarded-For. The header is read from
// its right end, skipping the trusted proxies (a chain of them); everything left of the
// first untrusted address was written by the client and is not believed.

export function normalizeAddress(address) {
    if (typeof address !== 'string') return 'unknown';
    return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function clientAddress(req, trustedProxies) {
    const peer = req.socket?.remoteAddress;
    if (!trustedProxies || trustedProxies.size === 0 || !trustedProxies.has(peer)) return normalizeAddress(peer);
    const header = req.headers?.['x-forwarded-for'];
    if (typeof header !== 'string' || header.length === 0) return normalizeAddress(peer);
    const hops = header.split(',').map((hop) => hop.trim()).filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
        if (!trustedProxies.has(hops[i])) return normalizeAddress(hops[i]);
    }
    return normalizeAddress(hops[0] ?? peer);
}
