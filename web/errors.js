// Errors reach pages as Error objects with a stable `.code` (the core's ErrorCode names, the
// server's codes, or the browser's DOMException name) and a message written for a developer.
export class RTCMultiConnectionError extends Error {
    constructor(code, message, details = {}) {
        super(message);
        this.name = 'RTCMultiConnectionError';
        this.code = code;
        Object.assign(this, details);
    }
}

// Turns an engine "onerror" payload into the event object handed to connection.onerror: an
// Error that also carries upstream's {userid, extra} fields.
export function errorFromPayload(payload) {
    const { code, message, ...rest } = payload;
    return new RTCMultiConnectionError(code || 'ERROR', message || String(code), rest);
}
