// web/data/data-plane-driver.js with the real wasm core and a fake runtime and fake channels
// (a unit test of one module; tests/js/web/transfers.test.js runs the whole facade on a fake
// browser, tests/e2e/data-early-broadcast.test.js real pages). The decisions are the core's
// (tests/core/dataplane_broadcast_test.cpp); these check that the driver reports every event
// they need, in the order the browser gives them.
// Issue 13, defect 1: a connection.send() made before any channel was open went to the first
// channel that opened and to nobody else. Defect 12: the room snapshot was serialized and
// parsed for every message received, instead of once per change of the room.
import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { loadCore, provideEmbeddedWasm } from '../../../web/loader.js';
// The bundle's embedded core (jest.config.js maps the name to the Node build); the bundles'
// entry modules hand it over the same way (web/index.js).
import embeddedWasm from 'rtcmc-core-wasm';
import { DataPlaneDriver } from '../../../web/data/data-plane-driver.js';

let core;
const drivers = [];

beforeAll(async () => {
    provideEmbeddedWasm(embeddedWasm);
    core = await loadCore();
});

afterEach(() => {
    for (const driver of drivers.splice(0)) driver.release();
    expect(core.DataPlane.liveInstances()).toBe(0);
});

class FakeChannel {
    constructor() {
        this.readyState = 'connecting';
        this.bufferedAmount = 0;
        this.bufferedAmountLowThreshold = 0;
        this.sent = [];
    }
    send(frame) {
        if (this.readyState !== 'open') throw new DOMException('not open', 'InvalidStateError');
        this.sent.push(typeof frame === 'string' ? JSON.parse(frame).m : frame.slice());
    }
    open() {
        this.readyState = 'open';
        this.onopen();
    }
}

function makeDriver() {
    const runtime = {
        core,
        connection: { channels: {}, userid: 'me', send: () => {} },
        engine: null,
        told: [],
        delivered: [],
        errors: [],
        tell: (kind, fields) => runtime.told.push([kind, fields.peer]),
        deliverMessage: (value, userid, extra) => runtime.delivered.push({ value, userid, extra }),
        fireError: (error) => runtime.errors.push(error),
    };
    const driver = new DataPlaneDriver(runtime);
    drivers.push(driver);
    return { driver, runtime };
}

// The engine links the peers (CreatePeer with data), then the peer driver makes their channels.
function linkAll(driver, userids) {
    const channels = {};
    for (const userid of userids) driver.link(userid);
    for (const userid of userids) {
        channels[userid] = new FakeChannel();
        driver.attach(userid, channels[userid]);
    }
    return channels;
}

describe('connection.send() to everyone', () => {
    test('sent before any channel opened, it reaches every member once, ahead of later messages', () => {
        const { driver, runtime } = makeDriver();
        driver.send('early'); // right after join(): no member known yet
        const channels = linkAll(driver, ['ann', 'ben', 'cid']);
        driver.send('second'); // members known, no channel open yet
        channels.ben.open();
        channels.cid.open();
        driver.send('third');
        channels.ann.open();
        for (const userid of ['ann', 'ben', 'cid']) expect(channels[userid].sent).toEqual(['early', 'second', 'third']);
        expect(runtime.told).toEqual([
            ['DataChannelOpened', 'ben'],
            ['DataChannelOpened', 'cid'],
            ['DataChannelOpened', 'ann'],
        ]);
        expect(runtime.errors).toEqual([]);
    });

    test('a member whose channel is late still gets what was sent while others were open', () => {
        const { driver } = makeDriver();
        const { ann, ben } = linkAll(driver, ['ann', 'ben']);
        ann.open();
        driver.send('while ben connects');
        driver.send('for ben only', 'ben');
        ben.open();
        expect(ann.sent).toEqual(['while ben connects']);
        expect(ben.sent).toEqual(['while ben connects', 'for ben only']);
    });

    test('a member linked before its channel exists counts for what is sent meanwhile', () => {
        const { driver } = makeDriver();
        driver.link('ann'); // the answering side: its channel comes with the offer
        driver.send('before the channel');
        const ann = new FakeChannel();
        driver.attach('ann', ann);
        ann.open();
        expect(ann.sent).toEqual(['before the channel']);
    });

    test('a member who left before its channel opened is not waited for', () => {
        const { driver } = makeDriver();
        linkAll(driver, ['ann']);
        driver.send('hello');
        expect(driver.jobs.size).toBe(1);
        driver.detach('ann');
        expect(driver.jobs.size).toBe(0); // the core released the message
        expect(driver.plane.outgoingCount()).toBe(0);
    });
});

describe('received messages carry the sender extra', () => {
    test('the room is read once per change of the room, not per message', () => {
        const { driver, runtime } = makeDriver();
        const { ann } = linkAll(driver, ['ann']);
        ann.open();
        let reads = 0;
        const plane = driver.plane;
        let extra = '{"name":"Ann"}';
        plane.extraOf = () => {
            reads++;
            return extra;
        };
        for (let i = 0; i < 100; i++) ann.onmessage({ data: JSON.stringify({ m: i }) });
        expect(runtime.delivered).toHaveLength(100);
        expect(runtime.delivered[99]).toEqual({ value: 99, userid: 'ann', extra: { name: 'Ann' } });
        expect(reads).toBe(1);
        // The engine handled something (web/runtime.js tell/call): the next message reads again.
        extra = '{"name":"Ann B."}';
        driver.roomChanged();
        ann.onmessage({ data: JSON.stringify({ m: 'after' }) });
        ann.onmessage({ data: JSON.stringify({ m: 'again' }) });
        expect(reads).toBe(2);
        expect(runtime.delivered.at(-1).extra).toEqual({ name: 'Ann B.' });
        delete plane.extraOf;
    });

    test('a message that is not ours is an error naming the sender, and nothing is delivered', () => {
        const { driver, runtime } = makeDriver();
        const { ann } = linkAll(driver, ['ann']);
        ann.open();
        ann.onmessage({ data: 'not json' });
        expect(runtime.delivered).toEqual([]);
        expect(runtime.errors).toHaveLength(1);
        expect(runtime.errors[0].code).toBe('MALFORMED_MESSAGE');
        expect(runtime.errors[0].message).toContain("'ann'");
    });
});

describe('leave()', () => {
    test('release() deletes the core plane, forgets the channels and reports what never left', () => {
        const { driver, runtime } = makeDriver();
        const { ann } = linkAll(driver, ['ann']);
        driver.send(new Blob([new Uint8Array(1000)]), 'ann');
        driver.release();
        expect(driver.plane).toBe(null);
        expect(ann.onopen).toBe(null);
        expect(runtime.connection.channels).toEqual({});
        expect(runtime.errors).toHaveLength(1);
        expect(runtime.errors[0].code).toBe('TRANSFER_ABORTED');
        expect(runtime.errors[0].message).toContain("'ann'");
        expect(core.DataPlane.liveInstances()).toBe(0);
    });
});

describe('warmUp()', () => {
    test('the plane is made in a task of its own; if that fails the page hears it and the first link tries again', async () => {
        const { driver, runtime } = makeDriver();
        driver.warmUp();
        expect(driver.plane).toBe(null); // not during the page's call
        await new Promise((resolve) => setTimeout(resolve, 0));
        expect(driver.plane).not.toBe(null);
        driver.release();

        // A heap that cannot grow: the constructor throws inside the timer.
        driver.core = Object.create(core, {
            DataPlane: {
                value: function () {
                    throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
                },
            },
        });
        driver.warmUp();
        await new Promise((resolve) => setTimeout(resolve, 0));
        expect(driver.plane).toBe(null);
        expect(runtime.errors).toHaveLength(1);
        expect(runtime.errors[0].code).toBe('OUT_OF_MEMORY');
        expect(runtime.errors[0].message).toContain('Maximum memory size exceeded');

        driver.core = core;
        const { ann } = linkAll(driver, ['ann']);
        ann.open();
        driver.send('hello');
        expect(ann.sent).toEqual(['hello']);
    });
});
