// Room passwords are stored as salted scrypt hashes (RFC 7914) and compared in constant
// time. The plain password never leaves the request handler: not in the store, not in a
// view, not in a log.

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_BYTES = 32;
const SALT_BYTES = 16;
// node:crypto's defaults (N=2^14, r=8, p=1): about 16 MiB and a few tens of ms per hash,
// off the event loop (libuv thread pool).
const COST = { N: 16384, r: 8, p: 1 };

function derive(password, salt, cost) {
    return new Promise((resolve, reject) => {
        scrypt(password, salt, KEY_BYTES, { ...cost, maxmem: 64 * 1024 * 1024 }, (err, key) =>
            err ? reject(err) : resolve(key),
        );
    });
}

// -> {salt, hash, N, r, p}: plain strings and numbers, so it survives JSON (Redis store).
export async function hashPassword(password) {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, COST);
    return { salt: salt.toString('base64'), hash: key.toString('base64'), ...COST };
}

export async function verifyPassword(password, record) {
    if (typeof password !== 'string') return false;
    const expected = Buffer.from(record.hash, 'base64');
    const key = await derive(password, Buffer.from(record.salt, 'base64'), {
        N: record.N,
        r: record.r,
        p: record.p,
    });
    return key.length === expected.length && timingSafeEqual(key, expected);
}
