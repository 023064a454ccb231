// Which ICE servers a new peer connection gets (docs/api.md, `iceServers`):
//   - the page set connection.iceServers itself (anything but the default, [] included):
//     exactly its list;
//   - the page left the default: the servers our signaling server issues (TURN with
//     short-lived credentials) when it issues any, instead of the public STUN default, so a
//     deployment with its own TURN/STUN sends nothing to a third party; else the default.

// Public STUN so that users behind NAT connect out of the box; tests and private deployments
// pass their own (iceServers: [] or their TURN), or let our server issue its TURN.
export const DEFAULT_ICE_SERVERS = Object.freeze([Object.freeze({ urls: 'stun:stun.l.google.com:19302' })]);

export function defaultIceServers() {
    return DEFAULT_ICE_SERVERS.map((server) => ({ ...server }));
}

// True when `servers` is still the default list (the page may have replaced it, assigned a
// copy of it, or pushed its own server onto it: only the content counts).
export function isDefaultIceServers(servers) {
    if (!Array.isArray(servers) || servers.length !== DEFAULT_ICE_SERVERS.length) return false;
    return servers.every((server, index) => {
        const expected = DEFAULT_ICE_SERVERS[index];
        if (!server || typeof server !== 'object') return false;
        const urls = [].concat(server.urls || server.url || []);
        const keys = Object.keys(server).filter((key) => server[key] !== undefined);
        return urls.length === 1 && urls[0] === expected.urls && keys.every((key) => key === 'urls' || key === 'url');
    });
}

// RTCIceServer entries as browsers take them: v1.x pages wrote {url: ...}.
export function normalizeIceServers(servers) {
    if (!Array.isArray(servers)) return [];
    return servers
        .filter((server) => server && (server.urls || server.url))
        .map(({ url, urls, ...rest }) => ({ ...rest, urls: urls || url }));
}

// own: connection.iceServers; fromServer: what the signaling server issued (null: nothing).
export function iceServersForLink(own, fromServer) {
    if (fromServer && fromServer.length > 0 && isDefaultIceServers(own)) return fromServer;
    return normalizeIceServers(own);
}

// The TURN URLs of a list (turn:, turns:), for telling a relay-only page that it has none.
export function turnUrlsOf(servers) {
    const urls = [];
    for (const server of servers || []) {
        for (const url of [].concat((server && server.urls) || [])) {
            if (/^turns?:/i.test(String(url))) urls.push(String(url));
        }
    }
    return urls;
}
