// One definition of the protocol's limits (issue 13, defect 7): src/protocol/limits.def is read
// by the core and generated into server/generated and web/generated. These tests check that the
// generated files are current, and that the core (the wasm build) and the server's validator
// agree: every request the engines emit in a whole session on the real server is accepted,
// and at each bound both sides accept the last allowed value and refuse the next one.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCore } from '../core/load-core.js';
import { engineConfig, engineEvent } from '../core/fake-network.js';
import { closeAllSockets, connectUser, startServer } from './support/helpers.js';
import { PROJECT_ROOT } from './support/processes.js';
import { validateRequest } from '../../../server/validate.js';
import { PROTOCOL_LIMITS as SERVER_LIMITS } from '../../../server/generated/protocol-limits.js';
import { PROTOCOL_LIMITS as WEB_LIMITS } from '../../../web/generated/protocol-limits.js';
import { LIMITS } from '../../../server/limits.js';
import { SERVER_EVENTS } from '../../../web/signaling/socketio-channel.js';

const EMOJI = '\u{1F600}'; // one character, two UTF-16 units, four UTF-8 bytes
const DATA_ONLY = { audio: false, video: false, screen: false, data: true, oneway: false, broadcast: false };

let core;
let server;
beforeAll(async () => {
    core = await loadCore();
    server = await startServer();
});
afterAll(async () => {
    closeAllSockets();
    await server?.server.close();
});

describe('limits.def is the one definition', () => {
    test('the generated JS tables hold every row of limits.def, with its value', () => {
        const def = readFileSync(path.join(PROJECT_ROOT, 'src/protocol/limits.def'), 'utf8');
        const rows = [...def.matchAll(/^RTCMC_LIMIT\(\w+,\s*(\w+),\s*(\d+),/gm)].map(([, name, value]) => [name, Number(value)]);
        expect(rows.length).toBeGreaterThanOrEqual(10);
        expect(SERVER_LIMITS).toEqual(Object.fromEntries(rows));
        expect(WEB_LIMITS).toEqual(Object.fromEntries(rows));
        // The server's own table takes the shared bounds from there.
        for (const name of ['idMaxChars', 'passwordMaxChars', 'extraMaxBytes', 'maxParticipantsAllowed', 'maxDepth']) {
            expect([name, LIMITS[name]]).toEqual([name, SERVER_LIMITS[name]]);
        }
    });
});

// What the core makes of open() with `settings`: the open-room payload it sends, or its words.
function coreOpen(settings, roomid = 'room') {
    const engine = new core.Engine(engineConfig(core, { authority: core.RoomAuthority.Server, userid: 'owner', session: DATA_ONLY, ...settings }));
    try {
        const actions = engine.handle(engineEvent(core, 'Open', { id: roomid, now: 1 }));
        const request = actions.find((action) => action.kind === core.ActionKind.ServerRequest && action.name === 'open-room');
        if (request) return { sent: JSON.parse(request.text) };
        const error = actions.find((action) => action.kind === core.ActionKind.FireEvent && action.event === core.PageEvent.OnError);
        return { refused: error ? error.text : 'nothing sent and no error' };
    } finally {
        engine.delete();
    }
}

describe('the core and the server agree at each bound', () => {
    const idMax = SERVER_LIMITS.idMaxChars;
    const cases = [
        ['a room id of 128 emoji', { roomid: EMOJI.repeat(idMax) }, true],
        ['a room id of 129 emoji', { roomid: EMOJI.repeat(idMax + 1) }, false],
        ['a room id of 128 letters', { roomid: 'r'.repeat(idMax) }, true],
        ['a room id of 129 letters', { roomid: 'r'.repeat(idMax + 1) }, false],
        ['a channel of 128 emoji', { channel: EMOJI.repeat(idMax) }, true],
        ['a channel of 129 emoji', { channel: EMOJI.repeat(idMax + 1) }, false],
        ['a password of 256 accented letters', { password: '\u00E9'.repeat(256) }, true],
        ['a password of 257 accented letters', { password: '\u00E9'.repeat(257) }, false],
        ['a password of 256 emoji', { password: EMOJI.repeat(256) }, true],
        ['10,000 participants', { maxParticipantsAllowed: 10000 }, true],
        ['10,001 participants', { maxParticipantsAllowed: 10001 }, false],
        ['0 participants', { maxParticipantsAllowed: 0 }, false],
    ];
    test.each(cases)('%s', (label, { roomid = 'room', ...settings }, allowed) => {
        const byCore = coreOpen(settings, roomid);
        // The server judges the payload the core sent, or the one it would have sent.
        const payload = byCore.sent ?? { roomid, ...settings };
        const verdict = validateRequest('open-room', [payload]);
        expect({ core: byCore.sent !== undefined, server: verdict.ok }).toEqual({ core: allowed, server: allowed });
    });

    test('the server counts characters as the core does: code points, not UTF-16 units', () => {
        expect(validateRequest('join-room', [{ roomid: EMOJI.repeat(idMax) }]).ok).toBe(true);
        expect(validateRequest('join-room', [{ roomid: EMOJI.repeat(idMax + 1) }]).message).toBe(`roomid must be 1 to ${idMax} characters, got ${idMax + 1}`);
        expect(validateRequest('join-room', [{ roomid: 'a'.repeat(5 * idMax) }]).message).toBe(`roomid must be 1 to ${idMax} characters, got more than ${idMax}`);
    });
});


// ---- a whole session on the real server, the engines driven as web/runtime.js drives them

class Driver {
    constructor(userid, settings) {
        this.userid = userid;
        this.engine = new core.Engine(engineConfig(core, { authority: core.RoomAuthority.Server, userid, session: DATA_ONLY, ...settings }));
        this.requests = []; // {name, payload, verdict, reply}
        this.events = [];
        this.peers = null; // userid -> Driver, set by the test
    }

    async connect() {
        const { socket } = await connectUser(server.url, { userid: this.userid });
        this.socket = socket;
        socket.on('relay', (message) => this.tell('Signal', { peer: message.from, text: message.data }));
        for (const name of SERVER_EVENTS) socket.on(name, (payload) => this.tell('ServerEvent', { name, text: JSON.stringify(payload) }));
        this.tell('ServerEvent', { name: 'welcome', text: JSON.stringify({ resumed: false, rooms: [] }) });
    }

    tell(kind, fields = {}) {
        if (this.engine) this.run(this.engine.handle(engineEvent(core, kind, { now: Date.now(), ...fields })));
    }

    run(actions) {
        const kinds = core.ActionKind;
        for (const action of actions) {
            if (action.kind === kinds.ServerRequest) {
                const payload = JSON.parse(action.text);
                const entry = { name: action.name, payload, verdict: validateRequest(action.name, [payload]), reply: null };
                this.requests.push(entry);
                this.socket.timeout(10000).emitWithAck(action.name, payload).then((reply) => {
                    entry.reply = reply;
                    this.tell('ServerReply', { name: action.name, body: action.text, text: JSON.stringify(reply || {}) });
                });
            } else if (action.kind === kinds.SendSignal) {
                const message = { roomid: action.name, data: action.text, ...(action.peer ? { to: action.peer } : {}) };
                this.requests.push({ name: 'relay', payload: message, verdict: validateRequest('relay', [message]), reply: 'not acknowledged' });
                this.socket.emit('relay', message);
            } else if (action.kind === kinds.CaptureMedia) {
                setImmediate(() => this.tell('MediaReady', { id: `media-of-${this.userid}`, media: action.media }));
            } else if (action.kind === kinds.CreatePeer && action.offerer) {
                setImmediate(() => this.tell('LocalDescription', { peer: action.peer, name: 'offer', text: 'v=0' }));
            } else if (action.kind === kinds.SetRemoteDescription) {
                if (action.name === 'offer') setImmediate(() => this.tell('LocalDescription', { peer: action.peer, name: 'answer', text: 'v=0' }));
                else setImmediate(() => this.linkUp(action.peer));
            } else if (action.kind === kinds.FireEvent) {
                this.events.push({ event: action.event, payload: JSON.parse(action.text) });
            }
        }
    }

    // The answer reached the offerer: both ends of the link report it connected and open.
    linkUp(peer) {
        for (const [self, other] of [
            [this, this.peers[peer]],
            [this.peers[peer], this],
        ]) {
            self.tell('PeerStateChanged', { peer: other.userid, state: core.PeerState.Connected });
            self.tell('DataChannelOpened', { peer: other.userid });
        }
    }

    fired(name) {
        return this.events.filter(({ event }) => event === core.PageEvent[name]);
    }

    close() {
        this.engine.delete();
        this.engine = null;
    }
}

async function until(condition, what, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

test('every request the core makes in a session at the bounds is one the real server accepts', async () => {
    const room = EMOJI.repeat(SERVER_LIMITS.idMaxChars);
    const password = '\u00E9'.repeat(SERVER_LIMITS.passwordMaxChars);
    const owner = new Driver(`\u00E9${EMOJI}`.repeat(64), { password, maxParticipantsAllowed: SERVER_LIMITS.maxParticipantsAllowed, extra: JSON.stringify({ note: 'x'.repeat(8000) }) });
    const guest = new Driver(EMOJI.repeat(SERVER_LIMITS.idMaxChars), { password });
    const watcher = new Driver('watcher');
    const all = [owner, guest, watcher];
    const peers = Object.fromEntries(all.map((driver) => [driver.userid, driver]));
    for (const driver of all) driver.peers = peers;
    await Promise.all(all.map((driver) => driver.connect()));

    owner.tell('Open', { id: room });
    await until(() => owner.fired('Opened').length === 1, 'the owner to open the room');
    guest.tell('Join', { id: room });
    await until(() => guest.fired('OnOpen').length === 1 && owner.fired('OnOpen').length === 1, 'the guest and the owner to connect');
    watcher.tell('CheckPresence', { id: room });
    await until(() => watcher.fired('Presence').length === 1, 'the presence answer');
    expect(watcher.fired('Presence')[0].payload.exists).toBe(true);
    owner.tell('UpdateExtra', { text: JSON.stringify({ note: 'y'.repeat(8000) }) });
    await until(() => guest.fired('OnExtraDataUpdated').length === 1, 'the guest to hear the new extra');
    owner.tell('Eject', { peer: guest.userid });
    await until(() => guest.fired('OnLeave').some(({ payload }) => payload.ejected === true), 'the guest to hear it was ejected');
    owner.tell('Leave');
    await until(() => owner.requests.every((entry) => entry.reply !== null), 'every request to be answered');

    const made = all.flatMap((driver) => driver.requests.map(({ name, verdict, reply }) => ({ name, verdict: verdict.ok ? 'valid' : verdict.message, accepted: reply === 'not acknowledged' || reply?.ok === true })));
    expect(new Set(made.map(({ name }) => name))).toEqual(new Set(['open-room', 'join-room', 'check-presence', 'subscribe-rooms', 'update-extra', 'eject', 'leave-room', 'relay']));
    expect(made.filter(({ verdict, accepted }) => verdict !== 'valid' || !accepted)).toEqual([]);
    for (const driver of all) expect(driver.fired('OnError')).toEqual([]);
    for (const driver of all) driver.close();
});
