// connection.streams[streamid]: the control object upstream gave each local and remote stream
// (mute/unmute, stop, startRecording/stopRecording).
import { StreamRecorder } from './media/recorder.js';
import { stopStream } from './media/media-driver.js';

export function createStreamEntry(connection, fields) {
    const entry = {
        ...fields,
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
    };
    return entry;
}

// upstream: mute({audio:true}) / mute({video:true}) / mute() for both.
function toggle(entry, kinds, enabled) {
    const audio = !kinds || !!kinds.audio || (!kinds.audio && !kinds.video);
    const video = !kinds || !!kinds.video || (!kinds.audio && !kinds.video);
    for (const track of entry.stream.getTracks()) {
        if ((track.kind === 'audio' && audio) || (track.kind === 'video' && video)) {
            track.enabled = enabled;
        }
    }
    entry.onMuteChanged && entry.onMuteChanged({ audio, video, muted: !enabled });
}
