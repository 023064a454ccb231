// The seed documents' snippets as a TypeScript user writes them against the package's types
// (tests/e2e/user-project/typescript.test.js: `tsc --strict` must accept this file).
// v1.2/v1.3 document first, then the v1.8 notes.
import { RTCDirection, RTCMultiConnection, RTCSession } from 'rtcmulticonnection-wasm';

declare const mainVideo: HTMLVideoElement;
declare const file: File;
declare const data: object;
declare const userid: string;
declare const io: {
    connect(url: string): {
        emit(event: string, payload: unknown): void;
        on(event: string, handler: (...args: any[]) => void): void;
        send?: (message: unknown) => void;
        channel?: string;
    };
};

// Second Step: Start using it!
const connection = new RTCMultiConnection();
connection.open('session-id');
connection.connect('session-id');

// Detect users presence
connection.onleave = function (userid: string, extra: any) {
    console.log(userid, extra.username, 'left you sir!');
};

// Eject any user or close your own session
connection.eject(userid);
connection.leave();

// Auto Close Entire Session
connection.autoCloseEntireSession = true;
const withOptions = new RTCMultiConnection('session-id', { autoCloseEntireSession: true });
withOptions.leave();

// Are you want to share files/text or data?
connection.send(file || data || 'text');
connection.onopen = function () {};
connection.onmessage = function (message) {
    console.log(message.data);
};

// audio/video/screen sharing
connection.onstream = function (stream) {
    if (stream.type === 'local') {
        mainVideo.src = stream.blobURL;
    }
    if (stream.type === 'remote') {
        document.body.appendChild(stream.mediaElement);
    }
    if (stream.session.isAudio()) {
        console.log(stream.stream.id);
    }
    if (stream.direction === RTCDirection.OneWay) mainVideo.src = stream.blobURL;
};

// Set direction
connection.direction = 'one-to-one';
connection.direction = 'one-to-many';
connection.direction = 'many-to-many';
connection.direction = 'one-way';
connection.direction = RTCDirection.OneToOne;
connection.direction = RTCDirection.OneToMany;
connection.direction = RTCDirection.ManyToMany;
connection.direction = RTCDirection.OneWay;
connection.direction = 'one to one';
connection.direction = 'ONE to MANY';
connection.direction = 'oNe-wAy';

// Set session (strings, enums, and the object form of later versions)
connection.session = 'only-audio';
connection.session = 'audio + video';
connection.session = 'screen + data';
connection.session = 'audio + video + data';
connection.session = 'only-audio and data';
connection.session = 'only video + data';
connection.session = 'only screen';
connection.session = 'only-data';
connection.session = RTCSession.Audio;
connection.session = RTCSession.AudioVideo;
connection.session = RTCSession.ScreenData;
connection.session = RTCSession.AudioVideoData;
connection.session = RTCSession.AudioData;
connection.session = RTCSession.VideoData;
connection.session = RTCSession.Screen;
connection.session = RTCSession.Data;
connection.session = { audio: true, video: true, data: true };

// Progress helpers when sharing files
connection.onFileProgress = function (packets) {
    console.log(packets.remaining, packets.sent, packets.received, packets.length);
};
connection.onFileSent = function (file) {
    console.log(file.name, file.size);
};
connection.onFileReceived = function (fileName) {
    console.log(fileName);
};

// Errors Handling when sharing files/data/text
connection.onerror = function (event) {
    console.log(event.message);
};
connection.onclose = function (event) {
    console.log(event.userid);
};

// Manual session establishment
const manual = new RTCMultiConnection('session-id');
manual.open({
    extra: { boolean: true, integer: 123456789, array: [], object: {} },
    interval: 3000,
});
manual.onNewSession = function (session) {
    console.log(session.extra);
    manual.join(session, { username: 'me' });
};
manual.onstream = function (stream) {
    const video = stream.mediaElement as HTMLVideoElement;
    if (stream.type === 'remote') {
        const extra = stream.extra;
        video.poster = extra.username;
    }
};

// Use your own socket.io over node.js for signaling
manual.openSignalingChannel = function (config) {
    const URL = '/';
    const channel = config.channel || this.channel || 'Default-Socket';
    const sender = Math.round(Math.random() * 60535) + 5000;
    io.connect(URL).emit('new-channel', { channel: channel, sender: sender });
    const socket = io.connect(URL + channel);
    socket.channel = channel;
    socket.on('connect', function () {
        if (config.callback) config.callback(socket as { send(message: any): void });
    });
    socket.send = function (message) {
        socket.emit('message', { sender: sender, data: message });
    };
    socket.on('message', config.onmessage);
};

// Multi-sessions: one captured stream attached to other connections
connection.onstream = function (event) {
    if (event.type === 'local') {
        const broadcast = new RTCMultiConnection();
        broadcast.attachStream = new MediaStream(event.stream.getAudioTracks());
        broadcast.session = 'only-audio';
        broadcast.direction = 'one-way';
        broadcast.open('audio one-way broadcasting session-id');
    }
};

// v1.8: states, presence, media errors, speaking, per-stream control, data channels
connection.onstatechange = function (state, reason) {
    if (state == 'room-not-available') {
        connection.donotJoin(connection.sessionid);
    }
    console.log(reason);
};
connection.onMediaError = function (error) {
    if (error.name == 'PermissionDeniedError') {
        alert(error.message);
    }
};
connection.onspeaking = function () {};
connection.onsilence = function () {};
connection.join('sessionid', { audio: true });
connection.streams['stream-id'].mute({ audio: true });
connection.channels[userid].send('to one user');
connection.DetectRTC.load(function () {
    if (connection.DetectRTC.hasMicrophone) {
    }
    if (connection.DetectRTC.hasWebcam) {
    }
});

// v1.8 notes: renegotiation, devices, recording, capture on demand, part of screen, and the
// names of the extension era
connection.sdpConstraints.mandatory = {
    OfferToReceiveAudio: true,
    OfferToReceiveVideo: true,
};
connection.attachStreams[0].getVideoTracks();
connection.DetectRTC.screen.extensionid = 'ajhifddimkapgcifgcodmmfdlknahffk';
connection.DetectRTC.screen.getChromeExtensionStatus('ajhifddimkapgcifgcodmmfdlknahffk', function (status) {
    if (status == 'installed-enabled') {
    }
});
connection.DetectRTC.screen.isChromeExtensionAvailable(function (available) {
    if (available) alert('Chrome screen capturing extension is installed and available.');
});
connection.DetectRTC.MediaDevices.forEach(function (device) {
    if (device.kind == 'audioinput') connection.selectDevices(device.deviceId);
});
connection.streams['stream-id'].startRecording({ audio: true, video: true });
connection.streams['stream-id'].stopRecording(
    function (blob) {
        console.log(blob.audio, blob.video);
    },
    { audio: true, video: true },
);
connection.streams.stop();
connection.resources = { RecordRTC: 'https://www.webrtc-experiment.com/RecordRTC.js' };
connection.preventSSLAutoAllowed = true;
connection.onScreenCapturingExtensionAvailable = function () {};
connection.open({
    captureUserMediaOnDemand: true,
    onMediaCaptured: function () {},
});
connection.sharePartOfScreen({ element: document.body, interval: 1000 });
connection.pausePartOfScreenSharing();
connection.resumePartOfScreenSharing();
connection.trickleIce = false;
connection.autoRedialOnFailure = true;
connection.onSessionClosed = function (session) {
    console.log(session.sessionid);
};
connection.getStats(function (stats) {
    console.log(stats);
});
connection.renegotiate();
