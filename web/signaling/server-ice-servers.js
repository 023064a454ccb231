// The ICE servers our signaling server issues (TURN with short-lived credentials, docs/server.md
// "TURN"): they come in the connection's `welcome`, and are asked for again with the
// `turn-credentials` request before they expire, so that a peer connection made late in a
// long session still gets credentials that TURN accepts. What is read from the server uses
// quoted names (Closure ADVANCED keeps them).

// A credential is renewed once this share of its life has passed (a quarter of it is left).
const RENEW_AT_SHARE = 0.75;
// Renewal is never sooner than this after the last one, whatever the server says.
const MIN_RENEW_DELAY_MS = 1000;
// After a failed renewal (timeout, connection lost), the next try.
const RETRY_DELAY_MS = 2000;

export class ServerIceServers {
    // request(name, payload) -> Promise<{ok, ...}> (the channel's request);
    // onChange(servers): new servers arrived (the peers may take them).
    constructor(request, onChange) {
        this.request = request;
        this.onChange = onChange;
        this.servers = null; // [{urls, username, credential}], null = none issued
        this.expiresAt = 0; // ms since the epoch
        this.timer = null;
        this.closed = false;
        this.renewals = 0; // how many came from `turn-credentials` (not from a welcome)
    }

    // The servers to use now, or null when the server issues none (or they expired).
    current() {
        if (!this.servers || Date.now() >= this.expiresAt) return null;
        return this.servers.map((server) => ({ ...server, 'urls': [...server['urls']] }));
    }

    // `issued`: the `turn` field of a welcome, or a `turn-credentials` answer. Anything else
    // (a server without TURN) leaves nothing.
    accept(issued) {
        const servers = readServers(issued);
        const ttlMs = issued && Number(issued['ttlMs']);
        clearTimeout(this.timer);
        this.timer = null;
        if (this.closed || !servers || !(ttlMs > 0)) {
            this.servers = null;
            return;
        }
        this.servers = servers;
        this.expiresAt = Date.now() + ttlMs;
        this.schedule(Math.max(MIN_RENEW_DELAY_MS, ttlMs * RENEW_AT_SHARE));
        this.onChange(this.current());
    }

    schedule(delayMs) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.renew(), delayMs);
    }

    renew() {
        this.timer = null;
        if (this.closed) return;
        this.request('turn-credentials', {}).then((reply) => {
            if (this.closed) return;
            if (reply && reply['ok'] === true) {
                this.renewals += 1;
                this.accept(reply);
                return;
            }
            const code = reply && reply['error'] && reply['error']['code'];
            // The server stopped issuing them: nothing to renew. Otherwise (a timeout, the
            // connection lost: the next welcome brings new ones anyway) try again soon.
            if (code === 'TURN_NOT_CONFIGURED') this.servers = null;
            else this.schedule(RETRY_DELAY_MS);
        });
    }

    close() {
        this.closed = true;
        clearTimeout(this.timer);
        this.timer = null;
        this.servers = null;
    }
}

// [{urls, username, credential}] from the server's answer, or null when it has none usable.
function readServers(issued) {
    if (!issued || typeof issued !== 'object' || !Array.isArray(issued['iceServers'])) return null;
    const servers = [];
    for (const server of issued['iceServers']) {
        if (!server || typeof server !== 'object') continue;
        const urls = [].concat(server['urls'] || []).filter((url) => typeof url === 'string' && url);
        if (urls.length === 0) continue;
        const entry = { 'urls': urls };
        if (typeof server['username'] === 'string') entry['username'] = server['username'];
        if (typeof server['credential'] === 'string') entry['credential'] = server['credential'];
        servers.push(entry);
    }
    return servers.length > 0 ? servers : null;
}
