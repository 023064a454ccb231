// Records real Janus (Debian's 1.1.2) WebSocket frames for tests/core/fixtures/janus/: starts
// janus with a generated config (videoroom plugin + websockets transport on 127.0.0.1 only,
// short session timeout), drives a signaling-only exchange with the `ws` client and writes
// each step's sent and received frames verbatim. Usage: node scripts/record-janus.mjs [outDir]
// Needs `apt-get install -y janus`. No media is sent: publishing needs a browser's SDP.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startJanus } from '../tests/support/janus.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] || path.join(root, 'tests/core/fixtures/janus');
const SESSION_TIMEOUT_S = 3;

class Client {
    constructor(url) {
        this.ws = new WebSocket(url, 'janus-protocol');
        this.inbox = [];
        this.waiters = [];
        this.ws.on('message', (data) => {
            const frame = JSON.parse(String(data));
            this.inbox.push(frame);
            this.waiters = this.waiters.filter((w) => !w());
        });
    }
    open() {
        return new Promise((resolve, reject) => {
            this.ws.once('open', resolve);
            this.ws.once('error', reject);
        });
    }
    send(frame) {
        this.ws.send(JSON.stringify(frame));
    }
    // Waits for a frame matching `test`, removes and returns it.
    next(test, timeoutMs = 5000) {
        return new Promise((resolve, reject) => {
            const check = () => {
                const at = this.inbox.findIndex(test);
                if (at < 0) return false;
                resolve(this.inbox.splice(at, 1)[0]);
                return true;
            };
            if (check()) return;
            this.waiters.push(check);
            setTimeout(() => reject(new Error('timeout waiting: ' + test)), timeoutMs);
        });
    }
}

let counter = 0;
const tid = (what) => `${what}-${++counter}`;

async function main() {
    fs.mkdirSync(outDir, { recursive: true });
    // The configuration and the launch are the tests' (tests/support/janus.js).
    const janus = await startJanus({ sessionTimeout: SESSION_TIMEOUT_S });
    const recordings = {};
    const record = (name, sent, received) => {
        recordings[name] = { sent, received };
    };
    try {
        const a = new Client(janus.url);
        await a.open();
        const roundTrip = async (c, name, frame, test) => {
            c.send(frame);
            const reply = await c.next(test || ((f) => f.transaction === frame.transaction));
            record(name, frame, reply);
            return reply;
        };
        const ackThenEvent = async (c, name, frame) => {
            c.send(frame);
            const ack = await c.next((f) => f.transaction === frame.transaction && f.janus === 'ack');
            const event = await c.next((f) => f.transaction === frame.transaction && f.janus !== 'ack');
            recordings[name] = { sent: frame, received: [ack, event] };
            return event;
        };
        const created = await roundTrip(a, 'create', { janus: 'create', transaction: tid('create') });
        const sessionA = created.data.id;
        const attached = await roundTrip(a, 'attach', { janus: 'attach', plugin: 'janus.plugin.videoroom', session_id: sessionA, transaction: tid('attach') });
        const handleA = attached.data.id;
        await roundTrip(a, 'keepalive', { janus: 'keepalive', session_id: sessionA, transaction: tid('keepalive') });
        const room = 4242;
        await roundTrip(a, 'create_room', { janus: 'message', session_id: sessionA, handle_id: handleA, transaction: tid('room'),
            body: { request: 'create', room, description: 'recorded', secret: 'adminsecret', pin: 'roompin', bitrate: 512000, publishers: 6 } });
        await roundTrip(a, 'attach_wrong_plugin', { janus: 'attach', plugin: 'janus.plugin.nosuch', session_id: sessionA, transaction: tid('attach') });
        await ackThenEvent(a, 'join_no_such_room', { janus: 'message', session_id: sessionA, handle_id: handleA, transaction: tid('join'),
            body: { request: 'join', ptype: 'publisher', room: 999999, display: 'alice' } });
        await ackThenEvent(a, 'join_wrong_pin', { janus: 'message', session_id: sessionA, handle_id: handleA, transaction: tid('join'),
            body: { request: 'join', ptype: 'publisher', room, pin: 'wrong', display: 'alice' } });
        await ackThenEvent(a, 'join_publisher', { janus: 'message', session_id: sessionA, handle_id: handleA, transaction: tid('join'),
            body: { request: 'join', ptype: 'publisher', room, pin: 'roompin', display: 'alice' } });
        await ackThenEvent(a, 'join_publisher_again', { janus: 'message', session_id: sessionA, handle_id: handleA, transaction: tid('join'),
            body: { request: 'join', ptype: 'publisher', room, pin: 'roompin', display: 'alice' } });

        const b = new Client(janus.url);
        await b.open();
        const sessionB = (await roundTrip(b, 'create_b', { janus: 'create', transaction: tid('create') })).data.id;
        const handleB = (await roundTrip(b, 'attach_b', { janus: 'attach', plugin: 'janus.plugin.videoroom', session_id: sessionB, transaction: tid('attach') })).data.id;
        await ackThenEvent(b, 'join_publisher_b', { janus: 'message', session_id: sessionB, handle_id: handleB, transaction: tid('join'),
            body: { request: 'join', ptype: 'publisher', room, pin: 'roompin', display: 'bob' } });
        await roundTrip(a, 'list_participants', { janus: 'message', session_id: sessionA, handle_id: handleA, transaction: tid('list'),
            body: { request: 'listparticipants', room } });
        await ackThenEvent(b, 'leave_b', { janus: 'message', session_id: sessionB, handle_id: handleB, transaction: tid('leave'), body: { request: 'leave' } });
        recordings.leaving_seen_by_a = { received: await a.next((f) => f.janus === 'event' && f.plugindata?.data?.leaving !== undefined) };
        await roundTrip(b, 'detach_b', { janus: 'detach', session_id: sessionB, handle_id: handleB, transaction: tid('detach') });
        await roundTrip(b, 'destroy_b', { janus: 'destroy', session_id: sessionB, transaction: tid('destroy') });
        await roundTrip(b, 'keepalive_no_such_session', { janus: 'keepalive', session_id: sessionB, transaction: tid('keepalive') });
        // A session left without keepalive times out (session_timeout above).
        const c = new Client(janus.url);
        await c.open();
        const sessionC = (await roundTrip(c, 'create_c', { janus: 'create', transaction: tid('create') })).data.id;
        recordings.session_timeout = { received: await c.next((f) => f.janus === 'timeout' && f.session_id === sessionC, (SESSION_TIMEOUT_S + 5) * 1000) };
        // Keep a alive meanwhile? It was idle too; record what it got.
        recordings.a_unsolicited = { received: a.inbox.splice(0) };
        fs.writeFileSync(path.join(outDir, 'recorded.json'), JSON.stringify({ janus: '1.1.2 (Debian)', recordedAt: new Date().toISOString(), frames: recordings }, null, 2) + '\n');
        console.log('wrote', Object.keys(recordings).length, 'exchanges to', outDir);
        a.ws.close(); b.ws.close(); c.ws.close();
    } finally {
        await janus.stop();
    }
}

main().catch((e) => { console.error(e); process.exit(1); });
