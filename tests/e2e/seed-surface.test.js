// Every name the seed documents show (tests/seeds/seed-names.mjs reads them from the texts)
// resolves to a value, never undefined, on what a page has: a fresh connection, the globals of
// the script tag, the local onstream event, and an entry of DetectRTC.MediaDevices. The names of
// other callback arguments (packets, file, blob, error, session, config) are checked by the seed
// pages that receive them (seed-v12, seed-v18, manual-sessions, seed-signaling).
import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';
import { connectionPath, seedNames } from '../seeds/seed-names.mjs';

const e2e = setupE2E({ needsBundle: true });

const names = seedNames().map((entry) => entry.name);
const under = (root) => names.filter((name) => name.startsWith(`${root}.`) && !name.includes('({'));

test('every seed name resolves on a fresh connection, the globals, a local stream and a device', async () => {
    const user = await e2e.openUser('user', 'seed/surface');
    const lookups = {
        connection: under('connection').map((name) => ({ name, path: connectionPath(name) })),
        globals: [...under('RTCDirection'), ...under('RTCSession')].map((name) => ({ name, path: name.split('.') })),
        stream: under('stream').map((name) => ({ name, path: name.split('.').slice(1) })),
        device: under('device').map((name) => ({ name, path: name.split('.').slice(1) })),
    };
    // open({...}) options are read by open(): its pages (seed-v12, seed-v18) check them.
    expect(names.filter((name) => name.includes('({')).every((name) => name.startsWith('connection.open({'))).toBe(true);

    const missing = await user.page.evaluate(async (lookups) => {
        const resolve = (root, path) => path.reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), root);
        const unresolved = [];
        const check = (root, list) => {
            for (const { name, path } of list) if (resolve(root, path) === undefined) unresolved.push(name);
        };
        check(new RTCMultiConnection(), lookups.connection);
        check(window, lookups.globals);

        const connection = new RTCMultiConnection();
        connection.iceServers = [];
        const local = await new Promise((resolve) => {
            connection.onstream = resolve;
            connection.open(`surface-${Math.random().toString(36).slice(2)}`);
        });
        check(local, lookups.stream);
        await connection.DetectRTC.load();
        check(connection.DetectRTC.MediaDevices[0], lookups.device);
        connection.leave();
        return unresolved;
    }, lookups);
    expect(missing).toEqual([]);
    // The lookups covered what the seeds show (a name list that shrank would pass quietly).
    expect(lookups.connection.length).toBeGreaterThan(50);
    expect(lookups.globals).toHaveLength(13);
    expect(lookups.stream.length).toBeGreaterThan(8);
    expect(user.errors).toEqual([]);
});

test("v1.3-v1.5 spellings: session.oneway makes the local stream one-way, and a top-level OfferToReceiveAudio asks for audio", async () => {
    const user = await e2e.openUser('user', 'seed/surface');
    const seen = await user.page.evaluate(async () => {
        const room = `spellings-${Math.random().toString(36).slice(2)}`;
        const presenter = new RTCMultiConnection();
        presenter.iceServers = [];
        presenter.session = { video: true, oneway: true };
        const local = await new Promise((resolve) => {
            presenter.onstream = resolve;
            presenter.open(`${room}-oneway`);
        });

        const owner = new RTCMultiConnection();
        owner.iceServers = [];
        owner.session = 'only data';
        owner.open(room);
        const guest = new RTCMultiConnection();
        guest.iceServers = [];
        guest.session = 'only data';
        guest.sdpConstraints = { OfferToReceiveAudio: true, OfferToReceiveVideo: false };
        await new Promise((resolve) => {
            guest.onopen = resolve;
            setTimeout(() => guest.connect(room), 500);
        });
        const offers = window.peerConnections.map((pc) => (pc.localDescription ? pc.localDescription.sdp : ''));
        const kinds = (sdp) => [...sdp.matchAll(/^m=(\w+)/gm)].map((match) => match[1]).sort();
        for (const connection of [presenter, owner, guest]) connection.leave();
        return { direction: local.direction, isOneWay: local.direction === RTCDirection.OneWay, sections: offers.map(kinds) };
    });
    expect(seen.direction).toBe('oneway');
    expect(seen.isOneWay).toBe(true);
    // Both sides of the one link: audio asked for (and answered), video not.
    expect(seen.sections).toEqual([
        ['application', 'audio'],
        ['application', 'audio'],
    ]);
    expect(user.errors).toEqual([]);
});
