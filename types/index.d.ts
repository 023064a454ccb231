// Types for rtcmulticonnection-wasm: the upstream RTCMultiConnection API as implemented here
// (docs/api.md). Hand-written; checked by `tsc --noEmit` on tests/types/example.ts.

export type DirectionName = 'one-way' | 'one-to-one' | 'one-to-many' | 'many-to-many';

export declare const RTCDirection: Readonly<{
    OneWay: 'one-way';
    OneToOne: 'one-to-one';
    OneToMany: 'one-to-many';
    ManyToMany: 'many-to-many';
}>;

export declare const RTCSession: Readonly<{
    AudioVideoData: 'audiovideodata';
    AudioVideo: 'audiovideo';
    AudioData: 'audiodata';
    VideoData: 'videodata';
    Audio: 'audio';
    Video: 'video';
    Data: 'data';
    ScreenData: 'screendata';
    Screen: 'screen';
    /** The seed document's own spelling. */
    AuidoVideo: 'audiovideo';
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
export type SessionSetting = string | SessionObject;

export type Extra = any;

/** A canonical session string ('audiovideo', ...) with upstream's helpers: `session.isAudio()`. */
export type SessionString = string & {
    isAudio(): boolean;
    isVideo(): boolean;
    isScreen(): boolean;
    isData(): boolean;
};

export interface StreamEvent {
    type: 'local' | 'remote';
    stream: MediaStream;
    streamid: string;
    mediaElement: HTMLVideoElement | HTMLAudioElement;
    /** Always '' today: browsers no longer make a URL of a MediaStream (use mediaElement). */
    blobURL: string;
    /** The canonical session string, e.g. 'audiovideo'; `session.isAudio()` works. */
    session: SessionString;
    direction?: DirectionName;
    userid: string;
    extra: Extra;
    isAudio: boolean;
    isVideo: boolean;
    isScreen: boolean;
    isInitiator?: boolean;
}

export interface StreamControl {
    type: 'local' | 'remote';
    stream: MediaStream;
    streamid: string;
    userid: string;
    extra: Extra;
    mediaElement: HTMLVideoElement | HTMLAudioElement;
    session: string;
    mute(kinds?: { audio?: boolean; video?: boolean }): void;
    unmute(kinds?: { audio?: boolean; video?: boolean }): void;
    stop(): void;
    startRecording(kinds?: { audio?: boolean; video?: boolean }): void;
    stopRecording(
        callback?: (blobs: { audio?: Blob; video?: Blob }) => void,
        kinds?: { audio?: boolean; video?: boolean },
    ): Promise<{ audio?: Blob; video?: Blob }>;
}

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
    direction: DirectionName;
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

export interface MessageEvent {
    data: any;
    userid: string;
    extra: Extra;
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

export interface MediaErrorEvent {
    name: string;
    message: string;
    constraintName?: string;
    session: SessionObject;
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

export interface PeerHandle {
    userid: string;
    readonly peer: RTCPeerConnection | null;
    addStream(session: SessionSetting): void;
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
    MediaDevices: Array<{ deviceId: string; groupId: string; kind: MediaDeviceKind; label: string }>;
    load(callback?: () => void): Promise<DetectRTC>;
    screen: {
        isChromeExtensionAvailable(callback: (available: boolean) => void): void;
        getChromeExtensionStatus(
            extensionid: string | ((status: string) => void),
            callback?: (status: 'installed-enabled' | 'installed-disabled' | 'not-installed' | 'not-chrome') => void,
        ): void;
    };
}

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

export declare class RTCMultiConnection {
    constructor(channel?: string, extras?: Partial<RTCMultiConnection>);

    channel: string;
    sessionid: string;
    userid: string;
    session: SessionSetting;
    direction: DirectionName | string;
    extra: Extra;
    interval: number;
    autoCloseEntireSession: boolean;
    maxParticipantsAllowed: number;
    password: string;
    iceServers: RTCIceServer[];
    bandwidth: { audio?: number; video?: number; screen?: number; data?: number } | null;
    attachStream: MediaStream | null;
    dontAttachStream: boolean;
    socketURL: string;
    socketOptions: Record<string, unknown>;
    mediaConstraints: { audio?: MediaTrackConstraints | boolean; video?: MediaTrackConstraints | boolean; screen?: MediaTrackConstraints | boolean };
    readonly streams: Record<string, StreamControl>;
    readonly channels: Record<string, DataChannelHandle>;
    readonly peers: Record<string, PeerHandle>;
    isInitiator: boolean;
    DetectRTC: DetectRTC;

    openSignalingChannel?: (this: RTCMultiConnection, config: SignalingConfig) => unknown;

    open(sessionid?: string | OpenOptions, options?: OpenOptions | ((opened: boolean, sessionid: string) => void), callback?: (opened: boolean, sessionid: string) => void): void;
    connect(sessionid?: string): this;
    join(session: string | NewSessionEvent, extraOrJoinAs?: Extra | SessionObject): void;
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

    onstream?: (event: StreamEvent) => void;
    onstreamended?: (event: Partial<StreamEvent>) => void;
    onopen?: (event: PeerEvent) => void;
    onclose?: (event: PeerEvent) => void;
    onmessage?: (event: MessageEvent) => void;
    onleave?: ((event: LeaveEvent) => void) | ((userid: string, extra: Extra) => void);
    onNewSession?: (session: NewSessionEvent) => void;
    onSessionClosed?: (session: { sessionid: string; userid: string; extra: Extra }) => void;
    onstatechange?: (state: StateName, reason?: string) => void;
    onerror?: (error: RTCMultiConnectionError) => void;
    onMediaError?: (error: MediaErrorEvent) => void;
    onmute?: (event: MuteEvent) => void;
    onunmute?: (event: MuteEvent) => void;
    onspeaking?: (event: StreamEvent) => void;
    onsilence?: (event: StreamEvent) => void;
    onUserStatusChanged?: (event: UserStatusEvent) => void;
    onExtraDataUpdated?: (event: { userid: string; extra: Extra }) => void;
    onEntireSessionClosed?: (event: { sessionid: string; userid: string; extra: Extra }) => void;
    onFileStart?: (file: FileDescription) => void;
    onFileProgress?: (progress: FileProgress, uuid?: string) => void;
    onFileEnd?: (file: FileDescription & { file?: File | Blob }) => void;
    onFileSent?: (file: FileDescription) => void;
    onFileReceived?: (fileName: string, file: File | Blob) => void;
}

export default RTCMultiConnection;
