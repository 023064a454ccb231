// connection.DetectRTC (upstream v1.8), answered from today's browser APIs. Screen capture is
// built into browsers now (getDisplayMedia): the extension helpers answer accordingly.
export function createDetectRTC() {
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
        MediaDevices: [],
        load(callback) {
            if (!devices || !devices.enumerateDevices) {
                if (callback) callback();
                return Promise.resolve(detect);
            }
            return devices.enumerateDevices().then(
                (list) => {
                    detect.MediaDevices = list.map((device) => ({
                        deviceId: device.deviceId,
                        groupId: device.groupId,
                        kind: device.kind,
                        label: device.label,
                    }));
                    detect.hasMicrophone = list.some((device) => device.kind === 'audioinput');
                    detect.hasWebcam = list.some((device) => device.kind === 'videoinput');
                    detect.hasSpeakers = list.some((device) => device.kind === 'audiooutput');
                    if (callback) callback();
                    return detect;
                },
                () => {
                    if (callback) callback();
                    return detect;
                },
            );
        },
        screen: {
            // No extension is needed any more: "available" means getDisplayMedia exists.
            isChromeExtensionAvailable(callback) {
                callback(detect.isScreenCapturingSupported);
            },
            getChromeExtensionStatus(extensionid, callback) {
                const done = typeof extensionid === 'function' ? extensionid : callback;
                done(detect.isScreenCapturingSupported ? 'installed-enabled' : 'not-installed');
            },
        },
    };
    return detect;
}
