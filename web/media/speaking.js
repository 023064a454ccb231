// onspeaking / onsilence (upstream v1.8 used hark.js): a Web Audio analyser per audio stream,
// sampled every 100 ms, with hysteresis so a pause between words is not "silence".
const SAMPLE_MS = 100;
const THRESHOLD_DB = -50;
const SILENCE_AFTER_MS = 500;

export function watchSpeaking(stream, onSpeaking, onSilence) {
    if (typeof AudioContext === 'undefined' || !stream.getAudioTracks().length) return () => {};
    const context = new AudioContext();
    const source = context.createMediaStreamSource(stream);
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let speaking = false;
    let quietSince = 0;
    const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const value of samples) sum += value * value;
        const level = 10 * Math.log10(sum / samples.length || 1e-12);
        const now = Date.now();
        if (level > THRESHOLD_DB) {
            quietSince = 0;
            if (!speaking) {
                speaking = true;
                onSpeaking(level);
            }
        } else if (speaking) {
            quietSince = quietSince || now;
            if (now - quietSince >= SILENCE_AFTER_MS) {
                speaking = false;
                onSilence(level);
            }
        }
    }, SAMPLE_MS);
    return () => {
        clearInterval(timer);
        source.disconnect();
        context.close();
    };
}
