// Server configuration: defaults, and the environment variables that override them.
// Every option has the same name in createServer(options) (camelCase) and in the
// environment (UPPER_SNAKE_CASE); docs/server.md lists them all.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

export const DEFAULTS = Object.freeze({
    port: 9001,
    host: '127.0.0.1',
    redisUrl: null,
    // Largest accepted request, in bytes of its JSON form (binary attachments count
    // their length). Bigger ones get MESSAGE_TOO_LARGE.
    maxMessageBytes: 65536,
    // Token bucket per socket: `rateLimit` messages per second on average, up to
    // `rateLimitBurst` at once. Signaling is bursty (ICE candidates), hence the burst.
    rateLimit: 100,
    rateLimitBurst: 200,
    maxRoomsPerSocket: 32,
    staticRoots: DEFAULT_STATIC_ROOTS,
    logLevel: 'info',
    // Wrong-password slowdown: the n-th consecutive wrong password of a socket is
    // answered after min(base * 2^(n-1), max) milliseconds.
    passwordDelayBaseMs: 250,
    passwordDelayMaxMs: 8000,
    // Coalescing window for `room-list` pushes to subscribers, in milliseconds.
    roomListDebounceMs: 100,
    // Upper bound on seed-protocol channel namespaces alive at once (see seed-channels.js).
    maxSeedChannels: 10000,
    // Redis userid claims expire after this many ms unless refreshed (every third of it)
    // by the node holding the socket: a crashed node's users are free again after that.
    claimTtlMs: 30000,
    // Key prefix for everything this server stores in Redis.
    redisPrefix: 'rtcmc:',
});

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
    if (env.CLAIM_TTL_MS) config.claimTtlMs = integer('CLAIM_TTL_MS', env.CLAIM_TTL_MS, 300, 3600000);
    if (env.REDIS_PREFIX) config.redisPrefix = env.REDIS_PREFIX;
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
    // Engine-level cap: socket.io drops the connection above it, so keep it well above
    // maxMessageBytes and let our own check answer MESSAGE_TOO_LARGE in between.
    config.transportMaxBytes = Math.max(1e6, config.maxMessageBytes * 4);
    return Object.freeze(config);
}
