// Issue 14, item 7: ids that are not well-formed Unicode (a lone UTF-16 surrogate) are
// refused everywhere. Redis keys are UTF-8, and a lone surrogate has no UTF-8 form: node-redis
// writes U+FFFD instead, so "a\uD800" and "a\uD801" would be one key and one room. Passwords
// are refused too (scrypt hashes their UTF-8 bytes: the same collision).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closeAllSockets, connect, connectUser, once, request } from './support/helpers.js';
import { spawnServerNode, startRedis } from './support/processes.js';

let redis;
let nodeA;
let nodeB;

beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: `unicode${process.pid}:` };
    [nodeA, nodeB] = await Promise.all([spawnServerNode(env), spawnServerNode(env)]);
});
afterAll(async () => {
    closeAllSockets();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await redis?.stop();
});

const WELL_FORMED = 'must be well-formed Unicode (no lone surrogate)';

describe('ids must be well-formed Unicode', () => {
    test('two rooms that differ by a lone surrogate cannot be opened, on either node', async () => {
        const alice = (await connectUser(nodeA.url, { userid: 'u-alice' })).socket;
        const bob = (await connectUser(nodeB.url, { userid: 'u-bob' })).socket;
        const first = await request(alice, 'open-room', { roomid: 'twin-\uD800' });
        const second = await request(bob, 'open-room', { roomid: 'twin-\uD801' });
        expect(first.error).toEqual({ code: 'INVALID_PAYLOAD', message: `roomid ${WELL_FORMED}` });
        expect(second.error).toEqual({ code: 'INVALID_PAYLOAD', message: `roomid ${WELL_FORMED}` });
        // A well-formed pair (an emoji) is an ordinary id.
        expect((await request(alice, 'open-room', { roomid: 'twin-\uD83D\uDE00' })).ok).toBe(true);
        expect((await request(bob, 'join-room', { roomid: 'twin-\uD83D\uDE00' })).ok).toBe(true);
    });

    test('userids at connect, relay addressees, eject targets and passwords are checked too', async () => {
        const lone = connect(nodeA.url, { userid: 'ghost-\uDC00' });
        const error = await once(lone, 'connect_error');
        expect(error.data).toEqual({ code: 'INVALID_PAYLOAD', message: `auth.userid ${WELL_FORMED}` });
        const owner = (await connectUser(nodeA.url, { userid: 'u-owner' })).socket;
        await request(owner, 'open-room', { roomid: 'u-room' });
        expect((await request(owner, 'relay', { roomid: 'u-room', to: 'x\uD800', data: 1 })).error.message).toBe(`to ${WELL_FORMED}`);
        expect((await request(owner, 'eject', { roomid: 'u-room', userid: 'x\uDBFF' })).error.message).toBe(`userid ${WELL_FORMED}`);
        expect((await request(owner, 'open-room', { roomid: 'u-pw', password: 'p\uD800' })).error.message).toBe(`password ${WELL_FORMED}`);
        expect((await request(owner, 'open-room', { roomid: 'u-ch', channel: 'c\uDFFF' })).error.message).toBe(`channel ${WELL_FORMED}`);
        // Well-formed ids that differ are different users, across nodes.
        await connectUser(nodeA.url, { userid: 'same-\uD83D\uDE00' });
        const other = connect(nodeB.url, { userid: 'same-\uD83D\uDE01' });
        expect((await once(other, 'welcome')).userid).toBe('same-\uD83D\uDE01');
    });
});
