// One object per local and remote stream, handed to `onstream` and kept in
// `connection.streams[streamid]` (v1.8 made them the same thing): what the stream is (type,
// session, direction, who sends it) and what a page does with it (mute/unmute, stop,
// startRecording/stopRecording, onended). `connection.streams` itself has stop(), mute() and
// unmute() over every stream (v1.8's `connection.streams.stop()`), hidden from enumeration so
// that `for (id in connection.streams)` sees only streams.
import { StreamRecorder } from './media/recorder.js';
import { stopStream } from './media/media-driver.js';

// fields: {type, stream, streamid, mediaElement, session (web/enums.js sessionValue),
// direction (an RTCDirection value), userid, extra, isInitiator}
export function createStreamEntry(connection, fields) {
    const session = fields.session;
    const entry = {
        ...fields,
        // A MediaStream cannot be a blob: URL any more; use mediaElement or stream (docs/api.md).
        blobURL: '',
        isAudio: !!(session && session.isAudio()),
        isVideo: !!(session && session.video),
        isScreen: !!(session && session.screen),
        // v1.8: called once when this stream ends (its user left, it was removed or stopped).
        onended: null,
        mute(kinds) {
            toggle(entry, kinds, false);
        },
        unmute(kinds) {
            toggle(entry, kinds, true);
        },
        stop() {
            if (entry.type === 'local') connection.removeStream(entry.streamid);
            else stopStream(entry.stream);
        },
        startRecording(kinds) {
            entry.recorder = entry.recorder || new StreamRecorder(entry.stream);
            entry.recorder.start(kinds || { audio: true, video: true });
        },
        stopRecording(callback, kinds) {
            if (!entry.recorder) throw new Error('stopRecording(): this stream is not being recorded');
            const done = entry.recorder.stop(kinds || { audio: true, video: true });
            done.then((blobs) => callback && callback(blobs));
            return done;
        },
        // The seed's multi-session snippet reads tracks off `stream`: as the event or as the
        // MediaStream, both work.
        getTracks: () => entry.stream.getTracks(),
        getAudioTracks: () => entry.stream.getAudioTracks(),
        getVideoTracks: () => entry.stream.getVideoTracks(),
    };
    return entry;
}

// The stream is over: onended once, then nothing.
export function endStreamEntry(entry) {
    const handler = entry.onended;
    entry.onended = null;
    if (typeof handler === 'function') handler.call(entry, entry);
}

// connection.streams: streamid -> entry, with the collection's own methods out of sight.
export function createStreamsCollection() {
    const streams = {};
    const each = (call) => {
        for (const streamid of Object.keys(streams)) call(streams[streamid]);
    };
    const hidden = (name, method) => Object.defineProperty(streams, name, { value: method, enumerable: false });
    // v1.8: stop every local stream (remote ones are the others' to stop); `type` narrows it.
    hidden('stop', (type) => each((entry) => (type ? entry.type === type : entry.type === 'local') && entry.stop()));
    hidden('mute', (kinds) => each((entry) => entry.mute(kinds)));
    hidden('unmute', (kinds) => each((entry) => entry.unmute(kinds)));
    return streams;
}

// upstream: mute({audio:true}) / mute({video:true}) / mute() for both. `type: 'local'` or
// `'remote'` limits it to streams of that type (v1.4-v1.8, upstream's "implementation from #68"):
// v1.5's mute-unmute demo mutes its camera with connection.streams.mute({video: true, type:
// 'local'}) and must keep seeing the others.
function toggle(entry, kinds, enabled) {
    if (kinds && kinds.type && kinds.type !== entry.type) return;
    const audio = !kinds || !!kinds.audio || (!kinds.audio && !kinds.video);
    const video = !kinds || !!kinds.video || (!kinds.audio && !kinds.video);
    for (const track of entry.stream.getTracks()) {
        if ((track.kind === 'audio' && audio) || (track.kind === 'video' && video)) {
            track.enabled = enabled;
        }
    }
    if (entry.onMuteChanged) entry.onMuteChanged({ audio, video, muted: !enabled });
}
