// A typed page written against the published package's types, beyond the seed snippets: the
// default export, type imports, callbacks with their argument types (typescript.test.js).
import RTCMultiConnectionDefault, {
    RTCDirection,
    RTCMultiConnection,
    RTCSession,
    type LeaveEvent,
    type StreamEvent,
} from 'rtcmulticonnection-wasm';

const connection: RTCMultiConnection = new RTCMultiConnection('room-1', { autoCloseEntireSession: true });
const other = new RTCMultiConnectionDefault();
other.session = { audio: true, video: true, oneway: true };
connection.session = 'audio + video and data';
connection.session = RTCSession.AudioVideoData;
connection.direction = RTCDirection.OneToMany;
connection.extra = { username: 'typed' };
connection.iceServers = [];
connection.bandwidth = { audio: 50, video: 256 };
connection.maxParticipantsAllowed = 4;

connection.onstream = (event: StreamEvent) => {
    document.body.appendChild(event.mediaElement);
    if (event.session.length && event.type === 'remote') console.log(event.userid, event.extra);
};
connection.onleave = (event: LeaveEvent) => console.log(event.userid, event.ejected);
connection.onmessage = (event) => console.log(event.data, event.userid);
connection.onFileProgress = (progress) => console.log(progress.remaining, progress.length);
connection.onFileReceived = (name: string, file: Blob) => console.log(name, file.size);
connection.onerror = (error) => console.log(error.code, error.message);
connection.onstatechange = (state, reason) => console.log(state, reason);
connection.onNewSession = (session) => session.join({ audio: true });

connection.open('room-1');
connection.connect('room-1');
connection.join('room-1', { oneway: true });
connection.checkPresence('room-1', (exists, roomid, extra) => console.log(exists, roomid, extra));
connection.send('text');
connection.send(new Blob(['file']));
connection.channels['someone']?.send({ any: 'object' });
connection.streams['id']?.mute({ audio: true });
connection.eject('someone');
const participants: string[] = connection.getAllParticipants();
console.log(participants);
connection.leave();
