// DetectRTC (upstream v1.8's connection.DetectRTC, also a global of the script build): one
// object per page, answered from today's browser APIs. Screen capture is built into browsers
// now (getDisplayMedia): the extension helpers answer "available" and say so once.
import { warnOnce } from './legacy.js';

const NO_EXTENSION = 'is about the screen-capture Chrome extension, which browsers no longer need: getDisplayMedia captures the screen, so it reports that';

let shared = null;

export function getDetectRTC() {
    if (!shared) shared = createDetectRTC();
    return shared;
}

function createDetectRTC() {
    const devices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
    const detect = {
        isWebRTCSupported: typeof RTCPeerConnection !== 'undefined',
        isAudioContextSupported: typeof AudioContext !== 'undefined',
        isScreenCapturingSupported: !!(devices && devices.getDisplayMedia),
        isSctpDataChannelsSupported: typeof RTCPeerConnection !== 'undefined',
        isRtpDataChannelsSupported: false,
        hasMicrophone: false,
        hasWebcam: false,
        hasSpeakers: false,
        // [{deviceId, kind, label, groupId}] once load() ran: device.kind is 'audioinput',
        // 'audiooutput' or 'videoinput'.
        MediaDevices: [],
        load(callback) {
            const done = () => {
                if (typeof callback === 'function') callback();
                return detect;
            };
            if (!devices || !devices.enumerateDevices) return Promise.resolve(done());
            return devices.enumerateDevices().then((list) => {
                detect.MediaDevices = list.map((device) => ({
                    deviceId: device.deviceId,
                    groupId: device.groupId,
                    kind: device.kind,
                    label: device.label,
                }));
                detect.hasMicrophone = list.some((device) => device.kind === 'audioinput');
                detect.hasWebcam = list.some((device) => device.kind === 'videoinput');
                detect.hasSpeakers = list.some((device) => device.kind === 'audiooutput');
                return done();
            }, done);
        },
        screen: {
            chromeMediaSource: 'screen',
            isChromeExtensionAvailable(callback) {
                warnOnce('DetectRTC.screen.isChromeExtensionAvailable', NO_EXTENSION);
                if (typeof callback === 'function') callback(detect.isScreenCapturingSupported);
            },
            getChromeExtensionStatus(extensionid, callback) {
                warnOnce('DetectRTC.screen.getChromeExtensionStatus', NO_EXTENSION);
                const done = typeof extensionid === 'function' ? extensionid : callback;
                if (typeof done === 'function') done(detect.isScreenCapturingSupported ? 'installed-enabled' : 'not-installed');
            },
        },
    };
    let extensionid = '';
    Object.defineProperty(detect.screen, 'extensionid', {
        enumerable: true,
        get: () => extensionid,
        set: (value) => {
            warnOnce('DetectRTC.screen.extensionid', NO_EXTENSION);
            extensionid = value;
        },
    });
    return detect;
}
