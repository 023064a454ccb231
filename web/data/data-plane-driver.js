// Text and files on the data channels: the browser side of the core's data plane
// (src/dataplane/, docs/architecture.md "The data plane"). The core decides who gets what,
// when, in which order and at what pace, and what becomes of a transfer when a peer goes; this
// driver
//   - tells it about peers and channels: linked (link), made (attach), open, closed, gone
//     (detach), and their bufferedAmount before every call;
//   - hands it every binary message (copied into its arena) and every page send();
//   - carries out its commands: send these heap bytes or this frame on that channel, read the
//     next bytes of that file into the heap, and the page events (web/data/page-events.js);
//   - turns received chunks back into the page's values (web/data/incoming-assembly.js).
// Short messages (text and objects whose JSON is at most SMALL_MESSAGE_CHARS) travel as one
// JSON string frame ({"m": value}); everything else as the core's packets
// (docs/protocol-packets.md). Nothing is saved to disk by the library.
//
// One call into the core per browser event: a message, a bufferedamountlow, a piece of a file
// read, a send(). The core's answers are commands in the wasm heap, read through typed arrays
// (bindings/data_plane_bindings.cpp): no object, string or embind value per packet.
import { RTCMultiConnectionError, wordsOf } from '../errors.js';
import { AsciiTextReader, BlobReader, BytesReader } from './transfer-sources.js';
import { IncomingAssembly } from './incoming-assembly.js';
import { defineLazyUrl, fileEvent, progressEvent, transferError } from './page-events.js';

// Messages up to this many characters of JSON (or of text) stay single data-channel frames;
// longer ones travel as transfers. 16 Ki characters of JSON are at most 48 KiB of UTF-8, far
// under Chromium's 256 KiB message limit.
export const SMALL_MESSAGE_CHARS = 16384;

// src/dataplane/command.hpp: kinds, and 10 words per command (the 9th and 10th a double).
const SEND_PACKET = 1;
const SEND_FRAME = 2;
const READ_SOURCE = 3;
const CLOSE_SOURCE = 4;
const RELEASE_JOB = 5;
const SENT = 6;
const CHUNK = 7;
const RECEIVED = 8;
const DELIVERED = 9;
const WATCH = 10;
const NOTICE = 11;
const COMMAND_WORDS = 10;
const MAX_PACKET_BYTES = 262144;

const KIND_NAMES = ['file', 'text', 'object', 'binary']; // transfer::TransferKind values
// The names a typed array's constructor may have (a subclass's own name is not sent).
const TYPED_ARRAY_NAME = /^(?:(?:Int|Uint)(?:8|16|32)|Uint8Clamped|Float(?:32|64)|Big(?:Int|Uint)64)Array$|^DataView$/;
const ASCII = /^[\x00-\x7f]*$/;

export class DataPlaneDriver {
    constructor(runtime) {
        this.runtime = runtime;
        this.core = runtime.core;
        // The send window, chunk size, the receiver's Blob part size and the largest file read
        // at once; 0 keeps the defaults (bench/files/ --variants sets them; whole: -1 streams
        // every file).
        this.policy = { high: 0, low: 0, chunk: 0, part: 0, whole: 0 };
        this.plane = null; // the core's DataPlane, made on first use, deleted by release()
        this.warming = null; // the timer of warmUp()
        this.peers = new Map(); // userid -> peer {userid, index, channel, open}
        this.channels = new Map(); // userid -> RTCDataChannel
        this.byIndex = []; // the core's peer index -> peer
        this.openPeers = [];
        this.jobs = new Map(); // job id -> what the page sent
        this.nextJob = 1;
        this.outgoing = new Map(); // handle -> record of a started outgoing transfer
        this.incoming = new Map(); // handle -> record of an incoming transfer
        this.readers = new Map(); // handle -> the reader of its source
        this.filledAtOnce = new Map(); // handle -> reads filled while carrying out a call
        this.extras = new Map(); // userid -> {text, value}: the sender's extra, parsed once
        this.busy = false; // carrying out commands: calls wait in `later`
        this.later = [];
        this.message = null; // the packet being received: its chunks are kept as views of it
        this.heapBuffer = null;
        this.decoder = new TextDecoder();
    }

    // ---- the core and its memory

    ensurePlane() {
        if (!this.plane) {
            const { high, low, chunk } = this.policy;
            const plane = new this.core.DataPlane(high, low, chunk);
            this.plane = plane;
            this.headerAddress = plane.header();
            this.arena = plane.arena();
            this.bufferedAddress = plane.buffered();
        }
        return this.plane;
    }

    // Making the plane takes its arena from the wasm heap, which grows for it: 30 to 46 ms in
    // Chromium on a loaded 2-core machine (bench/files), on the path from join() to onopen of
    // both sides when their first link makes it. The runtime calls warmUp() after a page call
    // that a link with a data channel can follow: the plane is then made in a task of its own,
    // once the call's work (its requests to the server) is done.
    warmUp() {
        if (this.plane || this.warming) return;
        this.warming = setTimeout(() => {
            this.warming = null;
            // In a task of its own, a failure (the heap cannot grow) would be lost: the page
            // hears it, and the first link tries again.
            try {
                this.ensurePlane();
            } catch (error) {
                this.runtime.fireError(new RTCMultiConnectionError('OUT_OF_MEMORY', `the data plane could not be made: ${error && error.message}`));
            }
        }, 0);
    }

    // Typed arrays over the wasm heap; a grown heap is a new buffer.
    views() {
        const heap = this.core.HEAPU8;
        if (heap.buffer !== this.heapBuffer) {
            this.heapBuffer = heap.buffer;
            this.heap = heap;
            this.u32 = new Uint32Array(heap.buffer);
            this.f64 = new Float64Array(heap.buffer);
        }
    }

    // One call into the core, then its commands; calls made meanwhile (a page handler's send,
    // a read filled at once) follow in order.
    call(invoke) {
        if (this.busy) {
            this.later.push(invoke);
            return;
        }
        const plane = this.ensurePlane();
        this.busy = true;
        try {
            this.syncBuffered();
            this.execute(invoke(plane));
            while (this.u32[(this.headerAddress >> 2) + 4] === 1) {
                this.syncBuffered();
                this.execute(plane.resume());
            }
        } finally {
            this.busy = false;
        }
        for (const [handle, count] of this.filledAtOnce) this.later.push((core) => core.filled(handle, count));
        this.filledAtOnce.clear();
        if (this.later.length) this.call(this.later.shift());
    }

    syncBuffered() {
        this.views();
        const f64 = this.f64;
        const base = this.bufferedAddress >> 3;
        for (const peer of this.openPeers) f64[base + peer.index] = peer.channel.bufferedAmount;
    }

    execute(count) {
        if (count === 0) return;
        this.views();
        const header = this.headerAddress >> 2;
        const first = this.u32[header] >> 2;
        for (let i = 0; i < count; i++) {
            // A page handler may have grown the heap (it may call the engine).
            if (this.core.HEAPU8.buffer !== this.heapBuffer) this.views();
            const u32 = this.u32;
            const at = first + i * COMMAND_WORDS;
            switch (u32[at]) {
                case SEND_PACKET:
                    this.sendPacket(u32[at + 1], u32[at + 2], u32[at + 4], u32[at + 5]);
                    break;
                case SEND_FRAME:
                    this.sendFrame(u32[at + 1], u32[at + 3]);
                    break;
                case READ_SOURCE:
                    this.read(u32[at + 2], u32[at + 3], u32[at + 4], u32[at + 5], this.f64[(at >> 1) + 4]);
                    break;
                case CLOSE_SOURCE:
                    this.closeReader(u32[at + 2]);
                    break;
                case RELEASE_JOB:
                    this.jobs.delete(u32[at + 3]);
                    break;
                case SENT:
                    this.progress(this.outgoing.get(u32[at + 2]), u32[at + 6], this.f64[(at >> 1) + 4]);
                    break;
                case CHUNK:
                    this.chunk(u32[at + 2], u32[at + 7], u32[at + 4], u32[at + 5], u32[at + 6], this.f64[(at >> 1) + 4]);
                    break;
                case RECEIVED:
                    this.received(u32[at + 2]);
                    break;
                case DELIVERED:
                    this.delivered(u32[at + 2]);
                    break;
                case WATCH: {
                    const peer = this.byIndex[u32[at + 1]];
                    if (peer) peer.channel.bufferedAmountLowThreshold = u32[at + 5];
                    break;
                }
                case NOTICE: {
                    const text = u32[header + 2] + u32[at + 4];
                    this.notice(JSON.parse(this.decoder.decode(this.heap.subarray(text, text + u32[at + 5]))));
                    break;
                }
                default:
                    throw new RTCMultiConnectionError('UNKNOWN_ACTION', `the data plane asked for command ${u32[at]}, which this driver cannot do`);
            }
        }
    }

    // ---- channels (web/peers/peer-driver.js makes them; web/runtime.js hands them over)

    // The engine linked this peer with data (web/runtime.js CreatePeer): what is sent to
    // everyone from now on is the peer's too, before its channel exists. Returns the peer.
    link(userid) {
        const known = this.peers.get(userid);
        if (known) return known;
        const index = this.ensurePlane().attach(userid);
        if (index < 0) {
            this.runtime.fireError(new RTCMultiConnectionError('INVALID_STATE', `no data channel with '${userid}': too many peers have one`, { userid }));
            return null;
        }
        const peer = { userid, index, channel: null, open: false };
        this.peers.set(userid, peer);
        this.byIndex[index] = peer;
        return peer;
    }

    // The peer driver made the link's data channel.
    attach(userid, channel) {
        const known = this.peers.get(userid);
        if (known && known.channel && known.channel !== channel) {
            // A new channel for the same peer: the old one is gone with what was on it.
            forget(known.channel);
            this.unlistOpen(known);
            this.call((core) => core.channelClosed(known.index));
        }
        const peer = this.link(userid);
        if (!peer) return;
        peer.channel = channel;
        peer.open = false;
        this.channels.set(userid, channel);
        channel.onopen = () => this.opened(peer);
        channel.onclose = () => this.closed(peer);
        channel.onmessage = (event) => this.receive(peer, event.data);
        channel.onbufferedamountlow = () => this.call((core) => core.pump(peer.index));
        this.publishChannels();
        if (channel.readyState === 'open') this.opened(peer);
    }

    opened(peer) {
        if (peer.open || this.peers.get(peer.userid) !== peer) return;
        peer.open = true;
        this.openPeers.push(peer);
        this.publishChannels();
        this.call((core) => core.channelOpened(peer.index));
        this.runtime.tell('DataChannelOpened', { peer: peer.userid });
    }

    closed(peer) {
        if (this.peers.get(peer.userid) !== peer) return;
        this.channels.delete(peer.userid);
        this.unlistOpen(peer);
        this.publishChannels();
        this.call((core) => core.channelClosed(peer.index));
        this.runtime.tell('DataChannelClosed', { peer: peer.userid });
    }

    // The link is gone (web/runtime.js closePeer): every transfer with the peer ends.
    detach(userid) {
        const peer = this.peers.get(userid);
        if (!peer) return;
        if (peer.channel) forget(peer.channel);
        this.peers.delete(userid);
        this.channels.delete(userid);
        this.byIndex[peer.index] = null;
        this.unlistOpen(peer);
        this.extras.delete(userid);
        this.publishChannels();
        this.call((core) => core.detach(peer.index));
    }

    unlistOpen(peer) {
        peer.open = false;
        const at = this.openPeers.indexOf(peer);
        if (at !== -1) this.openPeers.splice(at, 1);
    }

    channelFor(userid) {
        return this.runtime.connection.channels[userid];
    }

    // connection.channels[userid] = {send(data)} for every link with a channel.
    publishChannels() {
        const channels = {};
        for (const userid of this.channels.keys()) {
            channels[userid] = { userid, send: (data) => this.runtime.connection.send(data, userid) };
        }
        this.runtime.connection.channels = channels;
    }

    sendPacket(index, handle, offset, length) {
        const peer = this.byIndex[index];
        if (!peer || peer.channel.readyState !== 'open') return;
        const start = this.arena + offset;
        try {
            peer.channel.send(this.heap.subarray(start, start + length));
        } catch (error) {
            // A closing channel throws; its close event ends every transfer with the peer.
            if (handle && peer.channel.readyState === 'open') this.later.push((core) => core.sendFailed(handle, `${error.name}: ${error.message}`));
        }
    }

    sendFrame(index, job) {
        const peer = this.byIndex[index];
        const frame = this.jobs.get(job);
        if (!peer || !frame || peer.channel.readyState !== 'open') return;
        try {
            peer.channel.send(frame.frame);
        } catch (error) {
            // As for packets: a closing channel's close event says what ended.
        }
    }

    // ---- sending

    // send(data[, userid]) of the page: short text and objects as frames, the rest as transfers.
    send(data, userid) {
        // v1.8: send([file1, file2]) shares each file.
        if (Array.isArray(data) && data.length > 0 && data.every((item) => item instanceof Blob)) {
            for (const file of data) this.send(file, userid);
            return;
        }
        const to = userid ? String(userid) : '';
        const id = this.nextJob++;
        const job = describe(data);
        if (!job) {
            const frame = JSON.stringify({ m: data === undefined ? null : data });
            this.jobs.set(id, { frame });
            this.call((core) => core.sendFrame(id, to, frame.length));
            return;
        }
        this.jobs.set(id, job);
        this.ensurePlane();
        this.call((core) => core.sendTransfer(id, to, KIND_NAMES.indexOf(job.kind), job.name, job.type, job.size));
    }

    read(handle, jobId, offset, length, position) {
        let reader = this.readers.get(handle);
        if (!reader) {
            const job = this.jobs.get(jobId);
            if (!job) return;
            reader = this.readerFor(handle, job);
            this.readers.set(handle, reader);
        }
        const filled = reader.request(this.arena + offset, length, position);
        if (filled > 0) this.filledAtOnce.set(handle, (this.filledAtOnce.get(handle) || 0) + filled);
    }

    readerFor(handle, job) {
        const heap = () => this.core.HEAPU8;
        if (job.ascii !== undefined) return new AsciiTextReader(job.ascii, heap);
        if (job.bytes) return new BytesReader(job.bytes, heap);
        return new BlobReader(
            job.blob,
            heap,
            (count) => this.call((core) => core.filled(handle, count)),
            (reason) => this.call((core) => core.readFailed(handle, reason)),
            this.policy.whole || undefined,
        );
    }

    closeReader(handle) {
        const reader = this.readers.get(handle);
        if (!reader) return;
        this.readers.delete(handle);
        reader.close();
    }

    // ---- receiving

    receive(peer, data) {
        if (this.peers.get(peer.userid) !== peer) return;
        if (typeof data === 'string') {
            this.receiveFrame(peer.userid, data);
            return;
        }
        this.views();
        const length = data.byteLength;
        // An oversize message is copied only in part; the core refuses it by its length.
        this.heap.set(length <= MAX_PACKET_BYTES ? new Uint8Array(data) : new Uint8Array(data, 0, MAX_PACKET_BYTES), this.arena);
        this.message = data;
        try {
            this.call((core) => core.receive(peer.index, length, this.engineHandle()));
        } finally {
            this.message = null;
        }
    }

    receiveFrame(userid, text) {
        let value;
        try {
            value = JSON.parse(text).m;
        } catch (error) {
            this.runtime.fireError(new RTCMultiConnectionError('MALFORMED_MESSAGE', `a data-channel message from '${userid}' is not ours: ${error.message}`, { userid }));
            return;
        }
        this.deliverMessage(value, userid, this.extraOf(userid));
    }

    // The handle of the engine whose room names the members (bindings/handles.js), 0 for none.
    engineHandle() {
        const engine = this.runtime.engine;
        return engine ? engine['coreHandle'] || 0 : 0;
    }

    // The sender's extra as the core's room knows it: read from the core once per change of
    // the room (issue 13, defect 12), not for every message.
    extraOf(userid) {
        const known = this.extras.get(userid);
        if (known) return known;
        const value = JSON.parse(this.ensurePlane().extraOf(this.engineHandle(), userid));
        this.extras.set(userid, value);
        return value;
    }

    // The engine handled an event (web/runtime.js call/tell): the room may have changed.
    roomChanged() {
        if (this.extras.size) this.extras.clear();
    }

    chunk(handle, index, offset, length, done, bytes) {
        const record = this.incoming.get(handle);
        if (!record) return;
        record.assembly.add(index, new Uint8Array(this.message, offset, length));
        this.progress(record, done, bytes);
    }

    progress(record, done, bytes) {
        if (record && record.kind === 'file' && typeof this.runtime.connection.onFileProgress === 'function') {
            this.callPage('onFileProgress', progressEvent(record, done, bytes));
        }
    }

    // The core verified every byte: the page gets the value.
    received(handle) {
        const record = this.incoming.get(handle);
        if (!record) return;
        this.incoming.delete(handle);
        if (record.kind === 'file') {
            const file = record.assembly.file();
            // Upstream's fields on the File itself, so onFileReceived's second argument has them.
            file.uuid = record.uuid;
            file.userid = record.userid;
            file.extra = record.senderExtra;
            const event = fileEvent(record);
            event.file = file;
            defineLazyUrl(event, file);
            this.callPage('onFileEnd', event);
            this.callPage('onFileReceived', record.name, file);
            return;
        }
        let data;
        try {
            if (record.kind === 'text') data = record.assembly.text();
            else if (record.kind === 'object') data = JSON.parse(record.assembly.text());
            else data = record.assembly.binary();
        } catch (error) {
            this.runtime.fireError(transferError('MALFORMED_MESSAGE', `${record.kind} transfer ${record.transferId} from '${record.userid}' is not valid JSON: ${error.message}`, record));
            return;
        }
        this.deliverMessage(data, record.userid, record.senderExtra);
    }

    delivered(handle) {
        const record = this.outgoing.get(handle);
        if (!record) return;
        this.outgoing.delete(handle);
        if (record.kind !== 'file') return;
        const event = fileEvent(record);
        event.file = record.original;
        defineLazyUrl(event, record.original);
        this.callPage('onFileEnd', event);
        this.callPage('onFileSent', record.original, fileEvent(record));
    }

    // onmessage: short and long messages alike (web/runtime.js says what the event is).
    deliverMessage(data, userid, extra) {
        try {
            this.runtime.deliverMessage(data, userid, extra);
        } catch (error) {
            // As callPage: a throwing handler is reported as uncaught, the data plane goes on.
            setTimeout(() => {
                throw error;
            }, 0);
        }
    }

    // ---- notices: transfers that start or end, packets refused, sends that never left

    notice(notice) {
        switch (notice.type) {
            case 'started':
                this.outgoingStarted(notice);
                break;
            case 'incoming':
                this.incomingStarted(notice);
                break;
            case 'ended': {
                const records = notice.sending ? this.outgoing : this.incoming;
                const record = records.get(notice.handle);
                if (!record) return;
                records.delete(notice.handle);
                if (record.assembly) record.assembly.discard();
                this.runtime.fireError(transferError(notice.code, wordsOf(notice.text), record));
                break;
            }
            case 'not-sent': {
                const job = this.jobs.get(notice.job) || {};
                const record = { userid: notice.userid, name: job.name, size: job.size, kind: job.kind, sending: true };
                this.runtime.fireError(transferError(notice.code, wordsOf(notice.text), record));
                break;
            }
            case 'refused':
                this.runtime.fireError(new RTCMultiConnectionError(notice.code, wordsOf(notice.text), { userid: notice.userid }));
                break;
            default:
                break;
        }
    }

    selfId() {
        return this.runtime.userid || String(this.runtime.connection.userid);
    }

    outgoingStarted(notice) {
        const job = this.jobs.get(notice.job);
        if (!job) return;
        const self = this.selfId();
        const record = {
            sending: true,
            kind: job.kind,
            name: job.name,
            type: job.type,
            size: job.size,
            count: notice.count,
            transferId: notice.transferId,
            userid: notice.userid,
            uuid: `${self}:${notice.transferId}`,
            senderId: self,
            senderExtra: this.runtime.connection.extra,
            original: job.original,
        };
        this.outgoing.set(notice.handle, record);
        if (record.kind === 'file') this.callPage('onFileStart', fileEvent(record));
    }

    incomingStarted(notice) {
        const record = {
            sending: false,
            kind: KIND_NAMES.includes(notice.kind) ? notice.kind : 'binary',
            name: notice.name,
            type: notice.mime,
            size: notice.size,
            count: notice.count,
            transferId: notice.transferId,
            userid: notice.userid,
            uuid: `${notice.userid}:${notice.transferId}`,
            senderId: notice.userid,
            senderExtra: notice.extra,
            assembly: null,
        };
        record.assembly = new IncomingAssembly({ kind: record.kind, name: record.name, type: record.type, size: record.size, count: record.count }, this.policy.part || undefined);
        this.incoming.set(notice.handle, record);
        if (record.kind === 'file') this.callPage('onFileStart', fileEvent(record));
    }

    // A page's handler runs outside our loops: if it throws, the error is reported as uncaught
    // (as any handler's would be) and the transfers go on.
    callPage(name, ...args) {
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

    // Transfers the core holds open (tests: nothing half-open is left).
    openTransfers() {
        return this.plane ? this.plane.outgoingCount() + this.plane.incomingCount() : 0;
    }

    // ---- leave()

    // Every unfinished transfer and send ends with an error; the core's plane is deleted (a
    // later session makes a new one).
    release() {
        clearTimeout(this.warming);
        this.warming = null;
        for (const peer of this.peers.values()) if (peer.channel) forget(peer.channel);
        if (this.plane) {
            this.call((core) => core.release());
            this.plane.delete();
            this.plane = null;
        }
        for (const reader of this.readers.values()) reader.close();
        this.readers.clear();
        this.peers.clear();
        this.channels.clear();
        this.byIndex = [];
        this.openPeers = [];
        this.jobs.clear();
        this.outgoing.clear();
        this.incoming.clear();
        this.extras.clear();
        this.later = [];
        this.heapBuffer = null;
        this.publishChannels();
    }
}

function forget(channel) {
    channel.onopen = channel.onclose = channel.onmessage = channel.onbufferedamountlow = null;
}

// What travels as a transfer: {kind, name, type, size, blob | bytes | ascii, original}, or
// null for a value that fits one JSON frame.
function describe(data) {
    if (data instanceof Blob) {
        return { kind: 'file', name: typeof data.name === 'string' ? data.name : '', type: data.type || '', size: data.size, blob: data, original: data };
    }
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
        const viewName = ArrayBuffer.isView(data) && data.constructor ? data.constructor.name : '';
        // Copied once into a Blob, so that later changes to the caller's buffer do not reach a
        // transfer under way (the Blob is read like a file).
        const blob = new Blob([data]);
        return { kind: 'binary', name: TYPED_ARRAY_NAME.test(viewName) ? viewName : '', type: '', size: blob.size, blob, original: data };
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

// Text as UTF-8: ASCII text is encoded chunk by chunk as it is sent (AsciiTextReader),
// anything else once, here.
function encoded(kind, type, text) {
    if (ASCII.test(text)) return { kind, name: '', type, size: text.length, ascii: text, original: null };
    const bytes = new TextEncoder().encode(text);
    return { kind, name: '', type, size: bytes.byteLength, bytes, original: null };
}
