// Loaded after the library and before a seed snippet, on every page of tests/e2e/seed-*.
// The snippets below it are the seed documents' code as written; this only does what a test
// must: no public STUN server (every connection starts with iceServers: []), and a record of
// every callback the snippet sets (window.record, read with window.events(name)), with the
// handler's own arity so that v1.2's positional onleave(userid, extra) is still seen as such.
// It also defines the names the snippets use without defining them (mainVideo, file, data).
(() => {
    const CALLBACKS = [
        'onstream', 'onstreamended', 'onopen', 'onclose', 'onmessage', 'onleave', 'onNewSession',
        'onSessionClosed', 'onEntireSessionClosed', 'onstatechange', 'onerror', 'onMediaError',
        'onFileStart', 'onFileProgress', 'onFileEnd', 'onFileSent', 'onFileReceived', 'onspeaking',
        'onsilence', 'onmute', 'onunmute', 'onScreenCapturingExtensionAvailable', 'onUserStatusChanged',
        'onExtraDataUpdated',
    ];
    // What the tests read off a callback's arguments (DOM nodes and streams by kind, session
    // values by their flags).
    function describe(value) {
        if (value === null || typeof value !== 'object') return value;
        if (value instanceof String) {
            return { value: String(value), audio: value.audio, video: value.video, screen: value.screen, data: value.data };
        }
        if (value instanceof Blob) return { blob: true, size: value.size, name: value.name, type: value.type };
        if (typeof MediaStream !== 'undefined' && value instanceof MediaStream) return '[MediaStream]';
        if (typeof Node !== 'undefined' && value instanceof Node) return `[${value.nodeName}]`;
        if (value instanceof Error) return { name: value.name, message: value.message, code: value.code };
        const out = {};
        for (const key of Object.keys(value)) {
            const field = value[key];
            if (typeof field === 'function') continue;
            out[key] = key === 'extra' || key === 'data' ? window.plain(field) : describe(field);
        }
        if (value.stream && typeof MediaStream !== 'undefined' && value.stream instanceof MediaStream) {
            out.tracks = value.stream.getTracks().map((track) => track.kind);
        }
        return out;
    }
    window.describeSeedValue = describe;
    const Library = window.RTCMultiConnection;
    window.seedConnections = [];
    window.RTCMultiConnection = class extends Library {
        constructor(...args) {
            super(...args);
            this.iceServers = []; // the tests stay on this machine
            window.seedConnections.push(this);
            for (const name of CALLBACKS) {
                let handler = this[name];
                let recorder;
                let depth = 0; // the outermost call is the library's: only it is recorded
                Object.defineProperty(this, name, {
                    configurable: true,
                    enumerable: true,
                    get: () => recorder,
                    // Each recorder calls the function it wraps, so a page that keeps the
                    // previous handler and sets a new one that calls it (as upstream's
                    // demos do) runs both once, and the call is recorded once.
                    set: (fn) => {
                        handler = fn;
                        recorder =
                            typeof fn === 'function'
                                ? function (...callArgs) {
                                      if (depth === 0) window.record(name, { args: callArgs.map(describe) });
                                      depth++;
                                      try {
                                          return fn.apply(this, callArgs);
                                      } finally {
                                          depth--;
                                      }
                                  }
                                : fn;
                        if (typeof fn === 'function') Object.defineProperty(recorder, 'length', { value: fn.length });
                    },
                });
                if (handler !== undefined) this[name] = handler;
            }
        }
    };
    // Remote candidates given to a peer connection one by one (trickle ICE); with
    // trickleIce = false they arrive inside the session description instead.
    window.trickledCandidates = 0;
    const addIceCandidate = window.RTCPeerConnection.prototype.addIceCandidate;
    window.RTCPeerConnection.prototype.addIceCandidate = function (candidate, ...rest) {
        if (candidate && candidate.candidate) window.trickledCandidates++;
        return addIceCandidate.call(this, candidate, ...rest);
    };
    window.mainVideo = document.createElement('video');
    window.mainVideo.id = 'mainVideo';
    document.addEventListener('DOMContentLoaded', () => document.body.appendChild(window.mainVideo));
    window.file = undefined;
    window.data = undefined;
})();
