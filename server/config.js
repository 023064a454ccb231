// Server configuration: defaults, and the environment variables that override them.
// Every option has the same name in createServer(options) (camelCase) and in the
// environment (UPPER_SNAKE_CASE); docs/server.md lists them all.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTurnUrls } from './turn-credentials.js';
import { SFU_BITRATE_MAX, SFU_BITRATE_MIN } from './validate.js';

// The repository root: static roots given as relative folders are resolved against it,
// so `npm start` works from any working directory.
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// URL prefix -> folder. Longest prefix wins. Add a row to serve another folder
// (e.g. ['/build-wasm/', 'build-wasm'] once the wasm build lands there).
export const DEFAULT_STATIC_ROOTS = [
    ['/dist/', 'dist'],
    ['/web/', 'web'],
    ['/', 'demos'],
];

// Every operator-tunable limit lives here, with its default and the reason for it. The
// protocol's own bounds (id lengths, extra size, nesting) are in limits.js.
export const DEFAULTS = Object.freeze({
    port: 9001,
    host: '127.0.0.1',
    redisUrl: null,
    // Largest accepted request, in bytes of its JSON form (binary attachments count
    // their length). Bigger ones get MESSAGE_TOO_LARGE.
    maxMessageBytes: 65536,
    // Largest answer or event the server builds for one client: a room-list page is cut
    // there, and a room whose view (members with their extras) would grow past it takes no
    // more members. A 17-byte request must not buy a multi-megabyte answer.
    maxAnswerBytes: 1024 * 1024,
    // Rooms per list-rooms / subscribe-rooms / room-list page (at most; fewer when their
    // views are large, see maxAnswerBytes).
    roomListPageSize: 100,
    // A connection whose data waiting to be sent (engine.io buffer + socket buffer) passes
    // this is closed: a client that stops reading must not make the server hold its data.
    maxUnsentBytes: 4 * 1024 * 1024,
    // Token bucket per socket: `rateLimit` messages per second on average, up to
    // `rateLimitBurst` at once. Signaling is bursty (ICE candidates), hence the burst.
    // Every event counts, known or not.
    rateLimit: 100,
    rateLimitBurst: 200,
    // Bytes of requests one socket may have waiting behind a slow one (a password check,
    // a Redis round trip); past it RATE_LIMITED.
    maxQueuedBytes: 1024 * 1024,
    maxRoomsPerSocket: 32,
    // Wrong passwords per minute, per client address and per room (token buckets that
    // refill continuously); past them a join with a password is refused (RATE_LIMITED).
    passwordAttemptsPerAddress: 10,
    passwordAttemptsPerRoom: 30,
    // scrypt runs in libuv's thread pool (4 threads), which static files and DNS share:
    // at most this many hashes at once, at most maxQueuedHashes waiting (then SERVER_BUSY).
    maxConcurrentHashes: 1,
    maxQueuedHashes: 32,
    // Connections from one client address at once (TCP for direct clients; socket.io
    // connections per X-Forwarded-For address behind a trusted proxy). Several tabs and
    // the demos' pages stay far below it.
    maxConnectionsPerAddress: 100,
    // Seed-protocol channels (namespaces) one connection may join.
    maxChannelsPerConnection: 32,
    // Upper bound on seed-protocol channel namespaces alive at once (see seed-channels.js).
    maxSeedChannels: 10000,
    // HTTP: a request must send its headers within headersTimeoutMs and be complete within
    // requestTimeoutMs (slowloris); at most maxConnections TCP connections at once.
    headersTimeoutMs: 10000,
    requestTimeoutMs: 30000,
    maxConnections: 10000,
    // Proxies whose X-Forwarded-For is believed (comma-separated addresses). Empty: the
    // TCP peer is the client.
    trustProxy: '',
    // Refused requests are logged at most once per second per connection, and at most this
    // many lines per second in all: a flood must not become a flood of log lines.
    logRefusalsPerSecond: 20,
    staticRoots: DEFAULT_STATIC_ROOTS,
    logLevel: 'info',
    // Wrong-password slowdown: the n-th consecutive wrong password of a socket is
    // answered after min(base * 2^(n-1), max) milliseconds.
    passwordDelayBaseMs: 250,
    passwordDelayMaxMs: 8000,
    // Coalescing window for `room-list` pushes to subscribers, in milliseconds.
    roomListDebounceMs: 100,
    // Redis only. A Redis command not answered within redisTimeoutMs fails; the request
    // that needed it gets STORE_UNAVAILABLE (and /healthz says degraded).
    redisTimeoutMs: 2000,
    // Redis only. Each node writes a heartbeat key with this TTL (refreshed every fifth of
    // it); a node whose heartbeat expired is dead: its userid claims are void and its
    // members are removed from their rooms.
    nodeTtlMs: 5000,
    // Key prefix for everything this server stores in Redis.
    redisPrefix: 'rtcmc:',
    // TURN (turn-credentials.js): the URLs clients get with short-lived credentials made from
    // the secret shared with the TURN server (coturn: use-auth-secret, static-auth-secret).
    // No URLs: no TURN, clients use their own iceServers (the default).
    turnUrls: [],
    turnSecret: null,
    // Life of one credential. Clients ask for a new one before it ends (a quarter of it
    // before), so a call can last any time; a leaked one is good for at most this long.
    turnCredentialTtlMs: 3600000,
    // SFU (docs/sfu-broker.md). These take the RTCMC_ prefix in the environment
    // (RTCMC_JANUS_URL, RTCMC_SFU_FRAME_RATE, ...).
    // Janus's WebSocket transport (ws://127.0.0.1:8188). Unset: no SFU, and open-room's
    // `sfu: true` makes a mesh room.
    janusUrl: null,
    // The videoroom plugin's admin_key, when Janus requires one to create rooms.
    janusAdminKey: null,
    // A room's video bitrate cap (bits per second) when open-room gives no sfuBitrate.
    sfuDefaultBitrate: 1000000,
    // Janus's publisher limit per room: the room's participants, but never more than this.
    sfuMaxPublishers: 100,
    // Largest Janus frame a client may send, in bytes of its text: the core's kMaxFrameBytes
    // (src/sfu/limits.def). An answer to a subscription of many feeds is the big one.
    sfuMaxFrameBytes: 262144,
    // Token bucket per socket for `sfu` frames (besides the per-socket rateLimit): an ICE
    // gathering trickles a few dozen candidates at once, hence the burst.
    sfuFrameRate: 50,
    sfuFrameBurst: 200,
    // Janus WebSockets one client may hold at once: one per SFU room it is active in.
    sfuMaxJanusSockets: 4,
    // Janus sessions per client WebSocket, and handles per session (a page uses one session
    // with a publisher handle and one subscriber handle; the rest is room for a retry).
    sfuMaxSessions: 2,
    sfuMaxHandles: 4,
    // Frames of one client waiting for its Janus WebSocket to open or for the room to be
    // created on Janus; past it refused (their bytes also count against maxQueuedBytes).
    sfuMaxQueuedFrames: 32,
    // Deadline of the admin connection's requests and of opening a Janus WebSocket.
    janusTimeoutMs: 5000,
    // The admin connection retries after 100 ms, doubling up to this.
    janusRetryMaxMs: 5000,
    // Admin session keepalive period, well within Janus's session_timeout (60 s by default).
    janusKeepaliveMs: 25000,
});

// SFU settings read as integers: [option, min, max]. Environment: RTCMC_ + the option in
// UPPER_SNAKE_CASE (sfuFrameRate -> RTCMC_SFU_FRAME_RATE).
const SFU_INTEGER_SETTINGS = [
    ['sfuDefaultBitrate', SFU_BITRATE_MIN, SFU_BITRATE_MAX],
    ['sfuMaxPublishers', 1, 1000],
    ['sfuMaxFrameBytes', 4096, 4 * 1024 * 1024],
    ['sfuFrameRate', 1, 10000],
    ['sfuFrameBurst', 1, 100000],
    ['sfuMaxJanusSockets', 1, 1000],
    ['sfuMaxSessions', 1, 64],
    ['sfuMaxHandles', 1, 64],
    ['sfuMaxQueuedFrames', 1, 10000],
    ['janusTimeoutMs', 100, 600000],
    ['janusRetryMaxMs', 100, 3600000],
    ['janusKeepaliveMs', 1000, 55000],
];

export const sfuVariable = (option) => 'RTCMC_' + option.replace(/[A-Z]/g, (letter) => '_' + letter).toUpperCase();

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];

function integer(name, text, min, max) {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
        throw new Error(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
    }
    return value;
}

// STATIC="/=demos;/dist/=dist;/web/=web;/build-wasm/=build-wasm"
export function parseStaticRoots(text) {
    const rows = text
        .split(';')
        .map((row) => row.trim())
        .filter(Boolean)
        .map((row) => {
            const at = row.indexOf('=');
            if (at <= 0 || at === row.length - 1) {
                throw new Error(`STATIC entries look like /prefix/=folder, got "${row}"`);
            }
            let prefix = row.slice(0, at).trim();
            if (!prefix.startsWith('/')) prefix = '/' + prefix;
            if (!prefix.endsWith('/')) prefix += '/';
            return [prefix, row.slice(at + 1).trim()];
        });
    if (rows.length === 0) throw new Error('STATIC names no folder');
    return rows;
}

// Limits read as plain integers: [variable, option, min, max].
const INTEGER_VARIABLES = [
    ['MAX_ANSWER_BYTES', 'maxAnswerBytes', 16 * 1024, 1 << 28],
    ['ROOM_LIST_PAGE_SIZE', 'roomListPageSize', 1, 10000],
    ['MAX_UNSENT_BYTES', 'maxUnsentBytes', 64 * 1024, 1 << 30],
    ['MAX_QUEUED_BYTES', 'maxQueuedBytes', 1024, 1 << 30],
    ['PASSWORD_ATTEMPTS_PER_ADDRESS', 'passwordAttemptsPerAddress', 1, 1e6],
    ['PASSWORD_ATTEMPTS_PER_ROOM', 'passwordAttemptsPerRoom', 1, 1e6],
    ['MAX_CONCURRENT_HASHES', 'maxConcurrentHashes', 1, 64],
    ['MAX_QUEUED_HASHES', 'maxQueuedHashes', 0, 1e5],
    ['MAX_CONNECTIONS_PER_ADDRESS', 'maxConnectionsPerAddress', 1, 1e6],
    ['MAX_CHANNELS_PER_CONNECTION', 'maxChannelsPerConnection', 1, 1e4],
    ['MAX_SEED_CHANNELS', 'maxSeedChannels', 1, 1e7],
    ['HEADERS_TIMEOUT_MS', 'headersTimeoutMs', 100, 3600000],
    ['REQUEST_TIMEOUT_MS', 'requestTimeoutMs', 100, 3600000],
    ['MAX_CONNECTIONS', 'maxConnections', 1, 1e7],
    ['LOG_REFUSALS_PER_SECOND', 'logRefusalsPerSecond', 0, 1e6],
    ['REDIS_TIMEOUT_MS', 'redisTimeoutMs', 50, 600000],
    ['NODE_TTL_MS', 'nodeTtlMs', 500, 3600000],
    ['TURN_CREDENTIAL_TTL_MS', 'turnCredentialTtlMs', 2000, 7 * 24 * 3600000],
];

// Reads the documented environment variables; anything absent keeps its default.
export function configFromEnv(env = process.env) {
    const config = {};
    if (env.PORT !== undefined && env.PORT !== '') config.port = integer('PORT', env.PORT, 0, 65535);
    if (env.HOST) config.host = env.HOST;
    if (env.REDIS_URL) config.redisUrl = env.REDIS_URL;
    if (env.MAX_MESSAGE_BYTES) {
        config.maxMessageBytes = integer('MAX_MESSAGE_BYTES', env.MAX_MESSAGE_BYTES, 1024, 1 << 26);
    }
    if (env.RATE_LIMIT) config.rateLimit = integer('RATE_LIMIT', env.RATE_LIMIT, 1, 1e6);
    if (env.RATE_LIMIT_BURST) {
        config.rateLimitBurst = integer('RATE_LIMIT_BURST', env.RATE_LIMIT_BURST, 1, 1e7);
    } else if (config.rateLimit) {
        config.rateLimitBurst = config.rateLimit * 2;
    }
    if (env.MAX_ROOMS_PER_SOCKET) {
        config.maxRoomsPerSocket = integer('MAX_ROOMS_PER_SOCKET', env.MAX_ROOMS_PER_SOCKET, 1, 1e5);
    }
    if (env.STATIC) config.staticRoots = parseStaticRoots(env.STATIC);
    if (env.LOG_LEVEL) config.logLevel = env.LOG_LEVEL;
    if (env.REDIS_PREFIX) config.redisPrefix = env.REDIS_PREFIX;
    if (env.TRUST_PROXY !== undefined) config.trustProxy = env.TRUST_PROXY;
    if (env.TURN_URLS) config.turnUrls = parseTurnUrls(env.TURN_URLS);
    if (env.TURN_SECRET) config.turnSecret = env.TURN_SECRET;
    for (const [variable, option, min, max] of INTEGER_VARIABLES) {
        if (env[variable]) config[option] = integer(variable, env[variable], min, max);
    }
    if (env.RTCMC_JANUS_URL) config.janusUrl = env.RTCMC_JANUS_URL;
    if (env.RTCMC_JANUS_ADMIN_KEY) config.janusAdminKey = env.RTCMC_JANUS_ADMIN_KEY;
    for (const [option, min, max] of SFU_INTEGER_SETTINGS) {
        const variable = sfuVariable(option);
        if (env[variable]) config[option] = integer(variable, env[variable], min, max);
    }
    return config;
}

// Defaults + explicit options, checked once so that a typo fails at start-up, not later.
export function resolveConfig(options = {}) {
    const config = { ...DEFAULTS };
    for (const [key, value] of Object.entries(options)) {
        if (value !== undefined) config[key] = value;
    }
    if (!LOG_LEVELS.includes(config.logLevel)) {
        throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${config.logLevel}"`);
    }
    if (options.rateLimit !== undefined && options.rateLimitBurst === undefined) {
        config.rateLimitBurst = Math.max(1, config.rateLimit * 2);
    }
    if (config.requestTimeoutMs < config.headersTimeoutMs) {
        throw new Error('REQUEST_TIMEOUT_MS must be at least HEADERS_TIMEOUT_MS');
    }
    config.trustedProxies = parseTrustedProxies(config.trustProxy);
    checkTurn(config);
    checkSfu(config);
    // Engine-level cap: socket.io drops the connection above it, so keep it well above
    // maxMessageBytes (and above an `sfu` frame's limit, sfuEventMaxBytes) and let our own
    // checks answer in between.
    config.transportMaxBytes = Math.max(1e6, config.maxMessageBytes * 4, config.janusUrl ? config.sfuEventMaxBytes + 4096 : 0);
    return Object.freeze(config);
}

// TURN is all or nothing: URLs without the secret (or the reverse) is a mistake to report
// at start-up, not a server that silently hands out no credentials.
function checkTurn(config) {
    const urls = config.turnUrls;
    if (typeof urls === 'string') config.turnUrls = parseTurnUrls(urls);
    else if (!Array.isArray(urls)) throw new Error('turnUrls must be an array of turn:/turns:/stun: URLs');
    else config.turnUrls = parseTurnUrls(urls.join(' '));
    const hasSecret = typeof config.turnSecret === 'string' && config.turnSecret !== '';
    if (config.turnUrls.length > 0 && !hasSecret) throw new Error('TURN_URLS is set but TURN_SECRET is not');
    if (config.turnUrls.length === 0 && hasSecret) throw new Error('TURN_SECRET is set but TURN_URLS is not');
    const ttl = config.turnCredentialTtlMs;
    if (!Number.isInteger(ttl) || ttl < 2000 || ttl > 7 * 24 * 3600000) {
        throw new Error(`TURN_CREDENTIAL_TTL_MS must be an integer from 2000 to ${7 * 24 * 3600000}, got "${ttl}"`);
    }
}

// Janus: a ws:// or wss:// URL or nothing; integer settings within their bounds (options
// given to createServer are checked as the environment's are).
function checkSfu(config) {
    if (config.janusUrl === '') config.janusUrl = null;
    if (config.janusUrl !== null) {
        let url = null;
        try {
            url = new URL(config.janusUrl);
        } catch {
            // reported below
        }
        if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
            throw new Error(`RTCMC_JANUS_URL must be a ws:// or wss:// URL, got "${config.janusUrl}"`);
        }
    }
    if (config.janusAdminKey === '') config.janusAdminKey = null;
    for (const [option, min, max] of SFU_INTEGER_SETTINGS) {
        const value = config[option];
        if (!Number.isInteger(value) || value < min || value > max) {
            throw new Error(`${sfuVariable(option)} must be an integer from ${min} to ${max}, got "${value}"`);
        }
    }
    // The request guard's size limit for one `sfu` event: the frame text (sfuMaxFrameBytes,
    // checked exactly by the broker) once more escaped inside the event's JSON, plus roomid.
    config.sfuEventMaxBytes = config.sfuMaxFrameBytes * 2 + 1024;
}

// TRUST_PROXY="127.0.0.1, 10.0.0.5" -> Set of addresses (IPv4-mapped IPv6 forms included).
export function parseTrustedProxies(text) {
    const addresses = new Set();
    for (const entry of String(text ?? '').split(',')) {
        const address = entry.trim();
        if (!address) continue;
        addresses.add(address);
        if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) addresses.add(`::ffff:${address}`);
    }
    return addresses;
}
