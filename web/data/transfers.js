// Files, and text, objects and binary data of any size, between this page and its peers: the
// browser side of the core's transfers (src/transfer/, docs/protocol-packets.md). The core
// cuts, numbers, checks and counts; this file moves bytes between Blobs, the core's buffers and
// the data channels (web/data/data-channels.js), and turns the core's updates into upstream's
// events:
//   onFileStart(file), onFileProgress(progress), onFileEnd(file)    both sides, files only
//   onFileSent(file, event)          the sender, once the receiver confirmed every byte
//   onFileReceived(fileName, file)   the receiver, with a File it may save or show
//   onmessage({data, userid, extra}) long text, objects and binary data, whole
//   onerror(error)                   a refused packet, a failed or interrupted transfer
// Nothing is saved to disk by the library.
//
// One transfer per recipient: a file sent to three peers is three transfers, each with its
// own progress. Its `uuid` is "<sender's userid>:<transfer id>", the same on both sides.
import { RTCMultiConnectionError, wordsOf } from '../errors.js';
import { AsciiTextSource, BlobSource, BytesSource } from './transfer-sources.js';
import { IncomingAssembly } from './incoming-assembly.js';
import { OutgoingLane, SMALL_TRANSFER_BYTES } from './outgoing-lane.js';

// Messages up to this many characters of JSON (or of text) stay single data-channel frames
// ({"m": value}, web/data/data-channels.js); longer ones travel as transfers. 16 Ki characters
// of JSON are at most 48 KiB of UTF-8, far under Chromium's 256 KiB message limit.
export const SMALL_MESSAGE_CHARS = 16384;

// Pause above `high` bytes buffered, resume at `low` (web/data/outgoing-lane.js).
const DEFAULT_WINDOW = { high: 128 * 1024, low: 64 * 1024 };

// Bytes per packet, header included. Any size up to Chromium's 256 KiB message limit works
// (docs/protocol-packets.md); the raw link runs as fast with 16, 64 or 256 KiB messages
// (../shared/reference/perf-anchors.md), but each packet costs us a few embind calls, an event
// and an allocation on both pages. With 128 KiB packets the pages spent up to 1.4 ms/MiB less
// CPU than with 64 KiB and the files went as fast or faster (bench/files/ --variants).
const PACKET_BYTES = 128 * 1024;

const KIND_NAMES = ['file', 'text', 'object', 'binary'];
const TYPED_ARRAY_NAMES = new Set([
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array',
    'DataView',
]);

export class Transfers {
    constructor(runtime) {
        this.runtime = runtime;
        this.core = runtime.core;
        this.window = { ...DEFAULT_WINDOW };
        this.transferManager = null; // created on first use, deleted by release()
        this.buffers = null;
        this.lanes = new Map(); // userid -> OutgoingLane
        this.waitingForAnyone = []; // jobs sent to everyone before any channel was open
        this.outgoing = new Map(); // transferId -> item (started, not settled)
        this.incoming = new Map(); // sender's userid -> Map(transferId -> record)
        this.event = null; // the core's enums and limits, read on first use
    }

    manager() {
        if (!this.transferManager) {
            this.readCore();
            this.transferManager = new this.core.TransferManager();
            this.buffers = null;
        }
        return this.transferManager;
    }

    readCore() {
        if (this.event) return;
        const { TransferEvent, TransferDirection, TransferKind } = this.core;
        this.event = TransferEvent;
        this.outgoingDirection = TransferDirection.Outgoing;
        this.kindValues = { file: TransferKind.File, text: TransferKind.Text, object: TransferKind.Object, binary: TransferKind.Binary };
        const limits = this.core.transferLimits();
        this.chunkSize = Math.min(limits.maxChunkSize, PACKET_BYTES - limits.headerBytes);
    }

    // The core's packet buffers as views; a grown wasm heap detaches them (byteLength 0).
    views() {
        const manager = this.manager();
        if (!this.buffers || this.buffers.output.byteLength === 0) {
            this.buffers = { input: manager.inputView(), output: manager.outputView(), payload: manager.chunkPayloadView() };
        }
        return this.buffers;
    }

    // ---- sending

    // Whether send(data) goes through here (web/RTCMultiConnection.js): files, blobs, binary
    // data, long text, every object (short ones are handed back to the JSON frames in send()).
    handles(data) {
        if (data instanceof Blob || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return true;
        if (typeof data === 'string') return data.length > SMALL_MESSAGE_CHARS;
        return data !== null && typeof data === 'object';
    }

    send(data, userid) {
        // v1.8: send([file1, file2]) shares each file.
        if (Array.isArray(data) && data.length > 0 && data.every((item) => item instanceof Blob)) {
            for (const file of data) this.send(file, userid);
            return;
        }
        const job = this.describe(data);
        if (!job) {
            if (userid) this.runtime.data.sendTo(userid, data);
            else this.runtime.data.sendToAll(data);
            return;
        }
        if (userid) {
            this.laneFor(String(userid)).enqueue(this.itemFor(job, String(userid)));
            return;
        }
        const open = this.runtime.data.openChannels();
        if (open.length === 0) {
            // Sent once a channel opens, as the JSON frames are (web/data/data-channels.js).
            this.waitingForAnyone.push(job);
            return;
        }
        for (const [peer] of open) this.laneFor(peer).enqueue(this.itemFor(job, peer));
    }

    // What travels: {kind, name, type, size, blob | bytes | ascii, original}, or null for a
    // value that fits one JSON frame.
    describe(data) {
        if (data instanceof Blob) {
            return { kind: 'file', name: typeof data.name === 'string' ? data.name : '', type: data.type || '', size: data.size, blob: data, original: data };
        }
        if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
            const viewName = ArrayBuffer.isView(data) && data.constructor ? data.constructor.name : '';
            // Copied once into a Blob, so that later changes to the caller's buffer do not reach
            // a transfer under way (the Blob is read in blocks like a file).
            const blob = new Blob([data]);
            return { kind: 'binary', name: TYPED_ARRAY_NAMES.has(viewName) ? viewName : '', type: '', size: blob.size, blob, original: data };
        }
        if (typeof data === 'string') {
            if (data.length <= SMALL_MESSAGE_CHARS) return null;
            // A lone surrogate would not survive UTF-8: such text travels as JSON, which escapes it.
            if (typeof data.isWellFormed !== 'function' || data.isWellFormed()) return encoded('text', 'text/plain', data);
            return encoded('object', 'application/json', JSON.stringify(data));
        }
        if (data !== null && typeof data === 'object') {
            const json = JSON.stringify(data);
            if (json === undefined || json.length <= SMALL_MESSAGE_CHARS) return null;
            return encoded('object', 'application/json', json);
        }
        return null;
    }

    itemFor(job, userid) {
        this.readCore();
        return {
            job,
            userid,
            small: job.size <= SMALL_TRANSFER_BYTES,
            description: { kind: this.kindValues[job.kind], name: job.name, type: job.type, size: job.size, chunkSize: this.chunkSize },
            state: 'queued', // then 'sending', then 'written' (End sent, awaiting the receiver)
            transferId: 0,
            uuid: '',
            count: 0,
            source: null,
            range: null,
            settled: false,
        };
    }

    laneFor(userid) {
        let lane = this.lanes.get(userid);
        if (!lane) {
            lane = new OutgoingLane(this, userid);
            this.lanes.set(userid, lane);
            const channel = this.runtime.data.channels.get(userid);
            if (channel && channel.readyState === 'open') lane.attach(channel);
        }
        return lane;
    }

    sourceFor(item, onReady) {
        const { job } = item;
        if (job.ascii !== undefined) return new AsciiTextSource(job.ascii);
        if (job.bytes) return new BytesSource(job.bytes);
        return new BlobSource(job.blob, onReady, (error) => this.readFailed(item, error));
    }

    // A data channel opened (web/data/data-channels.js): what waited for it starts.
    channelOpened(userid, channel) {
        this.views(); // the core's manager and buffers, made now rather than on the first packet
        const lane = this.laneFor(userid);
        lane.attach(channel);
        const waiting = this.waitingForAnyone.splice(0);
        for (const job of waiting) lane.enqueue(this.itemFor(job, userid));
    }

    // ---- called by OutgoingLane

    outgoingRegistered(item, outcome) {
        item.uuid = `${this.selfId()}:${outcome.transferId}`;
        item.count = outcome.length;
        this.outgoing.set(outcome.transferId, item);
    }

    outgoingStarted(item) {
        if (item.job.kind === 'file') this.call('onFileStart', this.fileEvent(item, true));
    }

    chunkWritten(item, outcome) {
        if (item.job.kind !== 'file' || typeof this.runtime.connection.onFileProgress !== 'function') return;
        const progress = this.fileEvent(item, true);
        progress.length = outcome.length;
        progress.sent = outcome.sent;
        progress.remaining = outcome.remaining;
        progress.bytes = outcome.bytesDone;
        progress.currentPosition = outcome.sent;
        this.call('onFileProgress', progress);
    }

    refused(item, outcome) {
        this.fail(outcome.code, `${describeJob(item.job)} to '${item.userid}' was refused: ${wordsOf(outcome.text)}`, item, true);
    }

    sendFailed(item, error) {
        const channel = this.runtime.data.channels.get(item.userid);
        if (channel && channel.readyState !== 'open') return; // its close event ends everything
        this.abortOutgoing(item, 'SEND_FAILED', `sending ${describeJob(item.job)} to '${item.userid}' failed: ${error.message}`);
    }

    readFailed(item, error) {
        if (item.settled || !this.outgoing.has(item.transferId)) return;
        this.abortOutgoing(item, 'FILE_READ_FAILED', `${describeJob(item.job)} could not be read: ${error.name}: ${error.message}`);
    }

    // This side gives up on a started transfer: the receiver is told (Abort), the page too.
    abortOutgoing(item, code, message) {
        const outcome = this.manager()._abortOutgoing(item.transferId, message);
        if (outcome.ok && outcome.packetLength > 0) this.sendControl(item.userid, outcome.packetLength);
        this.outgoingFailed(item, code, message);
    }

    // The words of a core outcome's Text (for the lanes, which import nothing).
    wordsOf(text) {
        return wordsOf(text);
    }

    outgoingFailed(item, code, message) {
        this.outgoing.delete(item.transferId);
        const lane = this.lanes.get(item.userid);
        if (lane) lane.settled(item);
        else if (item.source) item.source.close();
        this.fail(code, message, item, true);
    }

    // ---- receiving

    // Every binary message of a data channel (web/data/data-channels.js).
    receive(userid, buffer) {
        const manager = this.manager();
        const views = this.views();
        const length = buffer.byteLength;
        // An oversize message is copied only in part; the core refuses it by its length.
        views.input.set(new Uint8Array(buffer, 0, Math.min(length, views.input.length)));
        const outcome = manager._receive(userid, length);
        if (!outcome.ok) {
            this.runtime.fireError(new RTCMultiConnectionError(outcome.code, `a data-channel packet from '${userid}' was refused: ${wordsOf(outcome.text)}`, { userid }));
            return;
        }
        // A reply (Complete or Failed) is in the core's buffer: send it before anything else.
        if (outcome.packetLength > 0) this.sendControl(userid, outcome.packetLength);
        if (outcome.direction === this.outgoingDirection) this.outgoingUpdate(userid, outcome);
        else this.incomingUpdate(userid, outcome, buffer);
    }

    incomingUpdate(userid, outcome, buffer) {
        const event = this.event;
        if (outcome.event === event.Started) {
            this.incomingStarted(userid, outcome);
            return;
        }
        const record = this.incomingRecord(userid, outcome.transferId);
        if (!record) return;
        if (outcome.payloadLength > 0) {
            record.assembly.add(outcome.index, new Uint8Array(buffer, outcome.payloadOffset, outcome.payloadLength));
            if (record.kind === 'file' && typeof this.runtime.connection.onFileProgress === 'function') {
                const progress = this.fileEvent(record, false);
                progress.length = outcome.length;
                progress.received = outcome.received;
                progress.remaining = outcome.remaining;
                progress.bytes = outcome.bytesDone;
                progress.currentPosition = outcome.received;
                this.call('onFileProgress', progress);
            }
        }
        if (outcome.event === event.Received) {
            this.forgetIncoming(userid, outcome.transferId);
            this.deliver(record);
        } else if (outcome.event === event.Failed || outcome.event === event.Aborted) {
            this.forgetIncoming(userid, outcome.transferId);
            record.assembly.discard();
            this.fail(outcome.code, wordsOf(outcome.text), record, false);
        }
    }

    incomingStarted(userid, outcome) {
        const metadata = this.manager().incomingMetadata(userid, outcome.transferId);
        if (!metadata) return;
        const kind = KIND_NAMES.find((name) => this.kindValues[name] === metadata.kind) || 'binary';
        const record = {
            kind,
            userid,
            remoteUserId: userid,
            transferId: outcome.transferId,
            uuid: `${userid}:${outcome.transferId}`,
            name: metadata.name,
            type: metadata.type,
            size: metadata.size,
            count: metadata.count,
            extra: this.memberExtra(userid) || {},
            assembly: new IncomingAssembly({ kind, name: metadata.name, type: metadata.type, size: metadata.size, count: metadata.count }),
        };
        if (!this.incoming.has(userid)) this.incoming.set(userid, new Map());
        this.incoming.get(userid).set(outcome.transferId, record);
        if (kind === 'file') this.call('onFileStart', this.fileEvent(record, false));
    }

    incomingRecord(userid, transferId) {
        const records = this.incoming.get(userid);
        return records ? records.get(transferId) : undefined;
    }

    forgetIncoming(userid, transferId) {
        const records = this.incoming.get(userid);
        if (!records) return;
        records.delete(transferId);
        if (records.size === 0) this.incoming.delete(userid);
    }

    // The core verified every byte (its Received event): hand the value to the page.
    deliver(record) {
        const connection = this.runtime.connection;
        if (record.kind === 'file') {
            const file = record.assembly.file();
            // Upstream's fields on the File itself, so onFileReceived's second argument has them.
            file.uuid = record.uuid;
            file.userid = record.userid;
            file.extra = record.extra;
            const event = this.fileEvent(record, false);
            event.file = file;
            defineLazyUrl(event, file);
            this.call('onFileEnd', event);
            this.call('onFileReceived', record.name, file);
            return;
        }
        let data;
        try {
            if (record.kind === 'text') data = record.assembly.text();
            else if (record.kind === 'object') data = JSON.parse(record.assembly.text());
            else data = record.assembly.binary();
        } catch (error) {
            this.fail('MALFORMED_MESSAGE', `${record.kind} transfer ${record.transferId} from '${record.userid}' is not valid JSON: ${error.message}`, record, false);
            return;
        }
        if (typeof connection.onmessage === 'function') {
            this.runtime.deliverMessage(data, record.userid, record.extra);
        }
    }

    outgoingUpdate(userid, outcome) {
        const item = this.outgoing.get(outcome.transferId);
        if (!item) return;
        const event = this.event;
        if (outcome.event === event.Delivered) {
            this.outgoing.delete(outcome.transferId);
            const lane = this.lanes.get(userid);
            if (lane) lane.settled(item);
            if (item.job.kind === 'file') {
                const fileEvent = this.fileEvent(item, true);
                fileEvent.file = item.job.original;
                defineLazyUrl(fileEvent, item.job.original);
                this.call('onFileEnd', fileEvent);
                this.call('onFileSent', item.job.original, this.fileEvent(item, true));
            }
        } else if (outcome.event === event.Failed || outcome.event === event.Aborted) {
            this.outgoingFailed(item, outcome.code, wordsOf(outcome.text));
        }
    }

    // Complete, Failed, Abort or Cancel, written by the core into its output buffer.
    sendControl(userid, packetLength) {
        const channel = this.runtime.data.channels.get(userid);
        if (!channel || channel.readyState !== 'open') return;
        try {
            channel.send(this.views().output.subarray(0, packetLength));
        } catch (error) {
            // The channel is closing: its close event ends every transfer with this peer.
        }
    }

    // ---- peers and teardown

    // The peer left or its channel closed (web/runtime.js closePeer, data channel close): every
    // transfer with it ends with an error naming it; nothing half-received is delivered.
    peerGone(userid) {
        if (this.transferManager) {
            for (const outcome of this.transferManager.peerGone(userid)) this.ended(userid, outcome.direction === this.outgoingDirection, outcome.transferId, outcome.code, wordsOf(outcome.text));
        }
        const lane = this.lanes.get(userid);
        if (!lane) return;
        this.lanes.delete(userid);
        for (const item of lane.close()) {
            this.fail('TRANSFER_ABORTED', `'${userid}' left before ${describeJob(item.job)} could start`, item, true);
        }
    }

    ended(userid, outgoing, transferId, code, message) {
        if (outgoing) {
            const item = this.outgoing.get(transferId);
            if (item) this.outgoingFailed(item, code, message);
            return;
        }
        const record = this.incomingRecord(userid, transferId);
        if (!record) return;
        this.forgetIncoming(userid, transferId);
        record.assembly.discard();
        this.fail(code, message, record, false);
    }

    // leave(): every unfinished transfer ends with an error, and the core's manager is deleted
    // (a later session creates a new one).
    release() {
        const stopped = 'stopped: this page left the session';
        const queued = [];
        for (const [userid, lane] of [...this.lanes]) {
            this.lanes.delete(userid);
            for (const item of lane.close()) queued.push(item);
        }
        for (const item of [...this.outgoing.values()]) {
            this.outgoingFailed(item, 'TRANSFER_ABORTED', `transfer ${item.transferId} ("${item.job.name}") to '${item.userid}' ${stopped}`);
        }
        for (const [userid, records] of [...this.incoming]) {
            for (const record of [...records.values()]) this.ended(userid, false, record.transferId, 'TRANSFER_ABORTED', `transfer ${record.transferId} ("${record.name}") from '${userid}' ${stopped}`);
        }
        for (const item of queued) {
            this.fail('TRANSFER_ABORTED', `${describeJob(item.job)} to '${item.userid}' was not sent: this page left the session`, item, true);
        }
        for (const job of this.waitingForAnyone.splice(0)) {
            this.fail('TRANSFER_ABORTED', `${describeJob(job)} was not sent: this page left the session before any data channel opened`, { job, userid: '' }, true);
        }
        this.incoming.clear();
        this.outgoing.clear();
        if (this.transferManager) {
            this.transferManager.delete();
            this.transferManager = null;
            this.buffers = null;
        }
    }

    // ---- events

    selfId() {
        return this.runtime.userid || String(this.runtime.connection.userid);
    }

    // The member's extra as the room knows it, or null.
    memberExtra(userid) {
        const engine = this.runtime.engine;
        if (!engine) return null;
        const room = JSON.parse(engine.roomSnapshot() || 'null');
        const member = room && room.members ? room.members.find((entry) => entry.userid === userid) : null;
        return member && member.extra !== undefined ? member.extra : null;
    }

    // Upstream's file fields (v1.8/v3: uuid, name, size, type, maxChunks, userid, extra,
    // remoteUserId, sending). `userid`/`extra` are the file's sender; `remoteUserId` the other end.
    fileEvent(source, sending) {
        const connection = this.runtime.connection;
        const job = sending ? source.job : null;
        return {
            uuid: source.uuid,
            name: sending ? job.name : source.name,
            size: sending ? job.size : source.size,
            type: sending ? job.type : source.type,
            maxChunks: source.count,
            userid: sending ? this.selfId() : source.userid,
            extra: sending ? connection.extra : source.extra,
            remoteUserId: sending ? source.userid : source.remoteUserId,
            sending,
        };
    }

    fail(code, message, source, sending) {
        // `fileName`, not `name`: an Error's name is its type.
        const details = {
            userid: source.userid,
            uuid: source.uuid || undefined,
            fileName: sending ? source.job.name : source.name,
            size: sending ? source.job.size : source.size,
            kind: sending ? source.job.kind : source.kind,
            sending,
        };
        this.runtime.fireError(new RTCMultiConnectionError(code || 'TRANSFER_FAILED', message, details));
    }

    // A page's handler runs outside our loops: if it throws, the error is reported as uncaught
    // (as any handler's would be) and the transfers go on.
    call(name, ...args) {
        const handler = this.runtime.connection[name];
        if (typeof handler !== 'function') return;
        try {
            handler.apply(this.runtime.connection, args);
        } catch (error) {
            setTimeout(() => {
                throw error;
            }, 0);
        }
    }
}

// Text as UTF-8: ASCII text is encoded packet by packet as it is sent (AsciiTextSource),
// anything else once, here.
function encoded(kind, type, text) {
    if (ASCII.test(text)) return { kind, name: '', type, size: text.length, ascii: text, original: null };
    const bytes = new TextEncoder().encode(text);
    return { kind, name: '', type, size: bytes.byteLength, bytes, original: null };
}

const ASCII = /^[\x00-\x7f]*$/;

function describeJob(job) {
    if (job.kind === 'file') return `file "${job.name}"`;
    return `a ${job.kind} message of ${job.size} bytes`;
}

// event.url: a blob: URL of the file, made only when a page reads it (upstream's onFileEnd
// handlers show it); the page revokes it when done with it.
function defineLazyUrl(event, blob) {
    let url = null;
    Object.defineProperty(event, 'url', {
        enumerable: false,
        get() {
            if (url === null) url = URL.createObjectURL(blob);
            return url;
        },
    });
}
