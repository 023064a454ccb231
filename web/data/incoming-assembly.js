// The receiving end of one transfer: keeps each accepted chunk's payload (a view of the message
// that carried it, no copy) in index order, and builds the value the page gets once the core
// has verified the whole transfer.
//
// Files go to Blob parts as they arrive: every PART_FLUSH_BYTES of payload becomes one Blob,
// so the JS heap holds at most that much of a file of any size (Chromium's blob storage holds
// the rest, in memory or on disk). Text, objects and binary data become one JS value in the
// end, so they stay as views until then.
//
// Why 16 MiB: each Blob costs its page a fixed price on top of the copy (registration with the
// browser process, a shared-memory transport). Measured in Chromium 156 here, making 64 MiB
// into Blobs of 4 MiB took 165-190 ms of the receiver's main thread, of 16 MiB 99-144 ms, and
// one Blob of it 69-82 ms; with 4 MiB parts the receiver spent about 3 ms/MiB more CPU than a
// raw channel and the link ran about 15% slower (bench/files/).
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
        return new TextDecoder().decode(this.bytes());
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
        this.blobs = [];
        this.early.clear();
    }
}
