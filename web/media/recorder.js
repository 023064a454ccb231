// streams[id].startRecording({audio, video}) / stopRecording(callback, {audio, video}) with
// MediaRecorder (upstream v1.8 loaded RecordRTC for this).
export class StreamRecorder {
    constructor(stream) {
        this.stream = stream;
        this.recorders = {};
    }

    start(kinds = { audio: true, video: true }) {
        if (typeof MediaRecorder === 'undefined') {
            throw new Error('this browser cannot record (no MediaRecorder)');
        }
        const audio = this.stream.getAudioTracks();
        const video = this.stream.getVideoTracks();
        if (kinds.video && video.length) {
            this.recorders.video = record(new MediaStream(kinds.audio ? [...video, ...audio] : video), 'video/webm');
        }
        if (kinds.audio && audio.length && !this.recorders.video) {
            this.recorders.audio = record(new MediaStream(audio), 'audio/webm');
        } else if (kinds.audio && audio.length) {
            this.recorders.audio = record(new MediaStream(audio), 'audio/webm');
        }
    }

    async stop(kinds = { audio: true, video: true }) {
        const result = {};
        for (const kind of ['audio', 'video']) {
            const recorder = this.recorders[kind];
            if (recorder && kinds[kind]) {
                result[kind] = await recorder.finish();
                delete this.recorders[kind];
            }
        }
        return result;
    }
}

function record(stream, mimeType) {
    const type = MediaRecorder.isTypeSupported(mimeType) ? mimeType : '';
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    const chunks = [];
    recorder.ondataavailable = (event) => {
        if (event.data && event.data.size) chunks.push(event.data);
    };
    recorder.start(1000);
    return {
        finish() {
            return new Promise((resolve) => {
                recorder.onstop = () => resolve(new Blob(chunks, { type: recorder.mimeType }));
                recorder.stop();
            });
        },
    };
}
