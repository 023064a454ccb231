// The page's view of transfers: upstream's event objects for onFileStart, onFileProgress,
// onFileEnd, onFileSent and onFileReceived, and the Error of a transfer that ended badly.
// Only shapes here: which event fires when is the core's (web/data/data-plane-driver.js
// carries its commands out).
import { RTCMultiConnectionError } from '../errors.js';

// Upstream's file fields (v1.8/v3: uuid, name, size, type, maxChunks, userid, extra,
// remoteUserId, sending). `userid`/`extra` are the file's sender; `remoteUserId` the other end.
// `record` is an outgoing or incoming transfer of the driver.
export function fileEvent(record) {
    return {
        uuid: record.uuid,
        name: record.name,
        size: record.size,
        type: record.type,
        maxChunks: record.count,
        userid: record.senderId,
        extra: record.senderExtra,
        remoteUserId: record.userid,
        sending: record.sending,
    };
}

// onFileProgress: counts in chunk packets with upstream's names, plus bytes.
export function progressEvent(record, done, bytes) {
    const progress = fileEvent(record);
    progress.length = record.count;
    if (record.sending) progress.sent = done;
    else progress.received = done;
    progress.remaining = record.count - done;
    progress.bytes = bytes;
    progress.currentPosition = done;
    return progress;
}

// event.url: a blob: URL of the file, made only when a page reads it (upstream's onFileEnd
// handlers show it); the page revokes it when done with it.
export function defineLazyUrl(event, blob) {
    let url = null;
    Object.defineProperty(event, 'url', {
        enumerable: false,
        get() {
            if (url === null) url = URL.createObjectURL(blob);
            return url;
        },
    });
}

// The Error of a transfer or job: `fileName`, not `name` (an Error's name is its type).
export function transferError(code, message, record) {
    return new RTCMultiConnectionError(code || 'TRANSFER_FAILED', message, {
        userid: record.userid,
        uuid: record.uuid || undefined,
        fileName: record.name,
        size: record.size,
        kind: record.kind,
        sending: record.sending,
    });
}
