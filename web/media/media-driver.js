// The only place that asks the browser for local media (getUserMedia / getDisplayMedia).
// `wants` is what the core decided to capture: {audio, video, screen}; `devices` the ids
// selectDevices() chose ({audio, video}, or nulls).

export async function captureMedia(wants, constraints = {}, devices = {}) {
    const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
    if (!media) {
        throw mediaError('NotSupportedError', 'this browser has no navigator.mediaDevices (is the page served over https or from localhost?)');
    }
    if (wants.screen) {
        if (!media.getDisplayMedia) {
            throw mediaError('NotSupportedError', 'this browser cannot capture the screen (no getDisplayMedia)');
        }
        const screen = await media.getDisplayMedia({ video: constraints.screen || true, audio: false });
        if (wants.audio) {
            // The microphone rides along with the screen, as upstream's 'screen + audio' did.
            try {
                const microphone = await media.getUserMedia({ audio: withDevice(constraints.audio, devices.audio) });
                for (const track of microphone.getAudioTracks()) screen.addTrack(track);
            } catch (error) {
                stopStream(screen);
                throw error;
            }
        }
        return screen;
    }
    return media.getUserMedia({
        audio: wants.audio ? withDevice(constraints.audio, devices.audio) : false,
        video: wants.video ? withDevice(constraints.video, devices.video) : false,
    });
}

// The page's constraints for one kind, with the selected device required.
function withDevice(constraint, deviceId) {
    if (!deviceId) return constraint || true;
    return { ...(constraint && typeof constraint === 'object' ? constraint : {}), deviceId: { exact: deviceId } };
}

// Chrome's names before the DOMException names of today, which v1.8 pages test
// (`error.name == 'PermissionDeniedError'`).
const LEGACY_NAMES = {
    NotAllowedError: 'PermissionDeniedError',
    SecurityError: 'PermissionDeniedError',
    NotFoundError: 'DevicesNotFoundError',
    NotReadableError: 'TrackStartError',
    AbortError: 'TrackStartError',
    OverconstrainedError: 'ConstraintNotSatisfiedError',
};

export function legacyMediaErrorName(name) {
    return LEGACY_NAMES[name] || name;
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
