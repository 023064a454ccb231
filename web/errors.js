// Errors reach pages as Error objects with a stable `.code` (the core's ErrorCode names, the
// server's codes, or the browser's DOMException name) and a message written for a developer.
// The core sends its words as a Text: [[textId, args...], ...], numbers into the table
// generated from src/common/texts.def (the sentences are not in the wasm module).
import { CORE_TEXTS } from './generated/core-texts.js';

export class RTCMultiConnectionError extends Error {
    constructor(code, message, details = {}) {
        super(message);
        this.name = 'RTCMultiConnectionError';
        this.code = code;
        Object.assign(this, details);
    }
}

// The sentence of a core Text, given as parts or as their JSON.
export function wordsOf(text) {
    const parts = typeof text === 'string' ? (text ? JSON.parse(text) : []) : text || [];
    return parts
        .map(([id, ...args]) => {
            const sentence = CORE_TEXTS[id];
            if (sentence === undefined) return `(text ${id}: ${args.join(', ')})`;
            return sentence.replace(/\{(\d)\}/g, (placeholder, index) => (index < args.length ? args[index] : placeholder));
        })
        .join('');
}

// An Error for a refused core call: {code, text} of a parse result or a transfer outcome.
export function coreError(outcome, details) {
    return new RTCMultiConnectionError(outcome.code, wordsOf(outcome.text), details);
}

// Turns an engine "onerror" payload into the event object handed to connection.onerror: an
// Error that also carries upstream's {userid, extra} fields.
export function errorFromPayload(payload) {
    const { code, text, message, ...rest } = payload;
    const words = text ? wordsOf(text) : message;
    return new RTCMultiConnectionError(code || 'ERROR', words || String(code), rest);
}
