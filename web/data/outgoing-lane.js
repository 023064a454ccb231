// Everything this page sends to one peer through the core's packets, on that peer's data
// channel: which transfer's packet goes next, and when the channel can take it.
//
// Flow control is the channel's own buffer: packets are written while bufferedAmount is at or
// under the window's high mark, and writing resumes on `bufferedamountlow` (the low mark). No
// timer, no acknowledgement per chunk, and the buffer never nears Chromium's 16 MiB limit
// ("send queue is full"). A small window starts fastest on a fresh connection
// (../shared/TOOLCHAIN.md: 128 KiB / 64 KiB starts in about 0.45 s where 8 MiB / 2 MiB stalls
// for up to 4 s); bench/files/ measures it against a raw channel.
//
// Order: small transfers (at most SMALL_TRANSFER_BYTES: texts, objects, small files) go first,
// oldest first, so a message is never stuck behind a large file; large transfers share what is
// left chunk by chunk, round robin, so several files progress at once.

export const SMALL_TRANSFER_BYTES = 1 << 20;
// Small transfers may fill the channel's buffer up to this many bytes, over the window: a
// message of up to 1 MiB goes out in one burst (with its Start, End and headers), as a raw
// send() of its pieces would, instead of waiting for the buffer to drain every 128 KiB.
// Large transfers keep the small window.
const SMALL_BURST_BYTES = SMALL_TRANSFER_BYTES + 256 * 1024;
// Large transfers written at the same time; more wait their turn (each holds a few MiB of
// read-ahead).
const MAX_SENDING_LARGE = 4;
// Transfers started and not yet confirmed by the receiver; the core's receiver accepts 256
// open transfers per sender (docs/protocol-packets.md).
const MAX_OPEN = 64;

export class OutgoingLane {
    // host: the Transfers object (web/data/transfers.js): the core, its buffers and the events.
    constructor(host, userid) {
        this.host = host;
        this.userid = userid;
        this.channel = null;
        this.items = []; // transfers queued or being written, in the order send() was called
        this.open = 0; // transfers started and not settled
        this.sendingLarge = 0;
        this.turn = 0; // round-robin position among large transfers
        this.pumping = false;
        this.closed = false;
        this.onLow = () => this.pump();
    }

    attach(channel) {
        if (this.channel === channel) return;
        this.detachChannel();
        this.channel = channel;
        channel.bufferedAmountLowThreshold = this.host.window.low;
        channel.addEventListener('bufferedamountlow', this.onLow);
        this.pump();
    }

    detachChannel() {
        if (this.channel) this.channel.removeEventListener('bufferedamountlow', this.onLow);
        this.channel = null;
    }

    enqueue(item) {
        this.items.push(item);
        this.pump();
    }

    // Writes packets while the channel takes them and some transfer has one ready.
    pump() {
        if (this.pumping || this.closed || !this.channel) return;
        const channel = this.channel;
        const high = this.host.window.high;
        this.pumping = true;
        try {
            while (channel.readyState === 'open') {
                const buffered = channel.bufferedAmount;
                if (buffered > SMALL_BURST_BYTES) break;
                const item = this.pick(buffered > high);
                if (!item) break;
                this.step(item);
            }
        } finally {
            this.pumping = false;
        }
    }

    // The next transfer to write a packet of: small ones first, oldest first; then large ones in
    // turn. `smallOnly` when the buffer is over the window (only small ones may burst).
    pick(smallOnly) {
        const items = this.items;
        for (const item of items) {
            if (item.small && this.ready(item)) return item;
        }
        if (smallOnly) return null;
        const count = items.length;
        for (let k = 0; k < count; k++) {
            const index = (this.turn + k) % count;
            const item = items[index];
            if (!item.small && this.ready(item)) {
                this.turn = index + 1;
                return item;
            }
        }
        return null;
    }

    ready(item) {
        if (item.state === 'queued') {
            return this.open < MAX_OPEN && (item.small || this.sendingLarge < MAX_SENDING_LARGE);
        }
        if (item.range === null) return true; // every chunk written: the End is next
        return item.source.ready(item.range.length);
    }

    // Writes and sends one packet of `item`.
    step(item) {
        const host = this.host;
        const manager = host.manager();
        if (item.state === 'queued') {
            const outcome = manager._startOutgoing(this.userid, item.description);
            if (!outcome.ok) {
                this.remove(item);
                host.refused(item, outcome);
                return;
            }
            item.state = 'sending';
            item.transferId = outcome.transferId;
            this.open += 1;
            if (!item.small) this.sendingLarge += 1;
            host.outgoingRegistered(item, outcome);
            // Sent before any event: a handler may call into the core, which reuses the buffer.
            if (!this.send(item, outcome.packetLength)) return;
            item.source = host.sourceFor(item, () => this.pump());
            item.range = manager.nextChunk(item.transferId);
            host.outgoingStarted(item);
            return;
        }
        if (item.range === null) {
            const outcome = manager._writeEnd(item.transferId);
            this.doneWriting(item);
            if (!outcome.ok) {
                host.outgoingFailed(item, outcome.code, host.wordsOf(outcome.text));
                return;
            }
            item.state = 'written';
            this.send(item, outcome.packetLength);
            return;
        }
        const length = item.range.length;
        item.source.copyTo(host.views().payload, length);
        const outcome = manager._writeChunkInPlace(item.transferId, length);
        if (!outcome.ok) {
            this.doneWriting(item);
            host.outgoingFailed(item, outcome.code, host.wordsOf(outcome.text));
            return;
        }
        if (!this.send(item, outcome.packetLength)) return;
        item.range = manager.nextChunk(item.transferId);
        host.chunkWritten(item, outcome);
    }

    send(item, packetLength) {
        try {
            this.channel.send(this.host.views().output.subarray(0, packetLength));
            return true;
        } catch (error) {
            // A channel that is closing throws here; its close event ends every transfer with
            // this peer. Anything else ends this transfer.
            this.doneWriting(item);
            this.host.sendFailed(item, error);
            return false;
        }
    }

    // The item leaves the writing queue (its End is written, or it failed).
    doneWriting(item) {
        const index = this.items.indexOf(item);
        if (index === -1) return;
        this.items.splice(index, 1);
        if (index < this.turn) this.turn -= 1;
        if (!item.small && item.state !== 'queued') this.sendingLarge -= 1;
        if (item.source) item.source.close();
    }

    // A started transfer ended (delivered, failed or aborted): room for the next one.
    settled(item) {
        this.doneWriting(item);
        if (item.state !== 'queued' && !item.settled) {
            item.settled = true;
            this.open -= 1;
        }
        this.pump();
    }

    remove(item) {
        this.doneWriting(item);
    }

    // The peer is gone: returns the transfers that never started (for the caller to report).
    close() {
        this.closed = true;
        this.detachChannel();
        const queued = this.items.filter((item) => item.state === 'queued');
        for (const item of [...this.items]) this.doneWriting(item);
        this.items = [];
        return queued;
    }
}
