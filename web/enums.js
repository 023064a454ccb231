// Upstream's enums and the values pages compare with them.
//
// RTCDirection (v1.2): the normalised direction strings. `stream.direction` holds the same
// strings, so the seed's `stream.direction === RTCDirection.OneWay` holds. Every spelling is
// accepted as input (the core parses 'one-way', 'ONE to MANY', 'oneway', RTCDirection.*).
export const RTCDirection = Object.freeze({
    OneWay: 'oneway',
    OneToOne: 'onetoone',
    OneToMany: 'onetomany',
    ManyToMany: 'manytomany',
});

// The RTCDirection value of a canonical direction name from the core ('one-way' -> 'oneway').
export function directionValue(name) {
    return String(name || '').replace(/-/g, '');
}

const FLAGS = ['audio', 'video', 'screen', 'data', 'oneway', 'broadcast'];
const interned = new Map();

// A session as pages read it: v1.2 compared it with RTCSession values
// (`stream.session === RTCSession.AudioVideo`) and called `stream.session.isAudio()`; v1.8 read
// its flags (`stream.session.audio`). One frozen String object per combination serves both:
// RTCSession.* and every stream.session of that combination are the same object, so `===`
// holds; it reads as its canonical string ('audiovideo') wherever a string is expected
// (`==`, `+`, JSON.stringify, template literals); and it carries the flags and helpers.
// The only thing that does not hold is `=== 'audiovideo'` against a string literal.
export function sessionValue(flags) {
    const set = {};
    for (const flag of FLAGS) set[flag] = !!(flags && flags[flag]);
    const canonical = (set.audio ? 'audio' : '') + (set.video ? 'video' : '') + (set.screen ? 'screen' : '') + (set.data ? 'data' : '');
    const key = `${canonical}${set.oneway ? '+oneway' : ''}${set.broadcast ? '+broadcast' : ''}`;
    let value = interned.get(key);
    if (!value) {
        value = new String(canonical);
        for (const flag of FLAGS) Object.defineProperty(value, flag, { value: set[flag], enumerable: true });
        const hidden = (name, method) => Object.defineProperty(value, name, { value: method, enumerable: false });
        // v1.2's String helpers: isAudio() is audio only (with or without data), isScreen()
        // screen first, as upstream's string tests were.
        hidden('isAudio', () => set.audio && !set.video && !set.screen);
        hidden('isVideo', () => set.video);
        hidden('isScreen', () => set.screen);
        hidden('isData', () => set.data && !set.audio && !set.video && !set.screen);
        Object.freeze(value);
        interned.set(key, value);
    }
    return value;
}

// The session value of a remote stream: its media from the canonical session string of the
// core ('audiovideo'), and v1.3's oneway/broadcast flags from the room's direction ('one-way',
// 'one-to-many'), as v1.3-v1.8 handed the room's session object to onstream: v1.4's
// video-broadcasting demo puts `e.session.oneway` streams in its big player.
export function sessionFromName(name, direction) {
    const text = String(name || '');
    const directionText = directionValue(direction);
    return sessionValue({
        audio: text.includes('audio'),
        video: text.includes('video'),
        screen: text.includes('screen'),
        data: text.includes('data'),
        oneway: directionText === RTCDirection.OneWay,
        broadcast: directionText === RTCDirection.OneToMany,
    });
}

// RTCSession (v1.2), plus the seed's own spelling of AudioVideo in its "Broken Changes" example.
export const RTCSession = Object.freeze({
    AudioVideoData: sessionValue({ audio: true, video: true, data: true }),
    AudioVideo: sessionValue({ audio: true, video: true }),
    AudioData: sessionValue({ audio: true, data: true }),
    VideoData: sessionValue({ video: true, data: true }),
    Audio: sessionValue({ audio: true }),
    Video: sessionValue({ video: true }),
    Data: sessionValue({ data: true }),
    ScreenData: sessionValue({ screen: true, data: true }),
    Screen: sessionValue({ screen: true }),
    AuidoVideo: sessionValue({ audio: true, video: true }),
});
