// The protocol's own bounds: what a request may contain, whatever the deployment. They are
// shared with the client (the core checks the same ones before sending), which is why they
// are constants here and not settings; the operator's limits are in config.js.

export const LIMITS = Object.freeze({
    idMaxChars: 128,
    extraMaxBytes: 16 * 1024,
    passwordMaxChars: 256,
    directionMaxChars: 64,
    sessionMaxBytes: 2048,
    senderMaxChars: 128,
    // A resume token is a UUID (36 characters); the bound only keeps garbage out.
    resumeMaxChars: 128,
    maxParticipantsAllowed: 10000,
    // JSON nesting accepted inside `extra` and relayed `data`. Signaling messages (SDP,
    // candidates) are 3 or 4 levels deep; the bound keeps recursive encoders safe.
    maxDepth: 32,
    // Nesting accepted in a whole request: the argument list and the payload object add
    // two levels above `extra` / `data`.
    maxRequestDepth: 34,
    // What a kept value (extra, session) costs in memory beyond its text: V8 spends about
    // this many bytes on each object or array and on each member name. Counted against
    // extraMaxBytes, so that 16 KiB of `[[[[0]]]]` (about 300 KiB of heap) cannot pass
    // as 16 KiB.
    containerWeightBytes: 24,
    memberNameWeightBytes: 16,
    // list-rooms cursors are opaque strings the server made; this only bounds garbage.
    cursorMaxChars: 512,
});
