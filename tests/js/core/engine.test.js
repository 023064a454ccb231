// The engine through embind in Node: the same decisions as the native suite, reached the way
// the browser facade reaches them.
import { wordsOf } from '../../../web/errors.js';
import { loadCore } from './load-core.js';
import { FakeNetwork } from './fake-network.js';

let core;
beforeAll(async () => {
    core = await loadCore();
});

function fourInARoom(settings = {}) {
    const net = new FakeNetwork(core);
    for (const id of ['a', 'b', 'c', 'd']) net.add(id, settings);
    net.run('a', net.handle('a', 'Open', { id: 'room' }));
    for (const id of ['b', 'c', 'd']) net.run(id, net.handle(id, 'Connect', { id: 'room' }));
    return net;
}

describe('session and direction parsing through embind', () => {
    test.each([
        ['audio + video and data', 'audiovideodata'],
        ['AUDIO + VIDEO and DATA', 'audiovideodata'],
        ['only-audio', 'audio'],
        ['screen + data', 'screendata'],
        ['video + audio', 'audiovideo'],
    ])('%s normalises to %s', (text, canonical) => {
        const parsed = core.parseSession(text);
        expect(parsed.ok).toBe(true);
        expect(parsed.canonical).toBe(canonical);
    });

    test('an unknown session is a coded error naming the word', () => {
        const parsed = core.parseSession('audio + hologram');
        expect(parsed.ok).toBe(false);
        expect(parsed.code).toBe('UNKNOWN_SESSION');
        expect(wordsOf(parsed.text)).toContain("'hologram'");
    });

    test('the object form is validated', () => {
        const none = core.checkSessionObject({
            audio: false, video: false, screen: false, data: false, oneway: true, broadcast: false,
        });
        expect(none.ok).toBe(false);
        expect(wordsOf(none.text)).toMatch(/enables nothing/);
    });

    test.each([
        ['one-to-one', 'one-to-one'],
        ['ONE to MANY', 'one-to-many'],
        ['oNe-wAy', 'one-way'],
        ['many to many', 'many-to-many'],
    ])('direction %s is %s', (text, canonical) => {
        const parsed = core.parseDirection(text);
        expect(parsed.ok).toBe(true);
        expect(parsed.canonical).toBe(canonical);
        expect(core.directionName(parsed.direction)).toBe(canonical);
    });

    test('an unknown direction is refused', () => {
        expect(core.parseDirection('sideways')).toMatchObject({ ok: false, code: 'UNKNOWN_DIRECTION' });
    });
});

describe('four engines on a pub/sub bus', () => {
    test('many-to-many reaches a full mesh', () => {
        const net = fourInARoom();
        expect(net.mesh()).toEqual(['a|b', 'a|c', 'a|d', 'b|c', 'b|d', 'c|d']);
        const room = JSON.parse(net.engine('d').roomSnapshot());
        expect(room.owner).toBe('a');
        expect(room.members.map((m) => m.userid)).toEqual(['a', 'b', 'c', 'd']);
        net.deleteAll();
    });

    test('one-way is a star where viewers send nothing', () => {
        const net = fourInARoom({ direction: core.Direction.OneWay });
        expect(net.mesh()).toEqual(['a|b', 'a|c', 'a|d']);
        net.deleteAll();
    });

    test('the initiator leaves and the rest stay connected under a new owner', () => {
        const net = fourInARoom();
        net.run('a', net.handle('a', 'Leave'));
        expect(net.mesh()).toEqual(['b|c', 'b|d', 'c|d']);
        expect(net.engine('b').state()).toBe(core.SessionState.Open);
        expect(net.engine('b').isOwner()).toBe(true);
        expect(net.events('c', 'onleave').map((e) => e.payload.userid)).toEqual(['a']);
        net.deleteAll();
    });

    test('autoCloseEntireSession closes the session for everyone', () => {
        const net = fourInARoom({ autoCloseEntireSession: true });
        net.run('a', net.handle('a', 'Leave'));
        expect(net.mesh()).toEqual([]);
        for (const id of ['b', 'c', 'd']) {
            expect(net.engine(id).state()).toBe(core.SessionState.Closed);
            expect(net.events(id, 'onEntireSessionClosed')).toHaveLength(1);
        }
        net.deleteAll();
    });

    test('only the owner can eject', () => {
        const net = fourInARoom();
        net.run('b', net.handle('b', 'Eject', { peer: 'c' }));
        expect(net.events('b', 'onerror')[0].payload.code).toBe('NOT_OWNER');
        expect(net.mesh()).toHaveLength(6);
        net.run('a', net.handle('a', 'Eject', { peer: 'c' }));
        expect(net.engine('c').state()).toBe(core.SessionState.Ejected);
        expect(net.mesh()).toEqual(['a|b', 'a|d', 'b|d']);
        net.deleteAll();
    });

    test('garbage signaling is reported as onerror and changes nothing', () => {
        const net = fourInARoom();
        for (const text of ['', '{', '[]', '{"v":1,"type":"eject","room":"room","from":"b","to":"d"}']) {
            net.run('d', net.handle('d', 'Signal', { text }));
        }
        expect(net.events('d', 'onerror')).toHaveLength(4);
        expect(net.engine('d').state()).toBe(core.SessionState.Joined);
        expect(net.mesh()).toHaveLength(6);
        net.deleteAll();
    });
});

describe('the boundary objects of bindings/handles.js', () => {
    test('an engine is deleted once, and a deleted engine refuses calls', () => {
        const before = core.Engine.liveInstances();
        const net = new FakeNetwork(core);
        net.add('a');
        const { engine } = net.nodes.get('a');
        expect(core.Engine.liveInstances()).toBe(before + 1);
        expect(engine.state()).toBe(core.SessionState.Idle);
        engine.delete();
        expect(engine.isDeleted()).toBe(true);
        expect(core.Engine.liveInstances()).toBe(before);
        expect(() => engine.state()).toThrow('Engine used after delete()');
        net.nodes.delete('a');
    });
});
