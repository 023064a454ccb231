// The script-tag bundle (dist/RTCMultiConnection.js, scripts/build-web.sh): one <script>
// defines the seed's globals, and `new RTCMultiConnection()` works synchronously, before
// the wasm core is ready, without losing the calls made meanwhile. The ES module build
// (dist/rtcmulticonnection.mjs) exports the same constructor.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';

const e2e = setupE2E({ needsBundle: true });

test('one script tag defines the globals; a connection is usable at once', async () => {
    const room = e2e.uniqueId('bundle');
    const requests = [];
    const alice = await e2e.openUser('alice', 'harness'); // a blank page of our origin first
    alice.page.on('request', (request) => requests.push(request.url()));
    await alice.page.goto(`${e2e.origin}/e2e/bundle.html?room=${room}`);

    const [globals] = await alice.page.evaluate(() => window.events('globals'));
    expect(globals.RTCMultiConnection).toBe('function');
    // The v1.2 values: the direction strings normalised as v1.2 did ('one-to-many' -> 'onetomany').
    expect(globals.RTCDirection).toEqual({
        OneToOne: 'onetoone',
        OneToMany: 'onetomany',
        ManyToMany: 'manytomany',
        OneWay: 'oneway',
    });
    // The v1.2 values (000_716fd9e7e4bf0975.txt, "Set session"): the spelling with the
    // separators and the words "only"/"and" removed.
    expect(globals.RTCSession).toMatchObject({
        AudioVideoData: 'audiovideodata',
        AudioVideo: 'audiovideo',
        AudioData: 'audiodata',
        VideoData: 'videodata',
        Audio: 'audio',
        Video: 'video',
        Data: 'data',
        ScreenData: 'screendata',
        Screen: 'screen',
    });
    // The constructor and open() ran in the script's own task, before the wasm was ready.
    expect(await alice.page.evaluate(() => window.events('constructor-threw'))).toEqual([]);
    expect(await alice.page.evaluate(() => window.events('constructed'))).toHaveLength(1);

    // The queued open() was carried out once the core was ready: the room exists.
    const record = await e2e.waitForRoom(room);
    expect(record.members).toHaveLength(1);
    expect(await alice.page.evaluate(() => window.events('onerror'))).toEqual([]);

    // One file: the wasm is inside the bundle, nothing else is fetched for it.
    expect(requests.filter((url) => url.endsWith('.wasm'))).toEqual([]);
    expect(requests.filter((url) => url.includes('/dist/'))).toEqual([`${e2e.origin}/dist/RTCMultiConnection.js`]);
});

test('the ES module build exports RTCMultiConnection', async () => {
    const alice = await e2e.openUser('alice', 'harness');
    const exported = await alice.page.evaluate(async () => {
        const module = await import('/dist/rtcmulticonnection.mjs');
        const RTCMultiConnection = module.RTCMultiConnection || module.default;
        const connection = new RTCMultiConnection();
        connection.iceServers = [];
        return { type: typeof RTCMultiConnection, hasOpen: typeof connection.open };
    });
    expect(exported.type).toBe('function');
    expect(exported.hasOpen).toBe('function');
});
