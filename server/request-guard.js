// Checks every incoming event of a socket before any handler sees it: per-socket rate limit
// (every event counts, known or not: unknown names are no way around it), known event name,
// size. A refused event never reaches a handler, so it cannot change state; the client gets
// an `error-event` (and an error ack when it gave one). The size of an accepted request is
// left in socket.data.requestBytes for the handler's queue (read synchronously, before the
// next event can arrive).

import { TokenBucket } from './rate-limit.js';
import { inspectJson, jsonBytes, LIMITS } from './validate.js';

// socket.io passes the client's ack callback as the last argument.
export function splitAck(args) {
    const last = args[args.length - 1];
    return typeof last === 'function' ? [args.slice(0, -1), last] : [args, null];
}

export function errorReply(code, message) {
    return { ok: false, error: { code, message } };
}

// Answers a request. Errors go to the ack when there is one; they are also emitted as
// `error-event` when there is no ack, or always when `alwaysEmit` (malformed, oversize,
// flood, unknown: the client may not even know that it sent a request).
export function reply(socket, event, ack, response, { alwaysEmit = false } = {}) {
    if (ack) ack(response);
    if (!response.ok && (alwaysEmit || !ack)) {
        socket.emit('error-event', { ...response.error, event: String(event).slice(0, 128) });
    }
}

// knownEvents: Set of event names this socket handles. explain(event, args): the
// validator's message for a request the walk found malformed (so that the message names
// the field), or null. onRefused(event, code) is for logs. maxBytesOf: event -> its size
// limit when it is not config.maxMessageBytes (an `sfu` frame may be larger: sfu/broker.js).
export function guardRequests(socket, { knownEvents, config, explain, onRefused, maxBytesOf = {} }) {
    const bucket = new TokenBucket({ ratePerSecond: config.rateLimit, burst: config.rateLimitBurst });
    socket.use((packet, next) => {
        const event = packet[0];
        const last = packet[packet.length - 1];
        const ack = packet.length > 1 && typeof last === 'function' ? last : null;
        let refusal = null;
        if (!bucket.take()) {
            refusal = errorReply(
                'RATE_LIMITED',
                `too many messages: at most ${config.rateLimit} per second (bursts of ${config.rateLimitBurst})`,
            );
        } else if (typeof event !== 'string' || !knownEvents.has(event)) {
            refusal = errorReply('UNKNOWN_EVENT', `unknown event "${String(event).slice(0, 128)}"`);
        } else {
            // One walk over the arguments: size, depth, binary. The ack function, if any,
            // is the last element and is skipped.
            const args = packet.slice(1, ack ? -1 : undefined);
            const maxBytes = Object.hasOwn(maxBytesOf, event) ? maxBytesOf[event] : config.maxMessageBytes;
            const { bytes, problem } = inspectJson(args, {
                maxBytes,
                maxDepth: LIMITS.maxRequestDepth,
            });
            const tooLarge =
                problem === 'size' || (problem === null && bytes * 3 > maxBytes && jsonBytes(args) > maxBytes);
            if (tooLarge) {
                refusal = errorReply('MESSAGE_TOO_LARGE', `${event} payload is larger than ${maxBytes} bytes`);
            } else if (problem) {
                refusal = errorReply(
                    'INVALID_PAYLOAD',
                    explain?.(event, args) ??
                        `${event} payload must be JSON without binary data, nested at most ${LIMITS.maxDepth} levels`,
                );
            } else {
                socket.data.requestBytes = bytes;
            }
        }
        if (!refusal) return next();
        onRefused?.(event, refusal.error.code);
        reply(socket, event, ack, refusal, { alwaysEmit: true });
        // next() is not called: the event is dropped here.
    });
}
