// The only place that asks the browser for local media (getUserMedia / getDisplayMedia).
// `wants` is what the core decided to capture: {audio, video, screen}.

export async function captureMedia(wants, constraints = {}) {
    const devices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
    if (!devices) {
        throw mediaError('NotSupportedError', 'this browser has no navigator.mediaDevices (is the page served over https or from localhost?)');
    }
    if (wants.screen) {
        if (!devices.getDisplayMedia) {
            throw mediaError('NotSupportedError', 'this browser cannot capture the screen (no getDisplayMedia)');
        }
        const screen = await devices.getDisplayMedia({ video: constraints.screen || true, audio: false });
        if (wants.audio) {
            // The microphone rides along with the screen, as upstream's 'screen + audio' did.
            try {
                const microphone = await devices.getUserMedia({ audio: constraints.audio || true });
                for (const track of microphone.getAudioTracks()) screen.addTrack(track);
            } catch (error) {
                stopStream(screen);
                throw error;
            }
        }
        return screen;
    }
    return devices.getUserMedia({
        audio: wants.audio ? constraints.audio || true : false,
        video: wants.video ? constraints.video || true : false,
    });
}

export function stopStream(stream) {
    if (!stream) return;
    for (const track of stream.getTracks()) track.stop();
}

function mediaError(name, message) {
    const error = new Error(message);
    error.name = name;
    return error;
}
