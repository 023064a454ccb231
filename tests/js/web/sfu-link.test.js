// The page's Janus client through the real wasm core (Module.SfuClient, bindings/
// sfu_bindings.cpp) as web/sfu/janus-link.js calls it: the frames it asks to send, the events
// it reports, feed ids kept exact, and bad input reported instead of thrown.
import { loadCore, provideEmbeddedWasm } from '../../../web/loader.js';
import embeddedWasm from 'rtcmc-core-wasm';
import { JanusLink } from '../../../web/sfu/janus-link.js';

let core;
beforeAll(async () => {
    provideEmbeddedWasm(embeddedWasm);
    core = await loadCore();
});

const SESSION = 8907530102734561; // above 2^52: exact only as a string on the JS side
const HANDLE = 3031313604503842;

// Janus's reply to a request frame: the same transaction.
function reply(frame, fields) {
    return JSON.stringify({ transaction: JSON.parse(frame).transaction, ...fields });
}

// create -> attach -> join -> joined; returns the link and the join frame.
function joinedLink(plan = { publish: true, receiveFrom: 'everyone', owner: 'alice' }) {
    const link = new JanusLink(core);
    let out = link.join(plan, 'bob', 0);
    expect(out.frames.map((frame) => JSON.parse(frame).janus)).toEqual(['create']);
    out = link.receive(reply(out.frames[0], { janus: 'success', data: { id: SESSION } }), 10);
    expect(JSON.parse(out.frames[0]).janus).toBe('attach');
    out = link.receive(reply(out.frames[0], { janus: 'success', session_id: SESSION, data: { id: HANDLE } }), 20);
    const join = JSON.parse(out.frames[0]);
    expect(join.body).toMatchObject({ request: 'join', ptype: 'publisher', display: 'bob' });
    out = link.receive(
        reply(out.frames[0], {
            janus: 'event',
            session_id: SESSION,
            sender: HANDLE,
            plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'joined', id: 11, private_id: 22, publishers: [] } },
        }),
        30,
    );
    expect(out.events.map((event) => event.kind)).toEqual(['joined']);
    return link;
}

function publishers(list) {
    return JSON.stringify({
        janus: 'event',
        session_id: SESSION,
        sender: HANDLE,
        plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'event', room: 1, publishers: list } },
    });
}

afterEach(() => {
    expect(core.SfuClient.liveInstances()).toBe(0);
});

test('a member joins, sees a feed appear, and subscribes to it with one handle', () => {
    const link = joinedLink();
    const out = link.receive(publishers([{ id: 4053917080160902, display: 'carol' }]), 40);
    expect(out.events).toEqual([{ kind: 'feed-added', feed: { id: '4053917080160902', display: 'carol' } }]);
    expect(out.frames.map((frame) => JSON.parse(frame).janus)).toEqual(['attach']);
    link.delete();
});

test('a one-to-many viewer subscribes to the owner only', () => {
    const link = joinedLink({ publish: false, receiveFrom: 'owner', owner: 'alice' });
    let out = link.receive(publishers([{ id: 5, display: 'carol' }]), 40);
    expect(out.frames).toEqual([]);
    out = link.receive(publishers([{ id: 6, display: 'alice' }]), 50);
    expect(out.frames.map((frame) => JSON.parse(frame).janus)).toEqual(['attach']);
    link.delete();
});

test('bad frames and calls in the wrong state are reported, never thrown', () => {
    const link = joinedLink();
    for (const frame of ['', 'not json', '[]', '{"janus":"event"}', 'x'.repeat(300000)]) {
        const out = link.receive(frame, 60);
        expect(out.frames).toEqual([]);
        expect(out.events.map((event) => event.kind)).toEqual(['frame-dropped']);
        expect(typeof out.events[0].code).toBe('string');
    }
    const out = link.answer('v=0\r\n', 70);
    expect(out.events[0]).toMatchObject({ kind: 'error', code: 'INVALID_STATE' });
    link.delete();
});

test('a Janus that stops answering is reported gone after the deadline', () => {
    const link = new JanusLink(core);
    link.join({ publish: true, receiveFrom: 'everyone', owner: 'a' }, 'bob', 0);
    expect(link.tick(5000).events).toEqual([]);
    const out = link.tick(20000);
    expect(out.events.map((event) => event.kind)).toContain('janus-gone');
    expect(out.events.find((event) => event.kind === 'janus-gone').code).toBe('SFU_UNAVAILABLE');
    link.delete();
});
