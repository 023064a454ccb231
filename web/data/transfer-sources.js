// Where a sender's chunks come from. Every source answers ready(length) (are the next `length`
// bytes in memory?) and copyTo(target, length) (copy them into `target`, the core's chunk
// payload buffer, and move on). A source that is not ready calls `onReady` when it becomes so;
// the sender serves other transfers meanwhile.
//   - AsciiTextSource: ASCII text (and JSON) encoded packet by packet;
//   - BytesSource: bytes already in memory (other text, encoded once);
//   - BlobSource: a File or Blob streamed ahead of the sender, so that the channel never waits
//     on the disk and no more than a few MiB of a file are in the JS heap at once.

export class BytesSource {
    constructor(bytes) {
        this.bytes = bytes; // Uint8Array
        this.offset = 0;
    }

    ready(length) {
        return this.offset + length <= this.bytes.byteLength;
    }

    copyTo(target, length) {
        target.set(this.bytes.subarray(this.offset, this.offset + length));
        this.offset += length;
    }

    close() {
        this.bytes = null;
    }
}

// ASCII text, encoded into each packet as it is written: one byte per character, so its size
// is known without encoding it first. Encoding a whole 1 MiB string up front took 4-11 ms in
// Chromium here (mostly allocating the result) before the first packet could leave.
export class AsciiTextSource {
    constructor(text) {
        this.text = text;
        this.offset = 0;
        this.encoder = new TextEncoder();
    }

    ready(length) {
        return this.offset + length <= this.text.length;
    }

    copyTo(target, length) {
        this.encoder.encodeInto(this.text.substring(this.offset, this.offset + length), target.subarray(0, length));
        this.offset += length;
    }

    close() {
        this.text = null;
    }
}

// Bytes read ahead of the sender: 2 MiB is about 50 ms of the link's 46 MiB/s
// (../shared/TOOLCHAIN.md), far more than a read takes.
const READ_AHEAD_BYTES = 2 << 20;

// Reads through blob.stream(): one stream for the whole file. Reading it in slices
// (blob.slice().arrayBuffer()) costs a synchronous round trip to the browser process per slice
// to register the slice, 1.7 ms each on these machines, on the sender's main thread; the
// stream's reads are pipelined (bench/files/README.md).
export class BlobSource {
    // onReady(): bytes the sender waited for have arrived. onError(error): the file cannot be read.
    constructor(blob, onReady, onError) {
        this.reader = blob.stream().getReader();
        this.onReady = onReady;
        this.onError = onError;
        this.chunks = []; // Uint8Array pieces of the stream not yet copied out, in order
        this.head = 0; // bytes of chunks[0] already copied out
        this.queued = 0; // bytes in chunks not yet copied out
        this.reading = false;
        this.done = false;
        this.waiting = false; // ready() said no since the last onReady
        this.failed = false;
        this.closed = false;
        this.readMore();
    }

    ready(length) {
        if (this.queued >= length) {
            this.readMore();
            return true;
        }
        if (this.done) {
            // The file is shorter than when it was sent (it changed on disk): never a short chunk.
            this.fail(new Error(`the file ended ${length - this.queued} bytes early; was it changed?`));
            return false;
        }
        this.waiting = true;
        this.readMore();
        return false;
    }

    fail(error) {
        if (this.closed || this.failed) return;
        this.failed = true;
        // Reported outside the sender's loop, as a read error is.
        Promise.resolve().then(() => {
            if (!this.closed) this.onError(error);
        });
    }

    copyTo(target, length) {
        let written = 0;
        while (written < length) {
            const chunk = this.chunks[0];
            const take = Math.min(length - written, chunk.byteLength - this.head);
            target.set(chunk.subarray(this.head, this.head + take), written);
            written += take;
            this.head += take;
            if (this.head === chunk.byteLength) {
                this.chunks.shift();
                this.head = 0;
            }
        }
        this.queued -= length;
        this.readMore();
    }

    readMore() {
        if (this.reading || this.done || this.closed || this.queued >= READ_AHEAD_BYTES) return;
        this.reading = true;
        this.reader.read().then(
            ({ done, value }) => {
                this.reading = false;
                if (this.closed) return;
                if (done) this.done = true;
                else if (value.byteLength > 0) {
                    this.chunks.push(value);
                    this.queued += value.byteLength;
                }
                this.readMore();
                if (this.waiting) {
                    this.waiting = false;
                    this.onReady();
                }
            },
            (error) => {
                this.reading = false;
                this.fail(error);
            },
        );
    }

    close() {
        if (this.closed) return;
        this.closed = true;
        this.chunks = [];
        this.reader.cancel().catch(() => {});
    }
}
