// Where a sender's bytes come from. The core asks for them chunk by chunk (ReadSource: "the
// next `length` bytes into the heap at `address`"), in order and ahead of the channel; a
// reader answers each request by copying the bytes into the wasm heap and reports how many
// requests it filled (onFilled). The core decides how far ahead to read; readers keep no more
// than what was asked for, plus the rest of the pieces the browser handed them.
//   - AsciiTextReader: ASCII text (and JSON), encoded into the heap as it is asked for;
//   - BytesReader: bytes already in memory (other text, encoded once);
//   - BlobReader: a File or Blob streamed from the browser's blob storage.
// `heap()` returns the current Module.HEAPU8 (a grown heap replaces it).

class Requests {
    constructor() {
        this.list = []; // [address, length] pairs not filled yet, in order
        this.head = 0;
    }

    push(address, length) {
        this.list.push(address, length);
    }

    get empty() {
        return this.head === this.list.length;
    }

    shift() {
        this.head += 2;
        if (this.head === this.list.length) {
            this.list.length = 0;
            this.head = 0;
        }
    }
}

// Text of one byte per character: each request is encoded straight into the heap, so the
// whole text is never encoded at once (encoding 1 MiB up front took 4-11 ms in Chromium here,
// mostly allocating the result, before the first packet could leave).
export class AsciiTextReader {
    constructor(text, heap) {
        this.text = text;
        this.heap = heap;
        this.encoder = new TextEncoder();
    }

    // Fills at once; returns how many requests were filled.
    request(address, length, position) {
        const heap = this.heap();
        this.encoder.encodeInto(this.text.substring(position, position + length), heap.subarray(address, address + length));
        return 1;
    }

    close() {
        this.text = null;
    }
}

export class BytesReader {
    constructor(bytes, heap) {
        this.bytes = bytes; // Uint8Array
        this.heap = heap;
    }

    request(address, length, position) {
        this.heap().set(this.bytes.subarray(position, position + length), address);
        return 1;
    }

    close() {
        this.bytes = null;
    }
}

// Files up to this many bytes are read with one arrayBuffer(), as a raw sender would: one
// request to the browser process instead of a stream's. Larger ones are streamed, so that the
// page never holds a large file at once. With every file of 64 MiB read whole, bench/files/
// measured the sender at 46.1 ms of CPU per MiB against 46.9 streamed (5 rounds, a loaded
// machine: within the noise), so the memory of whole reads is spent only on small files.
export const WHOLE_READ_BYTES = 8 << 20;

// A reader with the stream reader's read() and cancel() that reads the whole Blob at once.
class WholeBlobReader {
    constructor(blob) {
        this.blob = blob;
    }

    read() {
        const blob = this.blob;
        if (!blob) return Promise.resolve({ done: true, value: undefined });
        this.blob = null;
        return blob.arrayBuffer().then((buffer) => ({ done: false, value: new Uint8Array(buffer) }));
    }

    cancel() {
        this.blob = null;
        return Promise.resolve();
    }
}

// One stream for a large file (blob.stream()): reading it in slices (blob.slice() then
// arrayBuffer()) costs the renderer about a third more CPU and the browser process ten times
// more than the stream, whose reads are pipelined (bench/files/README.md).
export class BlobReader {
    // onFilled(count): requests filled since the last call; onError(reason): the file cannot
    // be read (a string for the receiver and the page); wholeReadBytes: see WHOLE_READ_BYTES.
    constructor(blob, heap, onFilled, onError, wholeReadBytes = WHOLE_READ_BYTES) {
        this.reader = blob.size <= wholeReadBytes ? new WholeBlobReader(blob) : blob.stream().getReader();
        this.heap = heap;
        this.onFilled = onFilled;
        this.onError = onError;
        this.requests = new Requests();
        this.piece = null; // the piece of the stream being copied out
        this.pieceAt = 0; // bytes of it already copied
        this.pieces = []; // pieces read after it
        this.partial = 0; // bytes of the first request already filled
        this.reading = false;
        this.closed = false;
    }

    // Nothing is filled at once: the bytes come from the browser process.
    request(address, length) {
        this.requests.push(address, length);
        this.fill();
        return 0;
    }

    // Copies what is at hand into the requests in order (a request may take the end of one
    // piece and the start of the next); whole requests are reported.
    fill() {
        if (this.closed) return;
        const requests = this.requests;
        let filled = 0;
        let heap = null;
        while (!requests.empty && this.piece !== null) {
            const address = requests.list[requests.head];
            const length = requests.list[requests.head + 1];
            const take = Math.min(length - this.partial, this.piece.byteLength - this.pieceAt);
            heap = heap || this.heap();
            heap.set(this.piece.subarray(this.pieceAt, this.pieceAt + take), address + this.partial);
            this.pieceAt += take;
            this.partial += take;
            if (this.pieceAt === this.piece.byteLength) {
                this.piece = this.pieces.length ? this.pieces.shift() : null;
                this.pieceAt = 0;
            }
            if (this.partial === length) {
                requests.shift();
                this.partial = 0;
                filled += 1;
            }
        }
        if (filled > 0) this.onFilled(filled);
        if (!requests.empty && this.piece === null) this.read();
    }

    read() {
        if (this.reading || this.done || this.closed) return;
        this.reading = true;
        this.reader.read().then(
            ({ done, value }) => {
                this.reading = false;
                if (this.closed) return;
                if (done) {
                    this.done = true;
                    const missing = this.missingBytes();
                    if (missing > 0) this.fail(`the file ended ${missing} bytes early; was it changed?`);
                    return;
                }
                if (value.byteLength > 0) {
                    if (this.piece === null) this.piece = value;
                    else this.pieces.push(value);
                }
                this.fill();
            },
            (error) => {
                this.reading = false;
                this.fail(`${error.name}: ${error.message}`);
            },
        );
    }

    missingBytes() {
        let missing = -this.partial;
        const requests = this.requests;
        for (let at = requests.head; at < requests.list.length; at += 2) missing += requests.list[at + 1];
        return missing;
    }

    fail(reason) {
        if (this.closed) return;
        this.closed = true;
        this.onError(reason);
    }

    close() {
        if (this.closed && !this.reader) return;
        this.closed = true;
        this.piece = null;
        this.pieces = [];
        this.requests = new Requests();
        const reader = this.reader;
        this.reader = null;
        if (reader) reader.cancel().catch(() => {});
    }
}
