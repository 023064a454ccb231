// Payload validation for every client request. Pure functions, no socket in sight.
// A validator never throws and never touches state: it answers
// {ok: true, value} or {ok: false, code, message} where the message names the field.

import { LIMITS } from './limits.js';
import { PROTOCOL_LIMITS } from './generated/protocol-limits.js';

export { LIMITS };

// A room's SFU video bitrate cap, bits per second (src/protocol/limits.def).
export const SFU_BITRATE_MIN = PROTOCOL_LIMITS.sfuBitrateMin;
export const SFU_BITRATE_MAX = PROTOCOL_LIMITS.sfuBitrateMax;

// C0 controls and DEL. Ids end up in logs, room lists and UI labels.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

// Seed-protocol channel names become socket.io namespaces ("/" + channel) and URL paths.
export const CHANNEL_PATTERN = /^[A-Za-z0-9_.~+=@,-]{1,128}$/;

function isPlainObject(value) {
    if (value === null || typeof value !== 'object') return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}

function isBinary(value) {
    return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

// Walks a decoded JSON value once and returns {bytes, problem}. `bytes` is the serialized
// size, counting strings by their UTF-16 length: a lower bound of their UTF-8 length, so
// `problem: 'size'` (bytes > maxBytes) is never a false alarm; jsonBytes() below gives the
// exact figure when the bound is too loose to decide. Binary attachments count their
// length. `problem` is the first one met: 'size', 'depth' (over maxDepth), 'binary', or
// 'type' (not JSON). The walk stops at the first problem other than 'binary', so a hostile
// payload costs at most maxBytes work.
// With `weighted`, each object or array and each member name also counts what it costs in
// memory (LIMITS.containerWeightBytes, LIMITS.memberNameWeightBytes): for values the server
// keeps (extra, session), whose heap cost can be many times their text.
export function inspectJson(value, { maxBytes = Infinity, maxDepth = LIMITS.maxDepth, weighted = false } = {}) {
    const state = {
        bytes: 0,
        problem: null,
        containerWeight: weighted ? LIMITS.containerWeightBytes : 0,
        nameWeight: weighted ? LIMITS.memberNameWeightBytes : 0,
    };
    walk(value, 0, state, maxBytes, maxDepth);
    return { bytes: state.bytes, problem: state.problem };
}

// Exact UTF-8 size of a JSON value (assumed free of binary data).
export function jsonBytes(value) {
    return Buffer.byteLength(JSON.stringify(value));
}

function walk(value, depth, state, maxBytes, maxDepth) {
    switch (typeof value) {
        case 'string':
            state.bytes += value.length + 2;
            break;
        case 'number':
            state.bytes += Number.isFinite(value) ? String(value).length : 4;
            break;
        case 'boolean':
            state.bytes += value ? 4 : 5;
            break;
        case 'undefined':
            break;
        case 'object':
            if (value === null) {
                state.bytes += 4;
                break;
            }
            if (depth >= maxDepth) {
                state.problem = 'depth';
                return;
            }
            if (isBinary(value)) {
                state.bytes += value.byteLength;
                state.problem = state.problem || 'binary';
                // Keep measuring: a binary attachment over the size limit is reported as size.
                break;
            }
            if (Array.isArray(value)) {
                state.bytes += 2 + Math.max(0, value.length - 1) + state.containerWeight;
                for (let i = 0; i < value.length; i++) {
                    walk(value[i], depth + 1, state, maxBytes, maxDepth);
                    if (state.problem && state.problem !== 'binary') return;
                    if (state.bytes > maxBytes) break;
                }
                break;
            }
            if (!isPlainObject(value)) {
                state.problem = 'type';
                return;
            }
            state.bytes += 2 + state.containerWeight;
            for (const key in value) {
                state.bytes += key.length + 4 + state.nameWeight;
                walk(value[key], depth + 1, state, maxBytes, maxDepth);
                if (state.problem && state.problem !== 'binary') return;
                if (state.bytes > maxBytes) break;
            }
            break;
        default:
            state.problem = 'type';
            return;
    }
    if (state.bytes > maxBytes) state.problem = 'size';
}

// ---- field rules: each returns null when the value is fine, else the reason -------------

// Ids become Redis keys and scrypt input as UTF-8. A lone UTF-16 surrogate has no UTF-8
// form (it is written as U+FFFD), so two ids that differ only there would be one key.
const NOT_WELL_FORMED = 'must be well-formed Unicode (no lone surrogate)';

// Characters are code points, as the core counts them (an emoji is one, not two UTF-16
// units). Far above the limit in UTF-16 units a string is over it whatever it holds.
function codePointsUpTo(value, max) {
    if (value.length > 4 * max) return Infinity;
    let count = 0;
    for (const _ of value) count++;
    return count;
}

function idRule(value) {
    if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
    if (!value.isWellFormed()) return NOT_WELL_FORMED;
    const characters = codePointsUpTo(value, LIMITS.idMaxChars);
    if (characters < 1 || characters > LIMITS.idMaxChars) {
        const got = characters === Infinity ? `more than ${LIMITS.idMaxChars}` : characters;
        return `must be 1 to ${LIMITS.idMaxChars} characters, got ${got}`;
    }
    if (CONTROL_CHARS.test(value)) return 'must not contain control characters';
    return null;
}

// `weighted`: the value is kept by the server, so its memory cost counts (see inspectJson).
function jsonRule(maxBytes, { weighted = false } = {}) {
    return (value) => {
        const { bytes, problem } = inspectJson(value, { maxBytes, maxDepth: LIMITS.maxDepth, weighted });
        if (problem === 'depth') return `must not nest deeper than ${LIMITS.maxDepth} levels`;
        if (problem === 'binary') return 'must be JSON (binary data is not accepted)';
        if (problem === 'type') return 'must be a JSON value';
        if (problem === 'size' && weighted && jsonBytes(value) <= maxBytes) {
            return `must weigh at most ${maxBytes} bytes (its text plus ${LIMITS.containerWeightBytes} per object or array and ${LIMITS.memberNameWeightBytes} per member name)`;
        }
        if (problem === 'size' || (bytes * 3 > maxBytes && jsonBytes(value) > maxBytes)) {
            return `must serialize to at most ${maxBytes} bytes`;
        }
        return null;
    };
}

const extraRule = jsonRule(LIMITS.extraMaxBytes, { weighted: true });
// The whole request is already bounded by maxMessageBytes. When the request guard has
// already walked the request (jsonChecked: no binary, depth bounded), the walk is skipped:
// relays are the hot path.
const walkData = jsonRule(Infinity);
const dataRule = (value, jsonChecked) => (jsonChecked ? null : walkData(value));

function passwordRule(value) {
    if (value === null) return null;
    if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
    if (!value.isWellFormed()) return NOT_WELL_FORMED;
    if (codePointsUpTo(value, LIMITS.passwordMaxChars) > LIMITS.passwordMaxChars) {
        return `must be at most ${LIMITS.passwordMaxChars} characters`;
    }
    return null;
}

function integerRule(min, max) {
    return (value) =>
        Number.isInteger(value) && value >= min && value <= max
            ? null
            : `must be an integer from ${min} to ${max}, got ${describe(value)}`;
}

function stringRule(value) {
    return typeof value === 'string' ? null : `must be a string, got ${describe(value)}`;
}

function booleanRule(value) {
    return typeof value === 'boolean' ? null : `must be a boolean, got ${describe(value)}`;
}

// Upstream sessions are strings in v1.2 ('audio + video') and objects from v1.3 ({audio: true}).
function sessionRule(value) {
    if (value === null) return null;
    if (typeof value === 'string') {
        return value.length <= 256 ? null : 'must be at most 256 characters';
    }
    if (!isPlainObject(value)) return `must be a string or an object, got ${describe(value)}`;
    return sessionObjectRule(value);
}
const sessionObjectRule = jsonRule(LIMITS.sessionMaxBytes, { weighted: true });

// list-rooms paging: the cursor is the `next` of an earlier answer (checked by the handler).
function cursorRule(value) {
    if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
    if (value.length < 1 || value.length > LIMITS.cursorMaxChars) {
        return `must be 1 to ${LIMITS.cursorMaxChars} characters`;
    }
    return null;
}

function directionRule(value) {
    if (value === null) return null;
    if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
    if (value.length < 1 || value.length > LIMITS.directionMaxChars) {
        return `must be 1 to ${LIMITS.directionMaxChars} characters`;
    }
    return null;
}

function channelRule(value) {
    if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
    return CHANNEL_PATTERN.test(value)
        ? null
        : 'must be 1 to 128 characters among letters, digits and _ . ~ + = @ , -';
}

// The seed snippet sends a random number; other clients send a string.
function senderRule(value) {
    if (typeof value === 'number') return Number.isFinite(value) ? null : 'must be finite';
    if (typeof value === 'string') {
        return value.length <= LIMITS.senderMaxChars
            ? null
            : `must be at most ${LIMITS.senderMaxChars} characters`;
    }
    return `must be a string or a number, got ${describe(value)}`;
}

function describe(value) {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    if (isBinary(value)) return 'binary data';
    return typeof value;
}

// ---- request schemas -------------------------------------------------------------------

const required = (rule) => ({ rule, required: true });
const optional = (rule) => ({ rule, required: false });

// Fields not listed are refused: a misspelt field (roomId) fails loudly instead of being
// ignored. `empty: true` lets the payload be omitted.
export const REQUEST_SCHEMAS = {
    'open-room': {
        fields: {
            roomid: required(idRule),
            extra: optional(extraRule),
            password: optional(passwordRule),
            maxParticipantsAllowed: optional(integerRule(1, LIMITS.maxParticipantsAllowed)),
            autoCloseEntireSession: optional(booleanRule),
            session: optional(sessionRule),
            direction: optional(directionRule),
            listed: optional(booleanRule),
            // The client's signaling channel (upstream `connection.channel`): onNewSession only
            // offers rooms of the page's own channel.
            channel: optional(idRule),
            // An SFU room (docs/sfu-broker.md), if the server has Janus; its video bitrate cap
            // in bits per second (default: the SFU_DEFAULT_BITRATE setting).
            sfu: optional(booleanRule),
            sfuBitrate: optional(integerRule(SFU_BITRATE_MIN, SFU_BITRATE_MAX)),
        },
    },
    'join-room': {
        fields: { roomid: required(idRule), extra: optional(extraRule), password: optional(passwordRule) },
    },
    'leave-room': { fields: { roomid: required(idRule) } },
    'check-presence': { fields: { roomid: required(idRule) } },
    'get-room': { fields: { roomid: required(idRule) } },
    'list-rooms': {
        fields: { cursor: optional(cursorRule), limit: optional(integerRule(1, 10000)) },
        empty: true,
    },
    'subscribe-rooms': { fields: {}, empty: true },
    'unsubscribe-rooms': { fields: {}, empty: true },
    eject: { fields: { roomid: required(idRule), userid: required(idRule) } },
    'close-room': { fields: { roomid: required(idRule) } },
    'update-extra': { fields: { extra: required(extraRule) } },
    relay: { fields: { roomid: required(idRule), to: optional(idRule), data: required(dataRule) } },
    'turn-credentials': { fields: {}, empty: true },
    // Seed protocol (seed-channels.js).
    'new-channel': { fields: { channel: required(channelRule), sender: optional(senderRule) } },
    message: { fields: { sender: optional(senderRule), data: required(dataRule) } },
    // One Janus frame for the SFU broker (server/sfu/): its size and content are checked there
    // (sfu/frame-rules.js), against the operator's limits.
    sfu: { fields: { roomid: required(idRule), frame: required(stringRule) } },
};

function invalid(message) {
    return { ok: false, code: 'INVALID_PAYLOAD', message };
}

// Field lists computed once per schema: validation runs for every request.
const FIELD_LISTS = Object.fromEntries(
    Object.entries(REQUEST_SCHEMAS).map(([event, schema]) => [
        event,
        Object.entries(schema.fields).map(([name, { rule, required: isRequired }]) => ({ name, rule, isRequired })),
    ]),
);

// `args` are the event's arguments without the trailing ack function. `jsonChecked`: the
// request guard already established that the request is JSON within the depth bound.
export function validateRequest(event, args, { jsonChecked = false } = {}) {
    const schema = REQUEST_SCHEMAS[event];
    if (!schema || !Object.hasOwn(REQUEST_SCHEMAS, event)) {
        return { ok: false, code: 'UNKNOWN_EVENT', message: `unknown event "${event}"` };
    }
    if (args.length > 1) return invalid(`expected one payload argument, got ${args.length}`);
    let payload = args[0];
    if (payload === undefined && schema.empty) payload = {};
    if (!isPlainObject(payload)) return invalid(`payload must be an object, got ${describe(payload)}`);
    for (const key in payload) {
        if (!Object.hasOwn(schema.fields, key)) return invalid(`unknown field "${key}"`);
    }
    const value = {};
    for (const { name, rule, isRequired } of FIELD_LISTS[event]) {
        const fieldValue = payload[name];
        if (fieldValue === undefined) {
            if (isRequired) return invalid(`${name} is required`);
            continue;
        }
        const reason = rule(fieldValue, jsonChecked);
        if (reason) return invalid(`${name} ${reason}`);
        value[name] = fieldValue;
    }
    return { ok: true, value };
}

// The seed protocol's `presence` takes the channel name itself, not an object.
export function validateChannelName(value, field = 'channel') {
    const reason = channelRule(value);
    return reason ? invalid(`${field} ${reason}`) : { ok: true, value };
}

// socket.io `auth` at connect: unknown keys are ignored (auth objects often carry other
// things, e.g. a token for a proxy), but userid and extra must be valid when present.
// `value` holds the known fields only: the caller keeps that, not the whole object.
export function validateAuth(auth) {
    if (auth === undefined || auth === null) return { ok: true, value: {} };
    if (!isPlainObject(auth)) return invalid(`auth must be an object, got ${describe(auth)}`);
    const value = {};
    if (auth.userid !== undefined && auth.userid !== null) {
        const reason = idRule(auth.userid);
        if (reason) return invalid(`auth.userid ${reason}`);
        value.userid = auth.userid;
    }
    if (auth.extra !== undefined) {
        const reason = extraRule(auth.extra);
        if (reason) return invalid(`auth.extra ${reason}`);
        value.extra = auth.extra;
    }
    if (auth.resume !== undefined && auth.resume !== null) {
        const { resume } = auth;
        if (typeof resume !== 'string' || resume.length < 1 || resume.length > LIMITS.resumeMaxChars) {
            return invalid(`auth.resume must be a string of 1 to ${LIMITS.resumeMaxChars} characters`);
        }
        if (!resume.isWellFormed()) return invalid(`auth.resume ${NOT_WELL_FORMED}`);
        value.resume = resume;
    }
    return { ok: true, value };
}
