// Types for rtcmulticonnection-wasm: the upstream RTCMultiConnection API as implemented here
// (docs/api.md). Hand-written; checked by `tsc --strict` on the seed snippets and a typed page
// in a user's project (tests/e2e/user-project/).

/** RTCDirection's values (v1.2's normalised directions); `stream.direction` holds them. */
export type DirectionValue = 'oneway' | 'onetoone' | 'onetomany' | 'manytomany';

export declare const RTCDirection: Readonly<{
    OneWay: 'oneway';
    OneToOne: 'onetoone';
    OneToMany: 'onetomany';
    ManyToMany: 'manytomany';
}>;

/**
 * A session as pages read it: one frozen String object per combination, shared by RTCSession.*
 * and every `stream.session` of that combination (so `stream.session === RTCSession.AudioVideo`
 * holds), reading as its canonical string ('audiovideo') and carrying v1.8's flags.
 */
export interface SessionValue extends String {
    readonly audio: boolean;
    readonly video: boolean;
    readonly screen: boolean;
    readonly data: boolean;
    readonly oneway: boolean;
    readonly broadcast: boolean;
    /** v1.2: audio only (with or without data). */
    isAudio(): boolean;
    isVideo(): boolean;
    isScreen(): boolean;
    /** Data only. */
    isData(): boolean;
}

export declare const RTCSession: Readonly<{
    AudioVideoData: SessionValue;
    AudioVideo: SessionValue;
    AudioData: SessionValue;
    VideoData: SessionValue;
    Audio: SessionValue;
    Video: SessionValue;
    Data: SessionValue;
    ScreenData: SessionValue;
    Screen: SessionValue;
    /** The seed document's own spelling. */
    AuidoVideo: SessionValue;
}>;

/** The object form of `connection.session`. */
export interface SessionObject {
    audio?: boolean | 'two-way';
    video?: boolean | 'two-way';
    screen?: boolean | 'two-way';
    data?: boolean;
    oneway?: boolean;
    broadcast?: boolean;
}

/** Any spelling: 'audio + video and data', 'only-audio', RTCSession.*, or the object form. */
export type SessionSetting = string | SessionObject | SessionValue;

export type Extra = any;

// open('id', callback) / join('id', callback): (true, id) on success; (false, id, reason, error)
// when refused: reason is v3's sentence ('Invalid password', 'Room not available', 'Room full')
// or the error's message, error the Error with its code.
export type SessionCallback = (done: boolean, sessionid: string, reason?: string, error?: RTCMultiConnectionError) => void;

type MediaKinds = { audio?: boolean; video?: boolean };
/** mute()/unmute(): `type` limits it to local or remote streams (v1.4-v1.8). */
type MuteKinds = MediaKinds & { type?: 'local' | 'remote' };

/** The object of `onstream`, also `connection.streams[streamid]`. */
export interface StreamEvent {
    type: 'local' | 'remote';
    stream: MediaStream;
    streamid: string;
    mediaElement: HTMLVideoElement | HTMLAudioElement;
    /** Always '' today: browsers no longer make a URL of a MediaStream (use mediaElement). */
    blobURL: string;
    session: SessionValue;
    direction?: DirectionValue;
    userid: string;
    extra: Extra;
    isAudio: boolean;
    isVideo: boolean;
    isScreen: boolean;
    isInitiator?: boolean;
    /** v1.8: called once when the stream ends. */
    onended: ((this: StreamEvent, stream: StreamEvent) => void) | null;
    mute(kinds?: MuteKinds): void;
    unmute(kinds?: MuteKinds): void;
    stop(): void;
    startRecording(kinds?: MediaKinds): void;
    stopRecording(callback?: (blobs: { audio?: Blob; video?: Blob }) => void, kinds?: MediaKinds): Promise<{ audio?: Blob; video?: Blob }>;
    getTracks(): MediaStreamTrack[];
    getAudioTracks(): MediaStreamTrack[];
    getVideoTracks(): MediaStreamTrack[];
}

/** @deprecated the stream object is `StreamEvent`. */
export type StreamControl = StreamEvent;

/** `connection.streams`: streamid -> stream, plus v1.8's methods over all of them. */
export type StreamsCollection = Record<string, StreamEvent> & {
    /** Stops every local stream (or every stream of `type`). */
    stop(type?: 'local' | 'remote'): void;
    mute(kinds?: MuteKinds): void;
    unmute(kinds?: MuteKinds): void;
};

export interface MuteEvent extends Partial<StreamEvent> {
    streamid: string;
    userid: string;
    muteType?: 'audio' | 'video' | 'both';
    unmuteType?: 'audio' | 'video' | 'both';
}

export interface NewSessionEvent {
    sessionid: string;
    userid: string;
    session: string;
    sessionObject: SessionObject;
    direction: string;
    extra: Extra;
    participants: number;
    maxParticipantsAllowed: number;
    isFull: boolean;
    isPasswordProtected: boolean;
    join(joinAs?: SessionObject): void;
}

export interface LeaveEvent {
    userid: string;
    extra: Extra;
    ejected?: boolean;
    entireSessionClosed?: boolean;
    reason?: 'left' | 'ejected' | 'disconnected';
}

export interface PeerEvent {
    userid: string;
    extra: Extra;
    channel?: DataChannelHandle;
    [extraField: string]: any;
}

/**
 * onmessage's argument: {data, userid, extra}, and v1.2's message itself as far as it can be
 * (a text message reads as text, an object message's fields read through it).
 */
export interface MessageEvent {
    data: any;
    userid: string;
    extra: Extra;
    [messageField: string]: any;
}

export interface FileProgress {
    remaining: number;
    sent?: number;
    received?: number;
    length: number;
    uuid: string;
    name: string;
    size: number;
    userid: string;
    [field: string]: any;
}

export interface FileDescription {
    uuid: string;
    name: string;
    size: number;
    type: string;
    userid: string;
    extra?: Extra;
    [field: string]: any;
}

export interface UserStatusEvent {
    userid: string;
    status: 'online' | 'offline';
    extra: Extra;
}

/** A peer connection's recovery (ICE restarts; docs/api.md, "Recovery"). */
export interface PeerStateEvent {
    userid: string;
    extra: Extra;
    state: 'reconnecting' | 'reconnected' | 'failed';
    /** What the browser last reported for the link. */
    iceConnectionState: 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
    attempt: number;
    maxAttempts: number;
}

export interface MediaErrorEvent {
    /** v1.8's name, as pages test it: 'PermissionDeniedError', 'DevicesNotFoundError', ... */
    name: string;
    /** Today's DOMException name: 'NotAllowedError', 'NotFoundError', ... */
    browserName: string;
    message: string;
    constraintName?: string;
    session: SessionObject;
    error: Error;
}

export declare class RTCMultiConnectionError extends Error {
    code: string;
    userid?: string;
    sessionid?: string;
    [field: string]: any;
}

export interface DataChannelHandle {
    userid: string;
    send(data: any): void;
}

/** What getStats() tells about one link. */
export interface PeerStats {
    userid: string;
    timestamp: number;
    bytesSent: number;
    bytesReceived: number;
    packetsSent: number;
    packetsReceived: number;
    packetsLost: number;
    /** lost / (received + lost), of inbound RTP. */
    packetLoss: number;
    /** Seconds, of the selected candidate pair. */
    roundTripTime: number | null;
    candidatePair: { local: string | null; remote: string | null } | null;
    streams: Array<{ kind: string; direction: 'inbound' | 'outbound'; trackIdentifier?: string; bytes: number; bitrate: number | null }>;
    connectionState: RTCPeerConnectionState;
}

export interface PeerHandle {
    userid: string;
    readonly peer: RTCPeerConnection | null;
    addStream(session: SessionSetting): void;
    getStats(callback?: (stats: PeerStats | null) => void): Promise<PeerStats | null>;
    renegotiate(): void;
}

export interface MediaDeviceEntry {
    deviceId: string;
    groupId: string;
    kind: MediaDeviceKind;
    label: string;
}

export interface DetectRTC {
    isWebRTCSupported: boolean;
    isAudioContextSupported: boolean;
    isScreenCapturingSupported: boolean;
    isSctpDataChannelsSupported: boolean;
    isRtpDataChannelsSupported: boolean;
    hasMicrophone: boolean;
    hasWebcam: boolean;
    hasSpeakers: boolean;
    MediaDevices: MediaDeviceEntry[];
    load(callback?: () => void): Promise<DetectRTC>;
    screen: {
        chromeMediaSource: string;
        /** Inert: no extension is needed for screen capture any more. */
        extensionid: string;
        isChromeExtensionAvailable(callback: (available: boolean) => void): void;
        getChromeExtensionStatus(
            extensionid: string | ((status: string) => void),
            callback?: (status: 'installed-enabled' | 'installed-disabled' | 'not-installed' | 'not-chrome') => void,
        ): void;
    };
}

export declare const DetectRTC: DetectRTC;

export interface SignalingConfig {
    channel?: string;
    onmessage(message: any): void;
    callback?(socket: { send(message: any): void; channel?: string }): void;
    onopen?(): void;
}

export interface OpenOptions {
    extra?: Extra;
    interval?: number;
    sessionid?: string;
    /** v1.8: capture the opener's media only when the first participant joins. */
    captureUserMediaOnDemand?: boolean;
    /** v1.8: called once the opener's media is captured. */
    onMediaCaptured?: (stream: StreamEvent) => void;
}

export type StateName =
    | 'fetching-usermedia'
    | 'usermedia-fetched'
    | 'detecting-room-presence'
    | 'room-not-available'
    | 'room-available'
    | 'connecting-with-initiator'
    | 'connected-with-initiator'
    | 'request-accepted'
    | 'request-rejected'
    | 'failed'
    | 'ejected';

export interface SdpConstraints {
    mandatory: { OfferToReceiveAudio?: boolean | null; OfferToReceiveVideo?: boolean | null };
    optional: unknown[];
    offerToReceiveAudio?: boolean;
    offerToReceiveVideo?: boolean;
}

export declare class RTCMultiConnection {
    constructor(channel?: string, extras?: Partial<RTCMultiConnection>);

    channel: string;
    sessionid: string;
    userid: string;
    session: SessionSetting;
    direction: string;
    extra: Extra;
    interval: number;
    autoCloseEntireSession: boolean;
    maxParticipantsAllowed: number;
    password: string;
    iceServers: Array<RTCIceServer | { url: string; username?: string; credential?: string }>;
    bandwidth: { audio?: number; video?: number; screen?: number; data?: number } | null;
    attachStream: MediaStream | null;
    /** v1.8: the local streams this connection sends. */
    readonly attachStreams: MediaStream[];
    dontAttachStream: boolean;
    socketURL: string;
    socketOptions: Record<string, unknown>;
    mediaConstraints: { audio?: MediaTrackConstraints | boolean; video?: MediaTrackConstraints | boolean; screen?: MediaTrackConstraints | boolean };
    sdpConstraints: SdpConstraints;
    candidates: { host?: boolean; reflexive?: boolean; relay?: boolean; stun?: boolean; turn?: boolean };
    /** 'relay': relay candidates only (the same as candidates with only relay on). */
    iceTransportPolicy: 'all' | 'relay';
    trickleIce: boolean;
    autoRedialOnFailure: boolean;
    autoReDialOnFailure: boolean;
    /** ms a disconnected peer connection gets to heal before an ICE restart (default 2000). */
    iceRestartDelay: number;
    /** ms each ICE restart gets to reconnect (default 6000). */
    iceRestartTimeout: number;
    /** ICE restarts before a peer is given up with PEER_CONNECTION_FAILED (default 4). */
    maxIceRestarts: number;
    /** Accepted and ignored; bring your own iceServers, or let our server issue TURN credentials. */
    getExternalIceServers: boolean;
    /** Inert: browsers decide when to ask for the camera. */
    preventSSLAutoAllowed: boolean;
    /** Inert: everything is built in. */
    resources: Record<string, string>;
    readonly streams: StreamsCollection;
    readonly channels: Record<string, DataChannelHandle>;
    readonly peers: Record<string, PeerHandle>;
    isInitiator: boolean;
    DetectRTC: DetectRTC;

    openSignalingChannel?: (this: RTCMultiConnection, config: SignalingConfig) => unknown;

    open(sessionid?: string | OpenOptions, options?: OpenOptions | SessionCallback, callback?: SessionCallback): void;
    connect(sessionid?: string): this;
    join(session: string | NewSessionEvent, extraOrJoinAs?: Extra | SessionObject | SessionCallback): void;
    openOrJoin(sessionid: string, callback?: (opened: boolean, sessionid: string) => void): void;
    checkPresence(sessionid: string, callback: (exists: boolean, sessionid: string, extra: Extra) => void): void;
    donotJoin(sessionid?: string): void;
    send(data: string | object | Blob | File | ArrayBuffer | ArrayBufferView, userid?: string): void;
    eject(userid: string): void;
    leave(userid?: string): void;
    close(): void;
    updateExtraData(): void;
    getAllParticipants(): string[];
    addStream(session: SessionSetting): void;
    removeStream(streamid: string): void;
    selectDevices(...deviceIds: string[]): void;
    sharePartOfScreen(args: { element: Element; interval?: number }): void;
    pausePartOfScreenSharing(): void;
    resumePartOfScreenSharing(): void;
    stopPartOfScreenSharing(): void;
    renegotiate(): void;
    getStats(callback?: (stats: Record<string, PeerStats>) => void): Promise<Record<string, PeerStats>>;

    onstream: ((event: StreamEvent) => void) | null;
    onstreamended: ((event: Partial<StreamEvent>) => void) | null;
    onopen: ((event: PeerEvent) => void) | null;
    onclose: ((event: PeerEvent) => void) | null;
    onmessage: ((event: MessageEvent) => void) | null;
    onleave: ((event: LeaveEvent) => void) | ((userid: string, extra: Extra) => void) | null;
    onNewSession: ((session: NewSessionEvent) => void) | null;
    onSessionClosed: ((session: { sessionid: string; userid: string; extra: Extra }) => void) | null;
    onstatechange: ((state: StateName, reason?: string) => void) | null;
    onerror: ((error: RTCMultiConnectionError) => void) | null;
    onMediaError: ((error: MediaErrorEvent) => void) | null;
    onmute: ((event: MuteEvent) => void) | null;
    onunmute: ((event: MuteEvent) => void) | null;
    onspeaking: ((event: StreamEvent) => void) | null;
    onsilence: ((event: StreamEvent) => void) | null;
    onUserStatusChanged: ((event: UserStatusEvent) => void) | null;
    onPeerStateChanged: ((event: PeerStateEvent) => void) | null;
    onExtraDataUpdated: ((event: { userid: string; extra: Extra }) => void) | null;
    onEntireSessionClosed: ((event: { sessionid: string; userid: string; extra: Extra }) => void) | null;
    /** v1.8's extension notice: called once when getDisplayMedia can capture the screen. */
    onScreenCapturingExtensionAvailable: (() => void) | null;
    onFileStart: ((file: FileDescription) => void) | null;
    onFileProgress: ((progress: FileProgress, uuid?: string) => void) | null;
    onFileEnd: ((file: FileDescription & { file?: File | Blob }) => void) | null;
    onFileSent: ((file: FileDescription) => void) | null;
    onFileReceived: ((fileName: string, file: File | Blob) => void) | null;
}

export default RTCMultiConnection;
