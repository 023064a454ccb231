// web/data/data-channels.js alone, with a fake runtime and fake channels (a unit test of one
// module; tests/e2e/data-early-broadcast.test.js proves the same with real pages and channels).
// Issue 13, defect 1: a connection.send() made before any channel was open went to the first
// channel that opened and to nobody else. Defect 12: the engine's room snapshot was serialized
// and parsed for every message received, instead of once per change of the room.
import { describe, expect, test } from '@jest/globals';
import { DataChannels } from '../../../web/data/data-channels.js';

class FakeChannel {
    constructor() {
        this.readyState = 'connecting';
        this.sent = [];
    }
    send(frame) {
        if (this.readyState !== 'open') throw new Error('InvalidStateError');
        this.sent.push(JSON.parse(frame).m);
    }
    open() {
        this.readyState = 'open';
        this.onopen();
    }
}

function fakeRuntime({ linked = [], members = [] } = {}) {
    const runtime = {
        connection: { channels: {}, send: () => {} },
        told: [],
        delivered: [],
        snapshots: 0,
        engine: {
            linkedPeers: () => linked,
            roomSnapshot: () => {
                runtime.snapshots++;
                return JSON.stringify({ members });
            },
        },
        tell: (kind, fields) => runtime.told.push([kind, fields.peer]),
        deliverMessage: (value, userid, extra) => runtime.delivered.push({ value, userid, extra }),
        fire: () => {},
    };
    return runtime;
}

describe('connection.send() to everyone', () => {
    test('sent before any channel opened, it reaches every member once', () => {
        const runtime = fakeRuntime({ linked: [] });
        const data = new DataChannels(runtime);
        data.sendToAll('early'); // right after join(): no member known yet
        runtime.engine.linkedPeers = () => ['ann', 'ben', 'cid'];
        const channels = { ann: new FakeChannel(), ben: new FakeChannel(), cid: new FakeChannel() };
        for (const [userid, channel] of Object.entries(channels)) data.attach(userid, channel);
        data.sendToAll('second'); // members known, no channel open yet
        channels.ben.open();
        channels.cid.open();
        data.sendToAll('third');
        channels.ann.open();
        expect(channels.ann.sent).toEqual(['early', 'second', 'third']);
        expect(channels.ben.sent).toEqual(['early', 'second', 'third']);
        expect(channels.cid.sent).toEqual(['early', 'second', 'third']);
    });

    test('a member whose channel is late still gets what was sent while others were open', () => {
        const runtime = fakeRuntime({ linked: ['ann', 'ben'] });
        const data = new DataChannels(runtime);
        const ann = new FakeChannel();
        const ben = new FakeChannel();
        data.attach('ann', ann);
        data.attach('ben', ben);
        ann.open();
        data.sendToAll('while ben connects');
        data.sendTo('ben', 'for ben only');
        ben.open();
        expect(ann.sent).toEqual(['while ben connects']);
        expect(ben.sent).toEqual(['while ben connects', 'for ben only']);
    });

    test('a member who left before its channel opened is not waited for', () => {
        const runtime = fakeRuntime({ linked: ['ann'] });
        const data = new DataChannels(runtime);
        const ann = new FakeChannel();
        data.attach('ann', ann);
        data.sendToAll('hello');
        data.detach('ann');
        expect(data.waitingFor.size).toBe(0);
    });
});

describe('received messages carry the sender extra', () => {
    test('the room snapshot is read once per change of the room, not per message', () => {
        const runtime = fakeRuntime({ linked: ['ann'], members: [{ userid: 'ann', extra: { name: 'Ann' } }] });
        const data = new DataChannels(runtime);
        const ann = new FakeChannel();
        data.attach('ann', ann);
        ann.open();
        for (let i = 0; i < 100; i++) ann.onmessage({ data: JSON.stringify({ m: i }) });
        expect(runtime.delivered).toHaveLength(100);
        expect(runtime.delivered[99]).toEqual({ value: 99, userid: 'ann', extra: { name: 'Ann' } });
        expect(runtime.snapshots).toBe(1);
        // The engine handled something (web/runtime.js tell/call): the next message reads again.
        runtime.engine.roomSnapshot = () => {
            runtime.snapshots++;
            return JSON.stringify({ members: [{ userid: 'ann', extra: { name: 'Ann B.' } }] });
        };
        data.roomChanged();
        ann.onmessage({ data: JSON.stringify({ m: 'after' }) });
        ann.onmessage({ data: JSON.stringify({ m: 'again' }) });
        expect(runtime.snapshots).toBe(2);
        expect(runtime.delivered.at(-1).extra).toEqual({ name: 'Ann B.' });
    });
});
