// Which ICE servers a new link gets (web/peers/ice-servers.js) and how the server's TURN
// credentials are renewed (web/signaling/server-ice-servers.js), without a browser.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { defaultIceServers, iceServersForLink, isDefaultIceServers, normalizeIceServers, turnUrlsOf } from '../../../web/peers/ice-servers.js';
import { ServerIceServers } from '../../../web/signaling/server-ice-servers.js';

const ISSUED = [{ urls: ['turn:turn.example:3478'], username: '1800000000:alice', credential: 'c2VjcmV0' }];

describe('iceServersForLink', () => {
    test('the default list gives way to the servers the signaling server issued', () => {
        expect(iceServersForLink(defaultIceServers(), ISSUED)).toEqual(ISSUED);
        expect(iceServersForLink(defaultIceServers(), null)).toEqual(defaultIceServers());
        expect(iceServersForLink(defaultIceServers(), [])).toEqual(defaultIceServers());
        // A copy of the default written out by the page is still the default.
        expect(iceServersForLink([{ url: 'stun:stun.l.google.com:19302' }], ISSUED)).toEqual(ISSUED);
    });

    test("a page's own list is used as it is, never extended", () => {
        expect(iceServersForLink([], ISSUED)).toEqual([]);
        const own = [{ urls: 'turn:mine.example', username: 'u', credential: 'p' }];
        expect(iceServersForLink(own, ISSUED)).toEqual(own);
        const pushed = defaultIceServers();
        pushed.push({ urls: 'turn:mine.example', username: 'u', credential: 'p' });
        expect(isDefaultIceServers(pushed)).toBe(false);
        expect(iceServersForLink(pushed, ISSUED)).toEqual(normalizeIceServers(pushed));
        // The default URL with credentials of the page's own is the page's choice too.
        expect(isDefaultIceServers([{ urls: 'stun:stun.l.google.com:19302', username: 'x' }])).toBe(false);
        expect(isDefaultIceServers(null)).toBe(false);
    });

    test('v1.x {url} entries are read as urls; TURN URLs are found among them', () => {
        expect(normalizeIceServers([{ url: 'turn:a.example', credential: 'p' }, null, {}])).toEqual([{ urls: 'turn:a.example', credential: 'p' }]);
        expect(turnUrlsOf([{ urls: ['stun:a', 'turn:b'] }, { urls: 'TURNS:c' }])).toEqual(['turn:b', 'TURNS:c']);
        expect(turnUrlsOf(defaultIceServers())).toEqual([]);
    });
});

describe('ServerIceServers', () => {
    let requests;
    let changes;
    let answer;
    let servers;

    beforeEach(() => {
        jest.useFakeTimers({ now: 1_000_000 });
        requests = [];
        changes = [];
        answer = () => ({ ok: true, iceServers: ISSUED, ttlMs: 8000 });
        servers = new ServerIceServers(
            (name, payload) => {
                requests.push({ name, payload, at: Date.now() });
                return Promise.resolve(answer());
            },
            (list) => changes.push(list),
        );
    });
    afterEach(() => {
        servers.close();
        jest.useRealTimers();
    });

    test('renews when a quarter of the life is left, and again after each renewal', async () => {
        servers.accept({ iceServers: ISSUED, ttlMs: 8000 });
        expect(servers.current()).toEqual(ISSUED);
        expect(changes).toHaveLength(1);
        await jest.advanceTimersByTimeAsync(5999);
        expect(requests).toHaveLength(0);
        await jest.advanceTimersByTimeAsync(1);
        expect(requests).toEqual([{ name: 'turn-credentials', payload: {}, at: 1_006_000 }]);
        expect(servers.renewals).toBe(1);
        expect(changes).toHaveLength(2);
        await jest.advanceTimersByTimeAsync(6000);
        expect(requests).toHaveLength(2);
    });

    test('a failed renewal is tried again soon; expired servers are not handed out', async () => {
        servers.accept({ iceServers: ISSUED, ttlMs: 4000 });
        answer = () => ({ ok: false, error: { code: 'TIMEOUT', message: 'no answer' } });
        await jest.advanceTimersByTimeAsync(3000);
        expect(requests).toHaveLength(1);
        await jest.advanceTimersByTimeAsync(1000);
        expect(servers.current()).toBeNull(); // expired at 4 s
        await jest.advanceTimersByTimeAsync(1000);
        expect(requests).toHaveLength(2); // 2 s after the failure
        answer = () => ({ ok: true, iceServers: ISSUED, ttlMs: 8000 });
        await jest.advanceTimersByTimeAsync(2000);
        expect(requests).toHaveLength(3);
        expect(servers.current()).toEqual(ISSUED);
    });

    test('nothing usable, or a server without TURN, leaves no servers and no timer', async () => {
        servers.accept(undefined);
        expect(servers.current()).toBeNull();
        servers.accept({ iceServers: [{ urls: [] }], ttlMs: 8000 });
        expect(servers.current()).toBeNull();
        servers.accept({ iceServers: ISSUED, ttlMs: 0 });
        expect(servers.current()).toBeNull();
        await jest.advanceTimersByTimeAsync(60000);
        expect(requests).toHaveLength(0);
        servers.accept({ iceServers: ISSUED, ttlMs: 2000 });
        answer = () => ({ ok: false, error: { code: 'TURN_NOT_CONFIGURED', message: 'none' } });
        await jest.advanceTimersByTimeAsync(60000);
        expect(requests).toHaveLength(1);
        expect(servers.current()).toBeNull();
    });

    test('close() stops renewing', async () => {
        servers.accept({ iceServers: ISSUED, ttlMs: 8000 });
        servers.close();
        await jest.advanceTimersByTimeAsync(60000);
        expect(requests).toHaveLength(0);
        expect(servers.current()).toBeNull();
    });
});
