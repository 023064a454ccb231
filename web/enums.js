// Upstream's enums (v1.2). Their values are the canonical strings the core produces, so
// `stream.direction === RTCDirection.OneWay` and `stream.session === RTCSession.AudioVideo`
// compare true.
export const RTCDirection = Object.freeze({
    OneWay: 'one-way',
    OneToOne: 'one-to-one',
    OneToMany: 'one-to-many',
    ManyToMany: 'many-to-many',
});

export const RTCSession = Object.freeze({
    AudioVideoData: 'audiovideodata',
    AudioVideo: 'audiovideo',
    AudioData: 'audiodata',
    VideoData: 'videodata',
    Audio: 'audio',
    Video: 'video',
    Data: 'data',
    ScreenData: 'screendata',
    Screen: 'screen',
    // The seed document's own spelling in its "Broken Changes" example.
    AuidoVideo: 'audiovideo',
});

// Upstream documented `stream.session.isAudio()` on the session string, which it made work by
// patching String.prototype. We keep that working with non-enumerable, stateless helpers, and
// only where the page has not defined them itself.
export function installSessionStringHelpers() {
    const helpers = {
        isAudio() {
            const value = String(this);
            return value === 'audio' || value === 'audiodata';
        },
        isScreen() {
            return String(this).indexOf('screen') === 0;
        },
        isVideo() {
            return String(this).indexOf('video') !== -1;
        },
        isData() {
            return String(this) === 'data';
        },
    };
    for (const name of Object.keys(helpers)) {
        if (!(name in String.prototype)) {
            Object.defineProperty(String.prototype, name, {
                value: helpers[name],
                configurable: true,
                writable: true,
                enumerable: false,
            });
        }
    }
}
