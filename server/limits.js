// The protocol's own bounds: what a request may contain, whatever the deployment. The ones
// the client also checks come from the core's src/protocol/limits.def (generated into
// generated/protocol-limits.js), so the two sides cannot drift; the rest bound what only
// the server keeps. They are constants, not settings; the operator's limits are in config.js.
// Characters are Unicode code points, as the core counts them.
import { PROTOCOL_LIMITS } from './generated/protocol-limits.js';

export const LIMITS = Object.freeze({
    idMaxChars: PROTOCOL_LIMITS.idMaxChars,
    extraMaxBytes: PROTOCOL_LIMITS.extraMaxBytes,
    passwordMaxChars: PROTOCOL_LIMITS.passwordMaxChars,
    directionMaxChars: 64,
    sessionMaxBytes: 2048,
    senderMaxChars: 128,
    // A resume token is a UUID (36 characters); the bound only keeps garbage out.
    resumeMaxChars: 128,
    maxParticipantsAllowed: PROTOCOL_LIMITS.maxParticipantsAllowed,
    // JSON nesting accepted inside `extra` and relayed `data`. Signaling messages (SDP,
    // candidates) are 3 or 4 levels deep; the bound keeps recursive encoders safe.
    maxDepth: PROTOCOL_LIMITS.maxDepth,
    // Nesting accepted in a whole request: the argument list and the payload object add
    // two levels above `extra` / `data`.
    maxRequestDepth: PROTOCOL_LIMITS.maxDepth + 2,
    // What a kept value (extra, session) costs in memory beyond its text: V8 spends about
    // this many bytes on each object or array and on each member name. Counted against
    // extraMaxBytes, so that 16 KiB of `[[[[0]]]]` (about 300 KiB of heap) cannot pass
    // as 16 KiB.
    containerWeightBytes: 24,
    memberNameWeightBytes: 16,
    // list-rooms cursors are opaque strings the server made; this only bounds garbage.
    cursorMaxChars: 512,
});
