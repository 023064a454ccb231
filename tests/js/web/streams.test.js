// The stream objects pages get in onstream and connection.streams, with fake MediaStreams: what
// upstream's demo pages read off them and do with them (tests/e2e/upstream-demos.test.js runs
// those pages in Chromium).
import { createStreamEntry, createStreamsCollection } from '../../../web/streams.js';
import { RTCSession, sessionFromName } from '../../../web/enums.js';

function fakeStream(kinds) {
    const tracks = kinds.map((kind) => ({ kind, enabled: true }));
    return {
        getTracks: () => tracks,
        getAudioTracks: () => tracks.filter((track) => track.kind === 'audio'),
        getVideoTracks: () => tracks.filter((track) => track.kind === 'video'),
    };
}

function enabledKinds(entry) {
    return entry.stream
        .getTracks()
        .filter((track) => track.enabled)
        .map((track) => track.kind);
}

describe('connection.streams.mute() / unmute()', () => {
    function collectionWithLocalAndRemote() {
        const streams = createStreamsCollection();
        const connection = { streams, removeStream() {} };
        const muteChanges = [];
        const local = createStreamEntry(connection, { type: 'local', stream: fakeStream(['audio', 'video']), streamid: 'mine' });
        Object.defineProperty(local, 'onMuteChanged', { value: (change) => muteChanges.push(change) });
        const remote = createStreamEntry(connection, { type: 'remote', stream: fakeStream(['audio', 'video']), streamid: 'theirs' });
        streams.mine = local;
        streams.theirs = remote;
        return { streams, local, remote, muteChanges };
    }

    test("{video: true, type: 'local'} mutes the local camera only (v1.5's mute-unmute demo), and unmute() undoes it", () => {
        const { streams, local, remote, muteChanges } = collectionWithLocalAndRemote();
        streams.mute({ video: true, type: 'local' });
        expect(enabledKinds(local)).toEqual(['audio']);
        expect(enabledKinds(remote)).toEqual(['audio', 'video']);
        expect(muteChanges).toEqual([{ audio: false, video: true, muted: true }]);
        streams.unmute({ video: true, type: 'local' });
        expect(enabledKinds(local)).toEqual(['audio', 'video']);
    });

    test("{type: 'remote'} leaves local streams alone; no type means every stream, as before", () => {
        const { streams, local, remote } = collectionWithLocalAndRemote();
        streams.mute({ audio: true, type: 'remote' });
        expect(enabledKinds(local)).toEqual(['audio', 'video']);
        expect(enabledKinds(remote)).toEqual(['video']);
        streams.mute();
        expect(enabledKinds(local)).toEqual([]);
        expect(enabledKinds(remote)).toEqual([]);
    });

    test("a stream's own mute({type}) of the other type does nothing", () => {
        const { remote } = collectionWithLocalAndRemote();
        remote.mute({ video: true, type: 'local' });
        expect(enabledKinds(remote)).toEqual(['audio', 'video']);
    });
});

describe("a remote stream's session", () => {
    test("carries the room's direction as v1.3's oneway / broadcast flags", () => {
        expect(sessionFromName('audiovideo', 'one-way')).toMatchObject({ audio: true, video: true, oneway: true, broadcast: false });
        expect(sessionFromName('screen', 'one-to-many')).toMatchObject({ screen: true, oneway: false, broadcast: true });
    });

    test('is the RTCSession value itself when the room is many-to-many or one-to-one', () => {
        expect(sessionFromName('audiovideo', 'many-to-many')).toBe(RTCSession.AudioVideo);
        expect(sessionFromName('data', 'one-to-one')).toBe(RTCSession.Data);
        expect(sessionFromName('audio')).toBe(RTCSession.Audio);
    });
});
