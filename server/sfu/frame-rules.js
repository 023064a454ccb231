// What a client may say to Janus through the broker (docs/sfu-broker.md, "Rewrite rules").
// Pure functions, no socket in sight: checkClientFrame() reads one frame's text and answers
// {ok: true, frame} (a fresh object, stripped of every credential field) or {ok: false,
// reason}; scopeToRoom() returns the frame as it goes to Janus, tied to the sender's room.
//
// Why each rule: the browser's Janus client (src/sfu/janus_request.cpp) only ever sends the
// frame kinds and videoroom requests allowed here. Everything else Janus offers is an
// operator's tool (create/destroy/kick/list rooms, recording, RTP forwarding, claiming
// another transport's session, other plugins) and must stay out of a page's reach.

import { inspectJson } from '../validate.js';

// Janus core requests a page needs. Not `claim` (taking over another WebSocket's session),
// not `hangup`, `info`, `ping` or anything of the admin API.
export const FRAME_KINDS = new Set(['create', 'attach', 'message', 'trickle', 'keepalive', 'detach', 'destroy']);
export const VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';
// Videoroom requests of a participant. Not create/edit/destroy/kick/moderate/list/
// listparticipants/listforwarders/rtp_forward/enable_recording/allowed/exists/joinandconfigure.
export const VIDEOROOM_REQUESTS = new Set([
    'join',
    'publish',
    'configure',
    'unpublish',
    'start',
    'pause',
    'update',
    'leave',
    'switch',
]);
const PARTICIPANT_TYPES = new Set(['publisher', 'subscriber']);
// Credentials Janus reads at the top of a frame or of a plugin body: the core's apisecret and
// token, the admin API's admin_secret, the videoroom's room secret and admin_key. A page has
// none of them; a frame that carries one has them removed, so that a guessed or leaked value
// is never tried against Janus.
const CREDENTIAL_FIELDS = ['secret', 'admin_key', 'apisecret', 'admin_secret', 'token'];
// Body fields only the server decides: recording to Janus's disk (record, filename: any
// request), and the display name (set to the userid at a publisher's join; a publish or a
// configure with another display would let a member pass for someone else).
const RECORDING_FIELDS = ['record', 'filename'];
// Janus transaction ids are opaque strings; ours are "rtcmc-N". The bound only keeps garbage
// out of the ledger (session-ledger.js keeps them until Janus answers).
const TRANSACTION_MAX_CHARS = 128;
// Janus frames nest 4 or 5 levels (message > body > streams > [ ] > { }); garbage goes deeper.
const MAX_FRAME_DEPTH = 16;
// "transaction":"<id>" in a frame's text. (Inside a JSON string a quote is escaped, so only a
// member name can match.)
const TRANSACTION_TEXT = /"transaction"\s*:\s*"([^"\\]{1,128})"/;

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isJanusId = (value) => Number.isSafeInteger(value) && value > 0;

function refuse(reason) {
    return { ok: false, reason };
}

function withoutFields(object, fields) {
    const copy = { ...object };
    for (const field of fields) delete copy[field];
    return copy;
}

// The transaction of a frame's text, found without parsing it (for refusing a frame that is
// not worth parsing: too large, over the rate limit), or undefined. One linear scan: the core
// writes keys in order, so the transaction comes after the body and the jsep.
export function transactionOf(text) {
    return typeof text === 'string' ? TRANSACTION_TEXT.exec(text)?.[1] : undefined;
}

// text: the frame as the client sent it; maxBytes: its largest UTF-8 size.
// -> {ok: true, frame, kind, request?} | {ok: false, reason, transaction?}
export function checkClientFrame(text, { maxBytes }) {
    if (typeof text !== 'string') return refuse('frame must be the text of one Janus JSON frame');
    // UTF-16 length is at most the UTF-8 size in bytes... and at least a third of it.
    if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes)) {
        // Not parsed, but the refusal still names the transaction when it is easy to find.
        const transaction = transactionOf(text);
        return { ...refuse(`frame is larger than ${maxBytes} bytes`), ...(transaction ? { transaction } : {}) };
    }
    let parsed;
    try {
        parsed = JSON.parse(text);
    } catch {
        return refuse('frame is not JSON');
    }
    if (!isPlainObject(parsed)) return refuse('frame must be a JSON object');
    const transaction = typeof parsed.transaction === 'string' ? parsed.transaction : undefined;
    const refused = (reason) => ({ ...refuse(reason), ...(transaction !== undefined ? { transaction } : {}) });
    // JSON.parse takes any depth; JSON.stringify (on the way to Janus) would overflow the stack.
    if (inspectJson(parsed, { maxDepth: MAX_FRAME_DEPTH }).problem === 'depth') {
        return refused(`frame must not nest deeper than ${MAX_FRAME_DEPTH} levels`);
    }
    const kind = parsed.janus;
    if (typeof kind !== 'string' || !FRAME_KINDS.has(kind)) {
        return refused(`janus "${String(kind).slice(0, 32)}" is not allowed (only ${[...FRAME_KINDS].join(', ')})`);
    }
    if (transaction === undefined || transaction.length < 1 || transaction.length > TRANSACTION_MAX_CHARS) {
        return refused(`transaction must be a string of 1 to ${TRANSACTION_MAX_CHARS} characters`);
    }
    if (kind !== 'create' && !isJanusId(parsed.session_id)) return refused(`${kind} needs a session_id`);
    if (['message', 'trickle', 'detach'].includes(kind) && !isJanusId(parsed.handle_id)) {
        return refused(`${kind} needs a handle_id`);
    }
    const frame = withoutFields(parsed, CREDENTIAL_FIELDS);
    if (kind === 'attach' && frame.plugin !== VIDEOROOM_PLUGIN) {
        return refused(`only the plugin ${VIDEOROOM_PLUGIN} may be attached`);
    }
    if (kind !== 'message') return { ok: true, frame, kind };
    if (!isPlainObject(frame.body)) return refused('message needs a body object');
    if (frame.jsep !== undefined && !isPlainObject(frame.jsep)) return refused('jsep must be an object');
    const request = frame.body.request;
    if (typeof request !== 'string' || !VIDEOROOM_REQUESTS.has(request)) {
        return refused(`videoroom request "${String(request).slice(0, 32)}" is not allowed (only ${[...VIDEOROOM_REQUESTS].join(', ')})`);
    }
    if (request === 'join' && !PARTICIPANT_TYPES.has(frame.body.ptype)) {
        return refused('join needs ptype "publisher" or "subscriber"');
    }
    frame.body = withoutFields(frame.body, [...CREDENTIAL_FIELDS, ...RECORDING_FIELDS]);
    return { ok: true, frame, kind, request };
}

// The frame as Janus gets it, for a sender (userid) in a room whose Janus parameters are
// `room` {room, pin, bitrate} (rooms.js keeps them in the room record):
//   join: room and pin are the room's, whatever the client wrote; a publisher's display is
//         its userid (the browser maps feeds to users by display);
//   publish/configure: no display change, bitrate at most the room's.
// (Credentials and recording fields are already gone: checkClientFrame.)
// `checked` is checkClientFrame's answer; the frame is not changed in place.
export function scopeToRoom(checked, { room, userid }) {
    const { frame, request } = checked;
    if (request === 'join') {
        const body = { ...frame.body, room: room.room, pin: room.pin };
        if (body.ptype === 'publisher') body.display = userid;
        return { ...frame, body };
    }
    if (request === 'publish' || request === 'configure') {
        const body = withoutFields(frame.body, ['display']);
        if (body.bitrate !== undefined) {
            body.bitrate = Number.isSafeInteger(body.bitrate) && body.bitrate > 0 ? Math.min(body.bitrate, room.bitrate) : room.bitrate;
        }
        return { ...frame, body };
    }
    return frame;
}
