// The receiving end of one transfer: keeps each accepted chunk's payload (a view of the message
// that carried it, no copy) in index order, and builds the value the page gets once the core
// has verified the whole transfer.
//
// Files go to Blob parts as they arrive: every PART_FLUSH_BYTES of payload becomes one Blob,
// so the JS heap holds at most that much of a file of any size (Chromium's blob storage holds
// the rest, in memory or on disk). Text and objects are decoded from UTF-8 as they arrive, so
// that little is left to do once the last packet is in. Binary data becomes one ArrayBuffer in
// the end, so it stays as views until then.
//
// Why 64 MiB: each Blob costs the page a price of its own on top of the copy (its registration
// with the browser process and its transport). In Chromium 156 here, turning 64 MiB of 128 KiB
// messages into Blobs of 2 MiB took 690-1060 ms of the main thread, into Blobs of 16 MiB
// 530-590 ms, into one Blob 300-370 ms (2026-12-05, a loaded machine). In bench/files/ (64 MiB,
// 5 rounds, one run) the receiving page spent 53.6 ms of CPU per MiB with 16 MiB parts and
// 43.9-45.2 with 64 MiB ones, against 43.0 for a raw receiver that makes one Blob of every
// message. The price is memory: up to 64 MiB of a file's messages are held by the page before
// they become a Blob (a raw receiver holds the whole file).
const PART_FLUSH_BYTES = 64 << 20;

const TYPED_ARRAYS = {
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array: typeof BigInt64Array === 'function' ? BigInt64Array : undefined,
    BigUint64Array: typeof BigUint64Array === 'function' ? BigUint64Array : undefined,
    DataView,
};

export class IncomingAssembly {
    // metadata: {kind: 'file'|'text'|'object'|'binary', name, type, size, count}; partBytes:
    // the size of a file's Blob parts (bench/files/ --variants tries others).
    constructor(metadata, partBytes = PART_FLUSH_BYTES) {
        this.metadata = metadata;
        this.partBytes = partBytes;
        this.nextIndex = 0;
        this.early = new Map(); // index -> view, for chunks that overtook earlier ones
        this.views = []; // contiguous payload views not yet in a Blob
        this.viewBytes = 0;
        this.blobs = []; // files: consolidated parts
        this.isText = metadata.kind === 'text' || metadata.kind === 'object';
        this.decoder = this.isText ? new TextDecoder() : null;
        // Text and objects: decoded so far. Appended with +=, which V8 keeps as a rope (no copy)
        // until the page reads the characters; a join() at the end copied the whole text.
        this.decoded = '';
    }

    // A chunk the core accepted: `view` is its payload inside the received message.
    add(index, view) {
        if (index !== this.nextIndex) {
            this.early.set(index, view);
            return;
        }
        this.append(view);
        this.nextIndex += 1;
        while (this.early.has(this.nextIndex)) {
            const next = this.early.get(this.nextIndex);
            this.early.delete(this.nextIndex);
            this.append(next);
            this.nextIndex += 1;
        }
    }

    append(view) {
        if (this.isText) {
            this.decoded += this.decoder.decode(view, { stream: true });
            return;
        }
        this.views.push(view);
        this.viewBytes += view.byteLength;
        if (this.metadata.kind === 'file' && this.viewBytes >= this.partBytes) this.flush();
    }

    flush() {
        if (this.views.length === 0) return;
        this.blobs.push(new Blob(this.views));
        this.views = [];
        this.viewBytes = 0;
    }

    // Files: a File of every part, with the sender's name and type.
    file() {
        this.flush();
        const { name, type } = this.metadata;
        const file = new File(this.blobs, name, { type });
        this.blobs = [];
        return file;
    }

    bytes() {
        const all = new Uint8Array(this.viewBytes);
        let offset = 0;
        for (const view of this.views) {
            all.set(view, offset);
            offset += view.byteLength;
        }
        this.views = [];
        this.viewBytes = 0;
        return all;
    }

    text() {
        const text = this.decoded + this.decoder.decode();
        this.decoded = '';
        return text;
    }

    // Binary data arrives as the kind of array it was sent as (the sender puts the constructor's
    // name in the metadata), or as an ArrayBuffer.
    binary() {
        const buffer = this.bytes().buffer;
        const View = TYPED_ARRAYS[this.metadata.name];
        if (!View) return buffer;
        if (View === DataView) return new DataView(buffer);
        if (buffer.byteLength % View.BYTES_PER_ELEMENT !== 0) return buffer;
        return new View(buffer);
    }

    discard() {
        this.views = [];
        this.decoded = '';
        this.blobs = [];
        this.early.clear();
    }
}
