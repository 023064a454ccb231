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
// Why 16 MiB: each Blob costs the page a price of its own on top of the copy (its registration
// with the browser process and its transport). In Chromium 156 here, turning 64 MiB of
// messages into Blobs of 4 MiB took 165-190 ms of the main thread, into Blobs of 16 MiB
// 99-144 ms, into one Blob 69-82 ms. With 4 MiB parts, a 256 MiB file spent 537-627 ms in the
// Blob constructor (a raw receiver's single Blob: 184-194 ms), the receiving page used about
// 3 ms/MiB more CPU than a raw one and the link ran about 13% slower (bench/files/).
const PART_FLUSH_BYTES = 16 << 20;

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
    // metadata: {kind: 'file'|'text'|'object'|'binary', name, type, size, count}
    constructor(metadata) {
        this.metadata = metadata;
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
        if (this.metadata.kind === 'file' && this.viewBytes >= PART_FLUSH_BYTES) this.flush();
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
