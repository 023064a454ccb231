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
// request to the browser process. Larger ones are read in slices of SLICE_READ_BYTES, one
// slice read ahead, so that the page holds at most three slices of a file at once.
export const WHOLE_READ_BYTES = 8 << 20;
export const SLICE_READ_BYTES = 4 << 20;

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

// The same, slice by slice: blob.slice().arrayBuffer() of a few MiB, the next slice asked for
// as soon as the current one is handed out. Reading a file through blob.stream() cost the
// sender's main thread 14 to 17 ms of CPU per MiB in Chromium (the stream's pieces are small,
// each a promise and a copy), against 7 to 9 for arrayBuffer() reads of 4 MiB or more, about
// what a raw sender spends on one arrayBuffer() of the whole file (bench/files/, --profile).
class SlicedBlobReader {
    constructor(blob, sliceBytes) {
        this.blob = blob;
        this.sliceBytes = sliceBytes;
        this.position = 0;
        this.ahead = null; // the next slice: {bytes (a promise of its ArrayBuffer), length}
    }

    slice() {
        const blob = this.blob;
        if (!blob || this.position >= blob.size) return null;
        const end = Math.min(blob.size, this.position + this.sliceBytes);
        const bytes = blob.slice(this.position, end).arrayBuffer();
        // A failure is reported by the read() that hands this slice out; a cancelled read
        // ahead is nobody's news.
        bytes.catch(() => {});
        const length = end - this.position;
        this.position = end;
        return { bytes, length };
    }

    read() {
        const current = this.ahead || this.slice();
        this.ahead = current ? this.slice() : null;
        if (!current) return Promise.resolve({ done: true, value: undefined });
        return current.bytes.then((buffer) => {
            // Fewer bytes than the slice holds: the file was cut short on disk. What came is
            // handed out and the file ends here (BlobReader reports how much is missing).
            if (buffer.byteLength < current.length) this.cancel();
            return { done: false, value: new Uint8Array(buffer) };
        });
    }

    cancel() {
        this.blob = null;
        this.ahead = null;
        return Promise.resolve();
    }
}

// A file read for one transfer: whole, in slices, or (wholeReadBytes < 0, to compare in
// bench/files/) through blob.stream().
function blobPieces(blob, wholeReadBytes) {
    if (wholeReadBytes < 0) return blob.stream().getReader();
    if (blob.size <= wholeReadBytes) return new WholeBlobReader(blob);
    return new SlicedBlobReader(blob, SLICE_READ_BYTES);
}

// A File or Blob, read in pieces (blobPieces) and copied into the requests in order.
export class BlobReader {
    // onFilled(count): requests filled since the last call; onError(reason): the file cannot
    // be read (a string for the receiver and the page); wholeReadBytes: see WHOLE_READ_BYTES.
    constructor(blob, heap, onFilled, onError, wholeReadBytes = WHOLE_READ_BYTES) {
        this.reader = blobPieces(blob, wholeReadBytes);
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
