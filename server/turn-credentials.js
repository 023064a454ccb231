// Short-lived TURN credentials in the "TURN REST API" scheme (draft-uberti-behave-turn-rest-00,
// section 2.2), which coturn checks with `use-auth-secret` + `static-auth-secret`:
//   username = "<expiry>:<user>"   expiry: Unix time in seconds after which it is refused
//   password = base64(HMAC-SHA1(key = shared secret, message = username))
// The TURN server needs no database: it recomputes the password from the username. Nothing is
// stored here either; a credential cannot be revoked, only left to expire (hence short-lived).

import { createHash, createHmac } from 'node:crypto';

// What a TURN username may carry of the userid as is: printable ASCII without spaces, short
// enough for STUN's USERNAME (at most 513 bytes, RFC 8489 section 14.3) with the expiry in
// front. Other userids (any Unicode, up to 128 characters) are replaced by a digest, so
// that the username is always plain ASCII that every TURN server and log handles.
const PLAIN_USER = /^[\x21-\x7e]{1,128}$/;

export function turnUserName(userid) {
    const text = String(userid);
    if (PLAIN_USER.test(text)) return text;
    return 'u-' + createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
}

// One credential: {username, credential, expiresAt (ms since the epoch)}. `nowMs` and
// `ttlMs` in milliseconds; the expiry in the username is in whole seconds, rounded down so
// that the credential never outlives ttlMs.
export function turnCredential({ secret, userid, ttlMs, nowMs = Date.now() }) {
    if (typeof secret !== 'string' || secret === '') throw new Error('a TURN secret is required');
    const expirySeconds = Math.floor((nowMs + ttlMs) / 1000);
    const username = `${expirySeconds}:${turnUserName(userid)}`;
    const credential = createHmac('sha1', secret).update(username, 'utf8').digest('base64');
    return { username, credential, expiresAt: expirySeconds * 1000 };
}

// The server's side of it: null when TURN is not configured (TURN_URLS / TURN_SECRET unset),
// else an object whose iceServersFor(userid) gives what a client puts in its RTCPeerConnection
// configuration: {iceServers: [{urls, username, credential}], ttlMs, expiresAt}. `ttlMs` is
// what is left of the credential's life when issued (the client refreshes before it ends).
export function createTurnIssuer(config, clock = Date.now) {
    if (!config.turnUrls || config.turnUrls.length === 0) return null;
    const urls = [...config.turnUrls];
    const secret = config.turnSecret;
    const ttlMs = config.turnCredentialTtlMs;
    return {
        urls,
        ttlMs,
        iceServersFor(userid) {
            const nowMs = clock();
            const { username, credential, expiresAt } = turnCredential({ secret, userid, ttlMs, nowMs });
            return {
                iceServers: [{ urls: [...urls], username, credential }],
                ttlMs: Math.max(0, expiresAt - nowMs),
                expiresAt,
            };
        },
    };
}

// TURN_URLS="turn:turn.example.com:3478?transport=udp, turn:turn.example.com:3478?transport=tcp"
// -> array of URLs. Only turn:, turns: and stun: URLs (RFC 7065, RFC 7064) are accepted.
export function parseTurnUrls(text) {
    const urls = String(text)
        .split(/[\s,]+/)
        .map((url) => url.trim())
        .filter(Boolean);
    for (const url of urls) {
        if (!/^(turns?|stuns?):[^\s]+$/i.test(url)) {
            throw new Error(`TURN_URLS entries must be turn:, turns: or stun: URLs, got "${url}"`);
        }
    }
    return urls;
}
