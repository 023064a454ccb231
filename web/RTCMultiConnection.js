// The drop-in RTCMultiConnection: upstream's names and payloads (docs/api.md), with every
// decision taken by the wasm core (web/runtime.js carries them out). Usable synchronously:
// calls made before the core has loaded are queued in order, never lost.
import { loadCore } from './loader.js';
import { RTCDirection, RTCSession } from './enums.js';
import { ConnectionRuntime } from './runtime.js';
import { getDetectRTC } from './detect-rtc.js';
import { joinAsSession, readSession } from './session-value.js';
import { RTCMultiConnectionError } from './errors.js';
import { createStreamsCollection } from './streams.js';
import { aliasProperty, inertProperty, warnOnce } from './legacy.js';
import { defaultIceServers } from './peers/ice-servers.js';

function randomToken() {
    const words = new Uint32Array(3);
    crypto.getRandomValues(words);
    return Array.from(words, (word) => word.toString(36)).join('').toUpperCase();
}

// upstream v1.8 derived the channel from the page URL; we keep only characters that every
// signaling transport accepts as a channel name (the query string and hash are left out).
function channelFromLocation() {
    if (typeof location === 'undefined') return 'default-channel';
    return (location.host + location.pathname).replace(/[^A-Za-z0-9_-]/g, '').slice(-64) || 'default-channel';
}

// Every callback the seeds and v3 name: present from the start (null until the page sets one),
// so that no documented name reads as undefined on a fresh connection.
const CALLBACKS = [
    'onstream', 'onstreamended', 'onopen', 'onclose', 'onmessage', 'onleave', 'onerror',
    'onNewSession', 'onSessionClosed', 'onEntireSessionClosed', 'onstatechange', 'onMediaError',
    'onFileStart', 'onFileProgress', 'onFileEnd', 'onFileSent', 'onFileReceived', 'onspeaking',
    'onsilence', 'onmute', 'onunmute', 'onScreenCapturingExtensionAvailable',
    'onUserStatusChanged', 'onExtraDataUpdated', 'onPeerStateChanged',
];

export class RTCMultiConnection {
    constructor(channel, extras) {
        for (const name of CALLBACKS) this[name] = null;
        this.channel = channel || channelFromLocation();
        this.sessionid = this.channel;
        this.userid = randomToken();
        this.session = RTCSession.AudioVideo;
        this.direction = RTCDirection.ManyToMany;
        this.extra = {};
        this.interval = 3000;
        this.autoCloseEntireSession = false;
        this.maxParticipantsAllowed = 1000;
        this.password = '';
        // Left as is, the servers our signaling server issues replace it (web/peers/ice-servers.js).
        this.iceServers = defaultIceServers();
        this.bandwidth = null;
        this.attachStream = null;
        this.dontAttachStream = false;
        this.socketURL = '/';
        this.socketOptions = {};
        this.mediaConstraints = {};
        // v1.8: what to ask of each offer (both spellings: mandatory.OfferToReceive* and the
        // modern offerToReceive*); null leaves it to the room's session.
        this.sdpConstraints = { mandatory: { OfferToReceiveAudio: null, OfferToReceiveVideo: null }, optional: [] };
        // Local candidate kinds sent to peers: v1.8 {host, reflexive, relay}, v3 {host, stun, turn}.
        this.candidates = { host: true, reflexive: true, relay: true, stun: true, turn: true };
        // RTCConfiguration's name: 'relay' = relay candidates only (as candidates {relay} alone).
        this.iceTransportPolicy = 'all';
        this.trickleIce = true;
        this.autoRedialOnFailure = true;
        aliasProperty(this, 'autoReDialOnFailure', 'autoRedialOnFailure');
        // ICE restarts of a broken link (docs/api.md, "Recovery"): ms a disconnected link gets
        // to heal by itself, ms each restart gets, and restarts before the peer is given up.
        this.iceRestartDelay = 2000;
        this.iceRestartTimeout = 6000;
        this.maxIceRestarts = 4;
        // v1.8 fetched ICE servers from a service of upstream's; bring your own iceServers.
        this.getExternalIceServers = false;
        this.streams = createStreamsCollection();
        this.channels = {};
        this.peers = {};
        this.isInitiator = false;
        this.DetectRTC = getDetectRTC();
        inertProperty(this, 'preventSSLAutoAllowed', false, 'has no effect: browsers decide when to ask for the camera, and pages cannot change it');
        inertProperty(this, 'resources', {}, 'has no effect: everything the library needs is in it (recording, speaking detection, screen capture)');
        const drivers = extras && extras._drivers; // fakes of web/runtime.js for tests
        if (extras && typeof extras === 'object') Object.assign(this, extras);
        delete this._drivers;

        // Internal state lives behind one non-enumerable property: several instances on a page
        // share nothing but the loaded core.
        const internals = { runtime: null, ready: null };
        Object.defineProperty(this, '_internals', { value: internals, enumerable: false });
        internals.ready = loadCore().then(
            (core) => {
                internals.runtime = new ConnectionRuntime(this, core, drivers);
                this._screenCapturingAvailable();
                // v1.2: a channel given to the constructor starts looking for that session.
                if (channel && !this.isInitiator) this._whenReady((runtime) => this._startListening(runtime));
                return internals.runtime;
            },
            (error) => {
                const failure = new RTCMultiConnectionError('CORE_LOAD_FAILED', error.message);
                if (typeof this.onerror === 'function') this.onerror(failure);
                else console.error('RTCMultiConnection:', failure);
                throw failure;
            },
        );
        internals.ready.catch(() => {});
    }

    _whenReady(call) {
        this._internals.ready.then((runtime) => {
            try {
                call(runtime);
            } catch (error) {
                runtime.fireError(error);
            }
        });
    }

    // v1.8 called onScreenCapturingExtensionAvailable when it found its Chrome extension; the
    // browser's getDisplayMedia is what stands for it now.
    _screenCapturingAvailable() {
        if (typeof this.onScreenCapturingExtensionAvailable !== 'function' || !this.DetectRTC.isScreenCapturingSupported) return;
        warnOnce('onScreenCapturingExtensionAvailable', 'is called because getDisplayMedia can capture the screen: no extension is needed any more');
        this.onScreenCapturingExtensionAvailable();
    }

    _startListening(runtime) {
        // Only when nothing else has started: open()/join() queued behind us take over.
        if (runtime.engine && runtime.engine.state() !== runtime.core.SessionState.Idle) return;
        runtime.call('Connect', { id: String(this.channel) });
    }

    // open('session-id') | open({extra, interval, sessionid, captureUserMediaOnDemand,
    // onMediaCaptured}) | open('id', {...}) | open('id', callback(opened, id, error))
    open(sessionOrOptions, options, callback) {
        let sessionid = this.sessionid;
        let settings = options;
        if (typeof sessionOrOptions === 'string') sessionid = sessionOrOptions;
        else if (sessionOrOptions && typeof sessionOrOptions === 'object') settings = sessionOrOptions;
        if (typeof settings === 'function') {
            callback = settings;
            settings = undefined;
        }
        if (settings) {
            if (settings.extra !== undefined) this.extra = settings.extra;
            if (settings.interval !== undefined) this.interval = settings.interval;
            if (settings.sessionid) sessionid = settings.sessionid;
        }
        const onDemand = !!(settings && settings.captureUserMediaOnDemand);
        const onMediaCaptured = settings && typeof settings.onMediaCaptured === 'function' ? settings.onMediaCaptured : null;
        this.sessionid = sessionid;
        this.isInitiator = true;
        this._whenReady((runtime) => {
            runtime.openCallback = callback || null;
            runtime.captureOnDemand = onDemand;
            runtime.onMediaCaptured = onMediaCaptured;
            runtime.call('Open', { id: String(sessionid) });
        });
    }

    // connect('session-id'): join that session's first announcement (unless onNewSession is set).
    connect(sessionid) {
        if (sessionid) this.sessionid = sessionid;
        const target = this.sessionid;
        this._whenReady((runtime) => runtime.call('Connect', { id: String(target) }));
        return this;
    }

    // join(session | 'sessionid', extra | {audio:true} | {oneway:true} | callback(joined, id, error))
    join(session, second) {
        const sessionid = typeof session === 'string' ? session : session && session.sessionid;
        if (!sessionid) throw new RTCMultiConnectionError('INVALID_ARGUMENT', 'invalid data passed: join() needs a session from onNewSession or a session id');
        let joinAs = null;
        if (second && typeof second === 'object') {
            const mediaKeys = ['audio', 'video', 'screen', 'data', 'oneway'];
            if (typeof session === 'string' || mediaKeys.some((key) => key in second)) joinAs = joinAsSession(second);
            else this.extra = second; // v1.2: join(session, extra)
        }
        const callback = typeof second === 'function' ? second : null;
        this.sessionid = sessionid;
        this._whenReady((runtime) => {
            runtime.joinCallback = callback;
            runtime.call('Join', { id: String(sessionid), flag: !!joinAs, media: joinAs || emptySession() });
        });
    }

    openOrJoin(sessionid, callback) {
        this.checkPresence(sessionid, (exists) => {
            if (exists) this.join(sessionid);
            else this.open(sessionid);
            if (callback) callback(!exists, sessionid);
        });
    }

    // checkPresence('id', callback(isRoomExist, roomid, extra))
    checkPresence(sessionid, callback) {
        const target = sessionid || this.sessionid;
        this._whenReady((runtime) => {
            if (!runtime.presenceCallbacks.has(target)) runtime.presenceCallbacks.set(target, []);
            runtime.presenceCallbacks.get(target).push(callback || (() => {}));
            runtime.call('CheckPresence', { id: String(target) });
        });
    }

    donotJoin(sessionid) {
        this._whenReady((runtime) => runtime.call('DonotJoin', { id: String(sessionid || this.sessionid) }));
    }

    // send(text | object | file | blob | buffer) to everyone; send(data, userid) to one user.
    send(data, userid) {
        if (data === undefined || data === null || data === '') {
            throw new RTCMultiConnectionError('INVALID_ARGUMENT', 'No file, data or text message to share.');
        }
        this._whenReady((runtime) => runtime.data.send(data, userid));
    }

    eject(userid) {
        if (!userid) throw new RTCMultiConnectionError('INVALID_ARGUMENT', '"user-id" is mandatory.');
        this._whenReady((runtime) => runtime.call('Eject', { peer: String(userid) }));
    }

    // leave(): leave the session (as owner: hand it over, or close it with autoCloseEntireSession).
    // leave(userid): eject that user (upstream v1.2).
    leave(userid) {
        if (userid) {
            this.eject(userid);
            return;
        }
        this._whenReady((runtime) => {
            // Settings changed just before leave() count (seed: autoCloseEntireSession = true).
            if (runtime.engine) runtime.call('Leave');
            runtime.release();
        });
    }

    close() {
        this.autoCloseEntireSession = true;
        this.leave();
        this._whenReady((runtime) => runtime.close());
    }

    updateExtraData() {
        this._whenReady((runtime) => runtime.call('UpdateExtra', { text: JSON.stringify(this.extra === undefined ? {} : this.extra) }));
    }

    getAllParticipants() {
        const runtime = this._internals.runtime;
        return runtime && runtime.engine ? runtime.engine.linkedPeers() : [];
    }

    // addStream({audio:true, video:true} | 'screen' | RTCSession.*) during a session.
    addStream(session) {
        this._whenReady((runtime) => {
            const { session: media } = readSession(runtime.core, session);
            runtime.call('AddStream', { media });
        });
    }

    removeStream(streamid) {
        this._whenReady((runtime) => {
            if (!runtime.removeLocalStream(streamid)) {
                runtime.fireError(new RTCMultiConnectionError('UNKNOWN_STREAM', `removeStream(): no local stream '${streamid}'`));
            }
        });
    }

    // v1.8: the local streams this connection sends (captured, attachStream, shared parts of the
    // screen), as MediaStreams: `connection.attachStreams[0].getVideoTracks()`.
    get attachStreams() {
        const runtime = this._internals.runtime;
        return runtime ? runtime.localStreams.map((local) => local.stream) : [];
    }

    // v1.8: selectDevices(deviceId, deviceId?) picks the microphone and/or camera (ids from
    // DetectRTC.MediaDevices) for the next capture.
    selectDevices(...deviceIds) {
        this._whenReady((runtime) => runtime.selectDevices(deviceIds.flat().filter(Boolean).map(String)));
    }

    // v1.8: share a part of the page (a DOM element) as a video stream, to everyone linked now
    // and later. {element, interval (ms between frames, default 1000)}.
    sharePartOfScreen(args) {
        this._whenReady((runtime) => runtime.sharePartOfScreen(args || {}));
    }

    pausePartOfScreenSharing() {
        this._whenReady((runtime) => runtime.partOfScreen && runtime.partOfScreen.pause());
    }

    resumePartOfScreenSharing() {
        this._whenReady((runtime) => runtime.partOfScreen && runtime.partOfScreen.resume());
    }

    stopPartOfScreenSharing() {
        this._whenReady((runtime) => runtime.stopPartOfScreen());
    }

    // v1.8: negotiate every link again (e.g. after changing sdpConstraints).
    renegotiate() {
        this._whenReady((runtime) => runtime.peers.renegotiateAll());
    }

    // connection.getStats(callback) -> {userid: summary} for every link (web/peers/stats.js);
    // also a promise.
    getStats(callback) {
        return this._internals.ready.then(async (runtime) => {
            const all = await runtime.stats();
            if (typeof callback === 'function') callback(all);
            return all;
        });
    }
}

function emptySession() {
    return { audio: false, video: false, screen: false, data: false, oneway: false, broadcast: false };
}
