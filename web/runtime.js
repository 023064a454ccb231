// The machinery behind one RTCMultiConnection: its engine (the wasm core), its signaling
// channel, its peer connections and local media. It feeds browser events to the engine and
// carries out the engine's actions; the policy is the engine's, the effects are here.
import { PeerDriver } from './peers/peer-driver.js';
import { iceServersForLink, isDefaultIceServers, turnUrlsOf } from './peers/ice-servers.js';
import { captureMedia, legacyMediaErrorName, stopStream } from './media/media-driver.js';
import { PartOfScreen } from './media/screen-part.js';
import { summarizeStats } from './peers/stats.js';
import { messageEvent } from './message-event.js';
import { createMediaElement } from './media/media-element.js';
import { watchSpeaking } from './media/speaking.js';
import { SocketIoChannel } from './signaling/socketio-channel.js';
import { CustomChannel } from './signaling/custom-channel.js';
import { DataPlaneDriver } from './data/data-plane-driver.js';
import { SfuDriver } from './sfu/sfu-driver.js';
import { errorFromPayload, RTCMultiConnectionError, wordsOf } from './errors.js';
import { createStreamEntry, endStreamEntry } from './streams.js';
import { directionValue, RTCDirection, sessionFromName, sessionValue } from './enums.js';
import { readDirection, readSession } from './session-value.js';
import { PROTOCOL_LIMITS } from './generated/protocol-limits.js';
import { PAGE_EVENTS } from './page-events.js';


// The sentences v3's server answered a refused open-room / join-room with, by our code.
const V3_REFUSALS = {
    ROOM_EXISTS: 'Room not available',
    ROOM_NOT_FOUND: 'Room not available',
    WRONG_PASSWORD: 'Invalid password',
    ROOM_FULL: 'Room full',
};

// Page calls after which a link can follow: the peer driver gets ready for it (warmUp).
const WARM_UP_CALLS = new Set(['Open', 'Connect', 'Join', 'CheckPresence']);
const NO_MEDIA = Object.freeze({ audio: false, video: false, screen: false, data: false, oneway: false, broadcast: false });

// A relay-only link whose TURN servers gave no relay candidate this long after it was made is
// reported (onerror TURN_UNREACHABLE): a TURN allocation takes a few round trips, well under
// a second on a working path.
const RELAY_GATHER_TIMEOUT_MS = 10000;

const PEER_STATES = {
    new: 'Connecting',
    connecting: 'Connecting',
    connected: 'Connected',
    disconnected: 'Disconnected',
    failed: 'Failed',
    closed: 'Closed',
};

export class ConnectionRuntime {
    // drivers (tests/js/web/facade.test.js runs the facade on fakes): {PeerDriver: a class
    // like web/peers/peer-driver.js, createSignalingChannel(connection, handlers)}.
    constructor(connection, core, drivers = {}) {
        this.drivers = drivers;
        this.connection = connection;
        this.core = core;
        this.pageEvents = new Map(Object.entries(PAGE_EVENTS).map(([kind, name]) => [core.PageEvent[kind], name]));
        this.engine = null;
        this.signaling = null;
        this.sfu = null; // the room's media through the server's SFU (web/sfu/), when it has one
        this.localStreams = []; // [{stream, streamid, session:{audio,video,screen}, captured}]
        this.remoteStreams = new Map(); // streamid -> {stream, userid, element}
        this.stopSpeaking = new Map(); // streamid -> stop function
        this.tickTimer = null;
        this.tickAt = 0;
        this.presenceCallbacks = new Map(); // roomid -> [callback]
        this.openCallback = null; // open('id', callback): told once, success or failure
        this.joinCallback = null; // join('id', callback): likewise
        this.refusal = null; // the open/join that just failed, until its onerror (if any) is in
        this.selectedDevices = { audio: null, video: null }; // selectDevices()
        this.captureOnDemand = false; // open({captureUserMediaOnDemand})
        this.onMediaCaptured = null; // open({onMediaCaptured})
        this.providedStream = null; // a stream of the page's own for the next "add" capture
        this.partOfScreen = null; // sharePartOfScreen()
        this.lastStats = new Map(); // userid -> the summary getStats() gave last
        this.userid = null; // fixed once a session starts
        this.peers = new (drivers.PeerDriver || PeerDriver)(
            {
                onLocalDescription: (userid, description) => this.onLocalDescription(userid, description),
                onCandidate: (userid, candidate) => {
                    if (candidate && / typ relay /.test(candidate.candidate)) this.relayGathered(userid);
                    this.tell('LocalCandidate', {
                        peer: userid,
                        text: candidate ? candidate.candidate : '',
                        name: (candidate && candidate.sdpMid) || '',
                        index: candidate && candidate.sdpMLineIndex !== null ? candidate.sdpMLineIndex : -1,
                    });
                },
                onConnectionState: (userid, state) =>
                    this.tell('PeerStateChanged', { peer: userid, state: this.core.PeerState[PEER_STATES[state] || 'Connecting'] }),
                onTrack: (userid, track, streams) => this.onTrack(userid, track, streams),
                onDataChannel: (userid, channel) => this.data.attach(userid, channel),
                onError: (userid, error) => this.fire('onerror', { code: error.name || 'PEER_ERROR', message: `peer connection with '${userid}': ${error.message}`, userid }),
                onIceServerError: (userid, failure) => this.onIceServerError(userid, failure),
            },
            // Read at every new link: a page may change iceServers, and the server's TURN
            // credentials are renewed, between calls.
            { iceServers: () => this.iceServersForLink() },
        );
        this.reportedIceServerErrors = new Set(); // `${userid} ${url} ${code}` already told
        this.relayWatches = new Map(); // userid -> timer: relay-only link without a relay candidate yet
        this.data = new DataPlaneDriver(this); // text and files (web/data/)
    }

    // ---- engine and configuration

    config() {
        const connection = this.connection;
        const { session } = readSession(this.core, connection.session);
        const extra = JSON.stringify(connection.extra === undefined ? {} : connection.extra);
        if (this.userid === null) this.userid = String(connection.userid);
        const channel = String(connection.channel || '');
        const password = connection.password ? String(connection.password) : '';
        wellFormed('userid', this.userid);
        wellFormed('channel', channel);
        wellFormed('password', password);
        return {
            authority: this.signalingChannel().authority === 'server' ? this.core.RoomAuthority.Server : this.core.RoomAuthority.Owner,
            userid: this.userid,
            channel,
            session,
            direction: readDirection(this.core, connection.direction),
            extra,
            // Upstream had no bound: a larger number means "as many as the protocol allows".
            maxParticipantsAllowed: Math.max(1, Math.min(PROTOCOL_LIMITS.maxParticipantsAllowed, Math.floor(Number(connection.maxParticipantsAllowed)) || 1000)),
            autoCloseEntireSession: !!connection.autoCloseEntireSession,
            announceIntervalMs: Math.max(100, Number(connection.interval) || 3000),
            presenceTimeoutMs: 3000,
            password,
            autoJoin: typeof connection.onNewSession !== 'function',
            dontAttachStream: !!connection.dontAttachStream,
            captureMediaOnDemand: !!this.captureOnDemand,
            offerToReceiveAudio: offerToReceive(connection.sdpConstraints, 'Audio'),
            offerToReceiveVideo: offerToReceive(connection.sdpConstraints, 'Video'),
            ...candidateKinds(connection.candidates, connection.iceTransportPolicy),
            trickleIce: connection.trickleIce !== false,
            autoRedialOnFailure: connection.autoRedialOnFailure !== false,
            // ICE restarts (src/engine/engine_recovery.cpp; the core bounds them).
            iceRestartDelayMs: wholeNumber(connection.iceRestartDelay, 2000),
            iceRestartTimeoutMs: wholeNumber(connection.iceRestartTimeout, 6000),
            maxIceRestarts: wholeNumber(connection.maxIceRestarts, 4),
            // connection.sfu: ask our server to route the room's media through its SFU;
            // bandwidth.video (kbps, as for mesh links) caps each published video there.
            sfu: !!connection.sfu,
            sfuBitrate: Math.min(0xffffffff, wholeNumber(connection.bandwidth && connection.bandwidth.video, 0) * 1000),
        };
    }

    // The Event of kind `kind` (a core.EventKind name) with `fields`, every other field at its
    // neutral value (the value_object needs them all).
    event(kind, fields) {
        return {
            kind: this.core.EventKind[kind],
            peer: '',
            id: '',
            name: '',
            text: '',
            body: '',
            media: NO_MEDIA,
            flag: false,
            state: this.core.PeerState.Connecting,
            index: -1,
            now: Date.now(),
            ...fields,
        };
    }

    // A call of the page: the engine hears it with the connection's current settings (made
    // on first use). Bad settings (an unknown session string...) become onerror and the call
    // does nothing.
    call(kind, fields = {}) {
        let config;
        try {
            if (typeof fields.id === 'string') wellFormed('room id', fields.id);
            config = this.config();
        } catch (error) {
            this.fireError(error);
            return;
        }
        if (!this.engine) this.engine = new this.core.Engine(config);
        else this.engine.configure(config);
        this.data.roomChanged();
        this.run(this.engine.handle(this.event(kind, fields)));
        // After the call's requests went out: links come next (peer-driver.js and
        // data-plane-driver.js, warmUp).
        if (WARM_UP_CALLS.has(kind)) {
            this.peers.warmUp();
            if (config.session.data) this.data.warmUp();
        }
    }

    // What the browser, the signaling channel or the clock reports; dropped once the session's
    // engine is gone. The room can only change while the engine handles something.
    tell(kind, fields = {}) {
        if (!this.engine) return;
        this.data.roomChanged();
        this.run(this.engine.handle(this.event(kind, fields)));
    }

    signalingChannel() {
        if (this.signaling) return this.signaling;
        const connection = this.connection;
        const handlers = {
            onRelay: (from, text) => this.tell('Signal', { peer: from, text }),
            onServerEvent: (name, payload) => this.tell('ServerEvent', { name, text: JSON.stringify(payload) }),
            onError: (code, message) => this.fire('onerror', { code, message }),
            onConnect: () => {},
            onSfu: (roomid, frame) => {
                if (this.sfu && roomid === this.sfuRoom) this.sfu.receive(frame);
            },
            onSfuStatus: (roomid, status, reason) => {
                if (!this.sfu || roomid !== this.sfuRoom) return;
                if (status === 'refused') this.fire('onerror', { code: 'SFU_REFUSED', message: `the signaling server refused a frame for the SFU: ${reason}` });
                else this.sfu.status(status);
            },
            // Renewed TURN credentials: the links made so far take them too, for their next
            // gathering (an ICE restart); their current relay allocations stay as they are.
            onIceServers: () => {
                if (isDefaultIceServers(connection.iceServers)) this.peers.updateIceServers(this.iceServersForLink());
            },
        };
        if (this.drivers.createSignalingChannel) {
            this.signaling = this.drivers.createSignalingChannel(connection, handlers);
        } else if (typeof connection.openSignalingChannel === 'function') {
            this.signaling = new CustomChannel(connection, handlers);
        } else {
            this.signaling = new SocketIoChannel(
                {
                    url: connection.socketURL === '/' ? undefined : connection.socketURL,
                    userid: String(connection.userid),
                    extra: connection.extra,
                    options: connection.socketOptions,
                },
                handlers,
            );
        }
        return this.signaling;
    }

    // ---- actions

    run(actions) {
        if (!actions) return;
        for (const action of actions) {
            try {
                this.perform(action);
            } catch (error) {
                this.fireError(error);
            }
        }
    }

    // Each kind of core.ActionKind is carried out here and nowhere else (src/engine/action.hpp
    // says what each field means for each kind).
    perform(action) {
        const kinds = this.core.ActionKind;
        switch (action.kind) {
            case kinds.SendSignal:
                this.signaling.send(action.peer, action.text, action.name);
                break;
            case kinds.ServerRequest:
                this.serverRequest(action.name, action.text);
                break;
            case kinds.CaptureMedia:
                this.capture(action.media, action.name);
                break;
            case kinds.CreatePeer: {
                // A link that carries data counts for what is sent to everyone from now on,
                // before its channel exists (the core's data plane decides who gets what).
                if (action.data) this.data.link(action.peer);
                const plan = planOf(action);
                const pc = this.peers.create(action.peer, plan, this.localStreams.map((local) => ({ stream: local.stream })));
                this.updatePeers();
                if (plan.iceTransportPolicy === 'relay') this.checkRelayPossible(action.peer, pc);
                break;
            }
            case kinds.ClosePeer:
                this.closePeer(action.peer);
                break;
            case kinds.SetRemoteDescription:
                this.peers.setRemoteDescription(action.peer, { type: action.name, sdp: action.text });
                break;
            case kinds.AddIceCandidate:
                this.peers.addCandidate(
                    action.peer,
                    action.text ? { candidate: action.text, sdpMid: action.name || null, sdpMLineIndex: action.index >= 0 ? action.index : null } : null,
                );
                break;
            case kinds.StopLocalMedia:
                this.stopLocalMedia();
                break;
            case kinds.ScheduleTick:
                this.scheduleTick(action.at);
                break;
            case kinds.RestartIce:
                this.peers.restartIce(action.peer);
                break;
            case kinds.LeaveSfu:
                this.stopSfu();
                break;
            case kinds.FireEvent: {
                const name = this.pageEvents.get(action.event);
                if (!name) throw new RTCMultiConnectionError('UNKNOWN_ACTION', `the core fired event ${action.event}, which this facade does not know`);
                this.fire(name, JSON.parse(action.text));
                break;
            }
            default:
                throw new RTCMultiConnectionError('UNKNOWN_ACTION', `the core asked for action ${action.kind}, which this facade cannot do`);
        }
    }

    serverRequest(name, bodyText) {
        const engine = this.engine;
        this.signalingChannel()
            .request(name, JSON.parse(bodyText))
            .then((reply) => {
                // The answer belongs to the engine that asked: one of a later session ignores it.
                if (this.engine === engine) this.tell('ServerReply', { name, body: bodyText, text: JSON.stringify(reply || {}) });
            });
    }

    scheduleTick(at) {
        if (this.tickTimer && this.tickAt <= at) return;
        clearTimeout(this.tickTimer);
        this.tickAt = at;
        this.tickTimer = setTimeout(() => {
            this.tickTimer = null;
            this.tell('Tick');
        }, Math.max(0, at - Date.now()));
    }

    // ---- local media

    // purpose: 'open' or 'join' (the session's media), or 'add' (addStream, sharePartOfScreen,
    // the opener's on-demand capture): every link gets it, and links made later too.
    async capture(wants, purpose) {
        const connection = this.connection;
        const adding = purpose === 'add';
        // The capture belongs to the session that asked for it: after leave() and a new open()
        // on this object, a late camera must not reach the next session's engine.
        const engine = this.engine;
        let stream;
        let captured = true;
        try {
            if (adding && this.providedStream) {
                // A stream the page made (a shared part of the screen).
                stream = this.providedStream;
                this.providedStream = null;
            } else if (!adding && connection.attachStream) {
                // One stream reused by several connections (the seeds' multi-session example).
                stream = connection.attachStream;
                captured = false;
            } else {
                stream = await captureMedia(wants, connection.mediaConstraints || {}, this.selectedDevices);
            }
        } catch (error) {
            // `name` as v1.8 pages test it (PermissionDeniedError...); the browser's own name and
            // the error itself stay on the event.
            const event = {
                name: legacyMediaErrorName(error.name),
                browserName: error.name,
                message: error.message,
                constraintName: error.constraint,
                session: { ...wants },
                error,
            };
            callHandler(connection, 'onMediaError', event);
            if (!adding && this.engine === engine) this.tell('MediaFailed', { text: `${error.name}: ${error.message}` });
            return;
        }
        if (!engine || this.engine !== engine) {
            if (captured) stopStream(stream);
            return;
        }
        const session = { audio: stream.getAudioTracks().length > 0, video: !wants.screen && stream.getVideoTracks().length > 0, screen: !!wants.screen };
        const local = { stream, streamid: stream.id, session, captured };
        this.localStreams.push(local);
        this.announceLocalStream(local);
        const carries = { ...NO_MEDIA, ...session };
        if (this.sfu) this.sfu.localStreamAdded(stream);
        if (adding) {
            this.tell('StreamAdded', { id: local.streamid, media: carries });
            // In an SFU room the links carry data only: the stream goes through Janus.
            if (!this.sfu) for (const peer of this.engine.linkedPeers()) this.peers.addStream(peer, stream, { audio: true, video: true, screen: true });
        } else {
            this.tell('MediaReady', { id: local.streamid, media: carries });
        }
        // open({onMediaCaptured}): the opener's media is in hand (at open, or on demand).
        if (this.onMediaCaptured && (purpose === 'open' || (adding && this.captureOnDemand))) {
            const onMediaCaptured = this.onMediaCaptured;
            this.onMediaCaptured = null;
            callPage(connection, onMediaCaptured, [entryEvent(connection, local.streamid)]);
        }
    }

    // selectDevices(ids): which microphone and camera the next capture uses, by the kinds
    // DetectRTC lists them under.
    async selectDevices(ids) {
        const detect = this.connection.DetectRTC;
        if (!detect.MediaDevices.length) await detect.load();
        for (const id of ids) {
            const device = detect.MediaDevices.find((candidate) => candidate.deviceId === id);
            if (!device) {
                this.fireError(new RTCMultiConnectionError('UNKNOWN_DEVICE', `selectDevices(): no device '${id}' (DetectRTC.MediaDevices lists the ids)`));
            } else if (device.kind === 'audioinput') {
                this.selectedDevices.audio = id;
            } else if (device.kind === 'videoinput') {
                this.selectedDevices.video = id;
            }
        }
    }

    // sharePartOfScreen({element, interval}): the part's stream joins the session as added
    // media (the core says whether this side may add any).
    async sharePartOfScreen(args) {
        if (this.partOfScreen) this.stopPartOfScreen();
        let part;
        try {
            part = new PartOfScreen(args);
            this.providedStream = await part.start();
        } catch (error) {
            this.fireError(new RTCMultiConnectionError('INVALID_ARGUMENT', `sharePartOfScreen(): ${error.message}`));
            return;
        }
        this.partOfScreen = part;
        this.call('AddStream', { media: { ...NO_MEDIA, screen: true } });
    }

    stopPartOfScreen() {
        const part = this.partOfScreen;
        if (!part) return;
        this.partOfScreen = null;
        if (part.stream) this.removeLocalStream(part.stream.id);
        part.stop();
    }

    // getStats(): {userid: summary} for every link (web/peers/stats.js).
    async stats() {
        const all = {};
        for (const userid of this.engine ? this.engine.linkedPeers() : []) {
            const summary = await this.peerStats(userid);
            if (summary) all[userid] = summary;
        }
        return all;
    }

    async peerStats(userid) {
        const pc = this.peers.connection(userid);
        if (!pc) return null;
        const summary = await summarizeStats(pc, userid, this.lastStats.get(userid) || null);
        this.lastStats.set(userid, summary);
        return summary;
    }

    announceLocalStream(local) {
        const connection = this.connection;
        const audioOnly = local.stream.getVideoTracks().length === 0;
        const element = createMediaElement(local.stream, { local: true, audioOnly });
        const entry = createStreamEntry(connection, {
            type: 'local',
            stream: local.stream,
            streamid: local.streamid,
            mediaElement: element,
            userid: this.userid || connection.userid,
            extra: connection.extra,
            session: sessionValue(local.session),
            direction: this.directionValue(),
            isInitiator: !!connection.isInitiator,
        });
        Object.defineProperty(entry, 'onMuteChanged', {
            enumerable: false,
            value: ({ audio, video, muted }) => {
                this.tell('SetMuted', { id: local.streamid, media: { ...NO_MEDIA, audio, video }, flag: muted });
                callHandler(connection, muted ? 'onmute' : 'onunmute', { ...entry, muteType: kindName(audio, video), unmuteType: kindName(audio, video) });
            },
        });
        connection.streams[local.streamid] = entry;
        this.watchSpeaking(entry);
        callHandler(connection, 'onstream', entry);
    }

    // The RTCDirection value of the connection's own direction (its local onstream events).
    // The room's, once there is one; before, the page's, where v1.3's session.oneway /
    // session.broadcast choose one-way / one-to-many as they do for the room.
    directionValue() {
        try {
            const room = this.engine ? JSON.parse(this.engine.roomSnapshot()) : null;
            if (room) return directionValue(room.direction);
            const { session } = readSession(this.core, this.connection.session);
            if (session.oneway) return RTCDirection.OneWay;
            if (session.broadcast) return RTCDirection.OneToMany;
            return directionValue(this.core.directionName(readDirection(this.core, this.connection.direction)));
        } catch {
            return undefined;
        }
    }

    // A stream is over for this page: gone from connection.streams, its speaking meter off,
    // onended once, and (unless `quietly`) onstreamended.
    dropStream(streamid, quietly = false) {
        const entry = this.connection.streams[streamid];
        delete this.connection.streams[streamid];
        this.unwatchSpeaking(streamid);
        if (!entry) return;
        if (!quietly) callHandler(this.connection, 'onstreamended', entry);
        endStreamEntry(entry);
    }

    stopLocalMedia() {
        for (const local of this.localStreams) {
            if (local.captured) stopStream(local.stream);
            this.dropStream(local.streamid, true);
        }
        this.localStreams = [];
    }

    removeLocalStream(streamid) {
        const local = this.localStreams.find((candidate) => candidate.streamid === streamid);
        if (!local) return false;
        if (this.sfu) this.sfu.localStreamRemoved(local.stream);
        else for (const userid of this.engine ? this.engine.linkedPeers() : []) this.peers.removeStream(userid, local.stream);
        this.localStreams = this.localStreams.filter((candidate) => candidate !== local);
        if (local.captured) stopStream(local.stream);
        this.tell('EndStream', { id: streamid });
        this.dropStream(streamid);
        return true;
    }

    // ---- peers

    // The ICE servers of a new link (web/peers/ice-servers.js says which).
    iceServersForLink() {
        const fromServer = this.signaling && typeof this.signaling.iceServers === 'function' ? this.signaling.iceServers() : null;
        return iceServersForLink(this.connection.iceServers, fromServer);
    }

    // A relay-only link without any TURN server can never connect: say so at once rather
    // than let the page wait for a connection that cannot come.
    // Browsers do not always say when a TURN server never answers (Chromium: no
    // icecandidateerror for a UDP server that is down), so a relay-only link that has no relay
    // candidate RELAY_GATHER_TIMEOUT_MS after it was made is reported too.
    checkRelayPossible(userid, pc) {
        this.relayGathered(userid);
        const servers = pc && typeof pc.getConfiguration === 'function' ? pc.getConfiguration().iceServers : [];
        const urls = turnUrlsOf(servers);
        if (urls.length === 0) {
            this.fire('onerror', {
                code: 'TURN_NOT_CONFIGURED',
                message: `the link with '${userid}' may use relay candidates only (candidates / iceTransportPolicy), but it has no TURN server: set connection.iceServers, or TURN_URLS on the signaling server`,
                userid,
            });
            return;
        }
        const timer = setTimeout(() => {
            this.relayWatches.delete(userid);
            if (this.peers.connection(userid) !== pc) return;
            // A refusal already told is the reason: no second error for the same link.
            for (const key of this.reportedIceServerErrors) if (key.startsWith(`${userid} `)) return;
            this.fire('onerror', {
                code: 'TURN_UNREACHABLE',
                message: `no TURN server gave the link with '${userid}' a relay candidate within ${RELAY_GATHER_TIMEOUT_MS / 1000} s (${urls.join(', ')}): a relay-only link cannot connect without one`,
                userid,
                url: urls[0],
            });
        }, RELAY_GATHER_TIMEOUT_MS);
        this.relayWatches.set(userid, timer);
    }

    relayGathered(userid) {
        clearTimeout(this.relayWatches.get(userid));
        this.relayWatches.delete(userid);
    }

    // An `icecandidateerror` of a link: a TURN server refused or did not answer. Each
    // (link, server, code) is told once: a browser reports it for every local address.
    // STUN errors stay quiet (a public STUN server out of reach is no news on a private
    // network, and the link may still connect).
    onIceServerError(userid, failure) {
        const url = String(failure.url || '');
        if (!/^turns?:/i.test(url)) return;
        const errorCode = Number(failure.errorCode) || 0;
        const key = `${userid} ${url} ${errorCode}`;
        if (this.reportedIceServerErrors.has(key)) return;
        this.reportedIceServerErrors.add(key);
        const said = failure.errorText ? ` (${errorCode} ${failure.errorText})` : ` (${errorCode})`;
        let code = 'TURN_ERROR';
        let message = `TURN server ${url} failed for the link with '${userid}'${said}`;
        if (errorCode === 401 || errorCode === 431 || errorCode === 441) {
            code = 'TURN_AUTH_FAILED';
            message = `TURN server ${url} refused the credentials for the link with '${userid}'${said}: the username or credential is wrong or expired`;
        } else if (errorCode === 701) {
            code = 'TURN_UNREACHABLE';
            message = `TURN server ${url} did not answer for the link with '${userid}'${said}`;
        }
        this.fire('onerror', { code, message, userid, url, errorCode, errorText: String(failure.errorText || '') });
    }

    onLocalDescription(userid, description) {
        this.tell('LocalDescription', { peer: userid, name: description.type, text: this.applyBandwidth(description.sdp) });
    }

    applyBandwidth(sdp) {
        const bandwidth = this.connection.bandwidth;
        if (!bandwidth || typeof this.core.applyBandwidth !== 'function') return sdp;
        const screen = this.localStreams.some((local) => local.session.screen);
        const kbps = (value) => Math.max(0, Math.min(0xffffffff, Math.floor(Number(value) || 0)));
        return this.core.applyBandwidth(sdp, {
            audio: kbps(bandwidth.audio),
            video: kbps(screen ? bandwidth.screen || bandwidth.video : bandwidth.video),
            data: kbps(bandwidth.data),
        });
    }

    onTrack(userid, track, streams) {
        const stream = streams && streams[0] ? streams[0] : new MediaStream([track]);
        const known = this.remoteStreams.get(stream.id);
        if (known) {
            if (known.element && track.kind === 'video' && known.element.tagName === 'AUDIO') {
                // A video track joined an audio-only stream: a video element shows it.
                known.element = null;
            }
            return;
        }
        this.remoteStreams.set(stream.id, { stream, userid, element: null });
        stream.addEventListener('removetrack', () => {
            if (stream.getTracks().length === 0) this.tell('RemoteStreamRemoved', { peer: userid, id: stream.id });
        });
        // Wait one task so that a stream's second track (audio + video) is attached first.
        setTimeout(() => {
            if (this.remoteStreams.has(stream.id)) this.tell('RemoteStreamAdded', { peer: userid, id: stream.id });
        }, 0);
    }

    closePeer(userid) {
        this.relayGathered(userid);
        this.peers.close(userid);
        this.data.detach(userid);
        for (const [streamid, remote] of [...this.remoteStreams]) {
            if (remote.userid !== userid) continue;
            this.remoteStreams.delete(streamid);
            this.dropStream(streamid);
        }
        this.updatePeers();
    }

    updatePeers() {
        const peers = {};
        for (const userid of this.engine ? this.engine.linkedPeers() : []) {
            const connection = this;
            peers[userid] = {
                userid,
                get peer() {
                    return connection.peers.connection(userid);
                },
                addStream: (session) => connection.connection.addStream(session),
                // v1.8: peers[userid].getStats(callback), also a promise.
                getStats: (callback) =>
                    connection.peerStats(userid).then((summary) => {
                        if (typeof callback === 'function') callback(summary);
                        return summary;
                    }),
                renegotiate: () => connection.peers.renegotiateAll(),
            };
        }
        this.connection.peers = peers;
    }

    // ---- events to the page

    fire(name, payload, localOnly) {
        const connection = this.connection;
        switch (name) {
            case 'onstream':
                this.fireRemoteStream(payload);
                return;
            case 'onstreamended': {
                const remote = this.remoteStreams.get(payload.streamid);
                this.remoteStreams.delete(payload.streamid);
                if (connection.streams[payload.streamid]) this.dropStream(payload.streamid);
                else callHandler(connection, 'onstreamended', { ...payload, stream: remote && remote.stream });
                return;
            }
            case 'onmute':
            case 'onunmute': {
                const entry = connection.streams[payload.streamid];
                callHandler(connection, name, entry ? { ...entry, ...payload, session: entry.session } : payload);
                return;
            }
            case 'onleave':
                if (typeof connection.onleave === 'function' && connection.onleave.length >= 2) {
                    connection.onleave(payload.userid, payload.extra); // upstream v1.2 signature
                } else {
                    callHandler(connection, 'onleave', payload);
                }
                return;
            case 'onopen':
            case 'onclose':
                callHandler(connection, name, withExtraFields(payload, this.data.channelFor(payload.userid)));
                return;
            case 'onstatechange':
                if (payload.state === 'failed' || payload.state === 'request-rejected') this.callRefused(payload);
                if (localOnly && typeof connection.onstatechange !== 'function') return;
                // The reason comes as the core's Text; pages read it as words (upstream: a string).
                callHandler(connection, 'onstatechange', payload.state, payload.reason ? wordsOf(payload.reason) : undefined);
                return;
            case 'onerror': {
                const error = errorFromPayload(payload);
                if (this.refusal && !this.refusal.error) this.refusal.error = error;
                this.fireError(error);
                return;
            }
            case 'onNewSession':
                this.fireNewSession(payload);
                return;
            case '_opened':
                connection.isInitiator = true;
                connection.sessionid = payload.sessionid;
                this.startSfu(payload.sessionid, payload.sfu);
                this.settleOpen(true);
                return;
            case '_joined': {
                connection.isInitiator = false;
                connection.sessionid = payload.sessionid;
                this.startSfu(payload.sessionid, payload.sfu);
                const callback = this.joinCallback;
                this.joinCallback = null;
                callPage(this.connection, callback, [true, payload.sessionid]);
                return;
            }
            case '_ownerChanged':
                connection.isInitiator = payload.owner === this.userid;
                return;
            case '_presence': {
                const callbacks = this.presenceCallbacks.get(payload.sessionid) || [];
                this.presenceCallbacks.delete(payload.sessionid);
                for (const callback of callbacks) callPage(connection, callback, [!!payload.exists, payload.sessionid, payload.extra || {}]);
                return;
            }
            default:
                callHandler(connection, name, payload);
        }
    }

    // onmessage(event): web/message-event.js says what the event is.
    deliverMessage(data, userid, extra) {
        callHandler(this.connection, 'onmessage', messageEvent(data, userid, extra));
    }

    fireError(error) {
        const connection = this.connection;
        if (typeof connection.onerror === 'function') connection.onerror(error);
        else console.error('RTCMultiConnection:', error); // never silent
    }

    fireRemoteStream(payload) {
        const connection = this.connection;
        const remote = this.remoteStreams.get(payload.streamid);
        if (!remote) return;
        const audioOnly = remote.stream.getVideoTracks().length === 0;
        remote.element = remote.element || createMediaElement(remote.stream, { local: false, audioOnly });
        const entry = createStreamEntry(connection, {
            type: 'remote',
            stream: remote.stream,
            streamid: payload.streamid,
            mediaElement: remote.element,
            userid: payload.userid,
            extra: payload.extra,
            session: sessionFromName(payload.session, payload.direction),
            direction: directionValue(payload.direction),
            isInitiator: payload.isInitiator,
        });
        connection.streams[payload.streamid] = entry;
        this.watchSpeaking(entry);
        callHandler(connection, 'onstream', entry);
    }

    fireNewSession(payload) {
        const connection = this.connection;
        const session = {
            ...payload,
            // upstream v1.8: session.join(joinAs?) joins this very room.
            join: (joinAs) => connection.join(session, joinAs),
        };
        callHandler(connection, 'onNewSession', session);
    }

    watchSpeaking(entry) {
        const connection = this.connection;
        if (typeof connection.onspeaking !== 'function' && typeof connection.onsilence !== 'function') return;
        const stop = watchSpeaking(
            entry.stream,
            () => callHandler(connection, 'onspeaking', entry),
            () => callHandler(connection, 'onsilence', entry),
        );
        this.stopSpeaking.set(entry.streamid, stop);
    }

    unwatchSpeaking(streamid) {
        const stop = this.stopSpeaking.get(streamid);
        if (stop) stop();
        this.stopSpeaking.delete(streamid);
    }

    // An open() or join() that ended without a session ('failed', 'request-rejected'): its
    // callback gets (false, sessionid, error) once the error that says why (onerror, fired
    // right after the state by the core) is in. `error` is v3's sentence when there is one
    // (pages compare it: 'Invalid password', 'Room not available', 'Room full'), else our
    // message; the Error itself comes fourth.
    callRefused(payload) {
        const callback = this.openCallback || this.joinCallback;
        if (!callback) return;
        this.openCallback = null;
        this.joinCallback = null;
        const refusal = { error: null };
        this.refusal = refusal;
        const sessionid = this.connection.sessionid;
        const reason = payload.reason ? wordsOf(payload.reason) : payload.state;
        queueMicrotask(() => {
            if (this.refusal === refusal) this.refusal = null;
            const error = refusal.error || new RTCMultiConnectionError(payload.state === 'failed' ? 'FAILED' : 'REQUEST_REJECTED', reason);
            callPage(this.connection, callback, [false, sessionid, V3_REFUSALS[error.code] || error.message, error]);
        });
    }

    settleOpen() {
        const callback = this.openCallback;
        this.openCallback = null;
        callPage(this.connection, callback, [true, this.connection.sessionid]);
    }

    // ---- the room's SFU

    // plan: the engine's sfuPlan() (null in a mesh room). An opener that asked for the SFU
    // of a server without one learns it here; its room is a mesh.
    startSfu(roomid, plan) {
        if (!plan) {
            if (this.connection.sfu && this.signaling && this.signaling.authority === 'server') {
                this.fire('onerror', { code: 'SFU_UNAVAILABLE', message: `the signaling server has no SFU: room ${roomid} is a mesh` });
            }
            return;
        }
        if (this.sfu || typeof this.signaling.sendSfu !== 'function') return;
        const engine = this.engine;
        this.sfuRoom = roomid;
        this.sfu = new SfuDriver(this.core, plan, this.userid, {
            send: (frame) => this.signaling && this.signaling.sendSfu(roomid, frame),
            localStreams: () => this.localStreams.map((local) => local.stream),
            iceServers: () => this.iceServersForLink(),
            now: () => Date.now(),
            onTrack: (userid, track, stream) => {
                if (this.engine === engine) this.onTrack(userid, track, [stream]);
            },
            onStreamGone: (userid, streamid) => {
                if (this.engine === engine && this.remoteStreams.has(streamid)) this.tell('RemoteStreamRemoved', { peer: userid, id: streamid });
            },
            onError: (payload) => this.fire('onerror', payload),
        });
        this.sfu.start();
    }

    // The session in the SFU room ended: goodbye to Janus, the connections to it closed,
    // the remote streams through it gone.
    stopSfu() {
        if (this.sfu) this.sfu.close();
        this.sfu = null;
        this.sfuRoom = null;
    }

    // ---- teardown

    // After leave(): peers closed, media released, the engine deleted (a later open() or
    // join() starts afresh). The signaling channel stays up for the next session.
    release() {
        this.stopSfu();
        for (const userid of [...this.relayWatches.keys()]) this.relayGathered(userid);
        this.peers.closeAll();
        this.data.release();
        this.stopLocalMedia();
        for (const streamid of [...this.remoteStreams.keys()]) this.dropStream(streamid, true);
        this.remoteStreams.clear();
        if (this.partOfScreen) this.partOfScreen.stop();
        this.partOfScreen = null;
        this.providedStream = null;
        this.lastStats.clear();
        // Questions the ended session's engine will never answer: their callbacks go too.
        this.presenceCallbacks.clear();
        this.openCallback = null;
        this.joinCallback = null;
        clearTimeout(this.tickTimer);
        this.tickTimer = null;
        if (this.engine) {
            this.engine.delete();
            this.engine = null;
        }
        this.userid = null;
        this.connection.peers = {};
        this.connection.isInitiator = false;
    }

    close() {
        this.release();
        if (this.signaling) this.signaling.close();
        this.signaling = null;
    }
}

// A page's handler runs outside our loops: if it throws, the error is reported as uncaught (as
// an event listener's would be) and the library goes on with what it was doing. A local
// onstream that throws must not keep the open-room request from going out, nor a remote one
// the rest of its action.
function callHandler(connection, name, ...args) {
    callPage(connection, connection[name], args);
}

function callPage(connection, handler, args) {
    if (typeof handler !== 'function') return;
    try {
        handler.apply(connection, args);
    } catch (error) {
        setTimeout(() => {
            throw error;
        }, 0);
    }
}

// The stream object of onstream for `streamid`, as onMediaCaptured gets it.
function entryEvent(connection, streamid) {
    return connection.streams[streamid];
}

// onopen(event): upstream v1.2 passed the remote extra itself, v1.3+ {userid, extra}. The event
// object has both: its own fields, and the extra's fields through its prototype.
function withExtraFields(payload, channel) {
    const extra = payload.extra && typeof payload.extra === 'object' ? payload.extra : {};
    const event = Object.create(extra);
    Object.assign(event, payload, { channel });
    return event;
}

function kindName(audio, video) {
    return audio && video ? 'both' : audio ? 'audio' : 'video';
}

// The peer driver's plan of a CreatePeer action: who offers, what goes each way, a data channel.
function planOf(action) {
    return {
        offerer: action.offerer,
        polite: !action.offerer,
        send: { audio: action.media.audio, video: action.media.video, screen: action.media.screen },
        receive: { audio: action.receive.audio, video: action.receive.video },
        data: action.data,
        iceTransportPolicy: action.name === 'relay' ? 'relay' : 'all',
        trickle: action.trickle,
    };
}

// v1.8 sdpConstraints: mandatory.OfferToReceiveAudio or the modern offerToReceiveAudio; -1
// leaves it to the room's session (src/engine/engine_config.hpp).
function offerToReceive(constraints, kind) {
    if (!constraints || typeof constraints !== 'object') return -1;
    const mandatory = constraints.mandatory && typeof constraints.mandatory === 'object' ? constraints.mandatory : {};
    // v1.4-v1.8 pages also wrote the mandatory spelling at the top level.
    const value = mandatory['OfferToReceive' + kind] ?? constraints['OfferToReceive' + kind] ?? constraints['offerToReceive' + kind];
    if (value === null || value === undefined) return -1;
    return value ? 1 : 0;
}

// v1.8 {host, reflexive, relay} and v3 {host, stun, turn}: a kind is off when either name
// for it is false. iceTransportPolicy 'relay' (RTCConfiguration's name) is relay only.
function candidateKinds(candidates, iceTransportPolicy) {
    const given = candidates && typeof candidates === 'object' ? candidates : {};
    const relayOnly = iceTransportPolicy === 'relay';
    return {
        candidateHost: !relayOnly && given.host !== false,
        candidateReflexive: !relayOnly && given.reflexive !== false && given.stun !== false,
        candidateRelay: relayOnly || (given.relay !== false && given.turn !== false),
    };
}
// The core counts characters in UTF-8 (src/common/utf8.hpp) and refuses what is not
// well-formed, but a lone UTF-16 surrogate never reaches it as such: embind's UTF-8 encoder
// pairs it with the next unit. So JS strings are checked here, as the server checks them.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// A value for an unsigned 32-bit field of the core's config: a whole number (the core applies
// its own bounds), or `fallback` when the page set none (or not a number).
function wholeNumber(value, fallback) {
    const number = Math.floor(Number(value));
    return Number.isFinite(number) ? Math.max(0, Math.min(0xffffffff, number)) : fallback;
}

function wellFormed(name, value) {
    if (LONE_SURROGATE.test(value)) {
        throw new RTCMultiConnectionError('INVALID_ARGUMENT', `${name} must be well-formed Unicode (no lone surrogate)`);
    }
}
