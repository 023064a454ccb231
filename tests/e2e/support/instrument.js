// Installed in every test page with context.addInitScript, so it runs before any script of
// the page, the library included. It only observes: the page's own code (the code a web
// developer writes from the seed documents) is unchanged by it.
//
//   window.log                  every event the page recorded, in order: {at, event, ...}
//   window.record(event, info)  appends to it (test pages call it from their handlers;
//                               info may be a handler's `arguments`: kept as {args: [...]})
//   window.events(name)        the recorded calls of one handler, read into fields
//   window.captures             getUserMedia / getDisplayMedia calls and what they returned
//   window.peerConnections      every RTCPeerConnection the page created, in order
//   window.externalIceServers   ICE server URLs any of them was given (must stay empty)
//   window.videoProgress(video) size and frame progress of a <video> (see below)
(() => {
    const log = [];
    window.log = log;

    // JSON-safe copy of a value (extras, constraints): no functions, DOM nodes or cycles.
    function plain(value, depth = 0) {
        if (value === null || typeof value !== 'object') {
            return typeof value === 'function' ? '[function]' : value;
        }
        if (depth > 6) return '[deep]';
        if (value instanceof Error) {
            return { name: value.name, message: value.message, ...plain({ ...value }, depth + 1) };
        }
        // A handler's `arguments`: recorded as {args: [...]}, so the test sees the
        // positional form (onleave(userid, extra)) and any event object alike.
        if (Object.prototype.toString.call(value) === '[object Arguments]') {
            return { args: Array.from(value, (item) => plain(item, depth + 1)) };
        }
        if (typeof Node !== 'undefined' && value instanceof Node) return `[${value.nodeName}]`;
        if (typeof MediaStream !== 'undefined' && value instanceof MediaStream) return `[MediaStream ${value.id}]`;
        if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
        const copy = {};
        for (const key of Object.keys(value)) copy[key] = plain(value[key], depth + 1);
        return copy;
    }
    window.plain = plain;

    window.record = (event, info = {}) => {
        log.push({ at: Math.round(performance.now()), event, ...plain(info) });
    };

    // ---- reading the log ---------------------------------------------------------------
    // Handlers record their `arguments`; these read the fields a test asserts on, whether
    // the library used upstream's positional form (onleave(userid, extra),
    // onstatechange(state, reason)) or passes one event object.
    const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
    const readers = {
        onleave([first, second, ...rest]) {
            const event = [first, second, ...rest].find((arg) => isObject(arg) && 'userid' in arg) || {};
            return {
                ...event,
                userid: typeof first === 'string' ? first : event.userid,
                extra: typeof first === 'string' ? second : event.extra,
            };
        },
        onstatechange([first, second]) {
            if (isObject(first)) return { ...first, state: first.state || first.name };
            return { state: first, reason: second };
        },
        onerror([first]) {
            return isObject(first) ? first : { message: String(first) };
        },
        onopen([first]) {
            return isObject(first) && ('userid' in first || 'extra' in first) ? first : { extra: first };
        },
        onmessage([first, second]) {
            if (isObject(first) && 'data' in first) return first;
            return { data: first, userid: typeof second === 'string' ? second : undefined };
        },
    };
    // The recorded calls of handler `event`, as objects of fields.
    window.events = (event) =>
        log
            .filter((entry) => entry.event === event)
            .map((entry) => {
                if (!entry.args) return entry;
                const read = readers[event] || (([first]) => (isObject(first) ? first : { value: first }));
                return { at: entry.at, event, ...read(entry.args) };
            });

    // ---- media capture ------------------------------------------------------------------
    const captures = { getUserMedia: 0, getDisplayMedia: 0, streams: [] };
    window.captures = captures;
    const mediaDevices = navigator.mediaDevices;
    for (const name of ['getUserMedia', 'getDisplayMedia']) {
        const original = mediaDevices && mediaDevices[name];
        if (typeof original !== 'function') continue;
        mediaDevices[name] = function (constraints) {
            captures[name] += 1;
            window.record(`capture:${name}`, { constraints: plain(constraints) });
            return original.call(mediaDevices, constraints).then(
                (stream) => {
                    captures.streams.push(stream);
                    return stream;
                },
                (error) => {
                    window.record(`capture:${name}:failed`, { name: error && error.name, message: error && error.message });
                    throw error;
                },
            );
        };
    }
    // The callback forms that old code may still use count as captures too.
    for (const name of ['getUserMedia', 'webkitGetUserMedia']) {
        const original = navigator[name];
        if (typeof original !== 'function') continue;
        navigator[name] = function (constraints, onSuccess, onError) {
            captures.getUserMedia += 1;
            window.record(`capture:navigator.${name}`, { constraints: plain(constraints) });
            return original.call(
                navigator,
                constraints,
                (stream) => {
                    captures.streams.push(stream);
                    if (onSuccess) onSuccess(stream);
                },
                onError,
            );
        };
    }

    // ---- peer connections ----------------------------------------------------------------
    const NativePeerConnection = window.RTCPeerConnection;
    const peerConnections = [];
    const externalIceServers = [];
    window.peerConnections = peerConnections;
    window.externalIceServers = externalIceServers;
    if (typeof NativePeerConnection === 'function') {
        class ObservedPeerConnection extends NativePeerConnection {
            constructor(configuration, ...rest) {
                super(configuration, ...rest);
                const index = peerConnections.length;
                peerConnections.push(this);
                const servers = (configuration && configuration.iceServers) || [];
                for (const server of servers) {
                    const urls = [].concat((server && server.urls) || (server && server.url) || []);
                    externalIceServers.push(...urls.map(String));
                }
                window.record('pc:created', { index, iceServers: plain(servers) });
                this.addEventListener('connectionstatechange', () =>
                    window.record('pc:state', { index, state: this.connectionState }),
                );
            }
        }
        window.RTCPeerConnection = ObservedPeerConnection;
        if ('webkitRTCPeerConnection' in window) window.webkitRTCPeerConnection = ObservedPeerConnection;
    }

    // Peer connections not closed, and what each sends (tracks on its senders).
    window.peerSummary = () =>
        peerConnections.map((pc, index) => ({
            index,
            connectionState: pc.connectionState,
            signalingState: pc.signalingState,
            sendingTracks: pc.signalingState === 'closed' ? [] : pc.getSenders().filter((s) => s.track).map((s) => s.track.kind),
            receivingTracks:
                pc.signalingState === 'closed'
                    ? []
                    : pc
                          .getReceivers()
                          .filter((r) => r.track && r.track.readyState === 'live')
                          .map((r) => r.track.kind),
        }));
    window.openPeerConnections = () => peerConnections.filter((pc) => pc.signalingState !== 'closed');

    // ---- video progress --------------------------------------------------------------------
    // A video "plays" when it has a size and frames keep coming. Frames are counted with
    // requestVideoFrameCallback (one call per frame presented); currentTime is kept as well.
    // The counting starts the first time a test asks about a video.
    const progress = new WeakMap();
    window.videoProgress = (video) => {
        let state = progress.get(video);
        if (!state) {
            state = { frames: 0, firstTime: video.currentTime };
            progress.set(video, state);
            if (typeof video.requestVideoFrameCallback === 'function') {
                const onFrame = () => {
                    state.frames += 1;
                    video.requestVideoFrameCallback(onFrame);
                };
                video.requestVideoFrameCallback(onFrame);
            }
        }
        const stream = video.srcObject;
        return {
            userid: video.dataset.userid,
            width: video.videoWidth,
            height: video.videoHeight,
            paused: video.paused,
            frames: state.frames,
            advanced: video.currentTime - state.firstTime,
            liveTracks: stream && stream.getTracks ? stream.getTracks().filter((t) => t.readyState === 'live').length : null,
        };
    };
    // True once `video` has a size and has presented at least `minFrames` frames (and
    // its clock moved) since counting started.
    window.isPlaying = (video, minFrames = 5) => {
        const state = window.videoProgress(video);
        return state.width > 0 && !state.paused && state.frames >= minFrames && state.advanced > 0;
    };
    // The <video> elements inside `selector`, as videoProgress() reports them.
    window.videosIn = (selector) => [...document.querySelectorAll(`${selector} video`)].map(window.videoProgress);
    // How many <video> elements inside `selector` play.
    window.playingVideosIn = (selector, minFrames = 5) =>
        [...document.querySelectorAll(`${selector} video`)].filter((video) => window.isPlaying(video, minFrames)).length;

    window.addEventListener('error', (event) => window.record('window:error', { message: event.message }));
    window.addEventListener('unhandledrejection', (event) =>
        window.record('window:unhandledrejection', { reason: String(event.reason && (event.reason.stack || event.reason)) }),
    );
})();
