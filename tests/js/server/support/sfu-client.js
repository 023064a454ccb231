// A page's side of the SFU broker, over a real socket.io client socket: Janus frames go out
// as `sfu` {roomid, frame: text}, and what comes back (`sfu` frames, `sfu-status`) is kept
// in order and can be awaited. What the browser's core does, written by hand (no wasm).

let transactions = 0;

export function sfuChannel(socket, roomid, { timeoutMs = 8000 } = {}) {
    const frames = []; // parsed Janus frames received for this room
    const statuses = []; // sfu-status payloads for this room
    let waiters = [];
    const wake = () => {
        waiters = waiters.filter((check) => !check());
    };
    socket.on('sfu', (message) => {
        if (message?.roomid !== roomid) return;
        frames.push({ text: message.frame, frame: JSON.parse(message.frame) });
        wake();
    });
    socket.on('sfu-status', (message) => {
        if (message?.roomid !== roomid) return;
        statuses.push(message);
        wake();
    });

    // Resolves with the first non-undefined answer of find() (now or once something
    // arrives), or rejects after timeoutMs.
    const waitFor = (find, what) =>
        new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                waiters = waiters.filter((waiter) => waiter !== check);
                reject(new Error(`no ${what} for room "${roomid}" within ${timeoutMs} ms`));
            }, timeoutMs);
            const check = () => {
                const found = find();
                if (found === undefined) return false;
                clearTimeout(timer);
                resolve(found);
                return true;
            };
            if (!check()) waiters.push(check);
        });

    const channel = {
        frames,
        statuses,
        sendText(text) {
            socket.emit('sfu', { roomid, frame: text });
        },
        // Sends a frame object (with a fresh transaction unless it has one); returns the
        // transaction.
        send(frame) {
            const transaction = frame.transaction ?? `rtcmc-${++transactions}`;
            channel.sendText(JSON.stringify({ ...frame, transaction }));
            return transaction;
        },
        nextFrame: (test, what = 'Janus frame') => waitFor(() => frames.find(({ frame }) => test(frame))?.frame, what),
        nextStatus: (test = () => true, what = 'sfu-status') => waitFor(() => statuses.find(test), what),
        // Sends and resolves with {frame} (Janus's answer: success/error/event; an ack only
        // for keepalive/trickle) or {refused} (the broker's sfu-status for that transaction).
        request(frame) {
            const transaction = channel.send(frame);
            const ackEnds = frame.janus === 'keepalive' || frame.janus === 'trickle';
            const isAnswer = ({ frame: f }) => f.transaction === transaction && (ackEnds || f.janus !== 'ack');
            return waitFor(() => {
                const answer = frames.find(isAnswer);
                if (answer) return { frame: answer.frame };
                const refused = statuses.find((status) => status.transaction === transaction);
                return refused ? { refused } : undefined;
            }, `answer to ${frame.janus}`);
        },
        async createSession() {
            const { frame, refused } = await channel.request({ janus: 'create' });
            if (refused) throw new Error(`create refused: ${refused.reason}`);
            return frame.data.id;
        },
        async attach(session) {
            const { frame, refused } = await channel.request({ janus: 'attach', plugin: 'janus.plugin.videoroom', session_id: session });
            if (refused) throw new Error(`attach refused: ${refused.reason}`);
            return frame.data.id;
        },
        message(session, handle, body) {
            return channel.request({ janus: 'message', session_id: session, handle_id: handle, body });
        },
        // create + attach + join as a publisher; the body's fields are the client's to choose
        // (the broker rewrites room, pin and display). Resolves {session, handle, joined}.
        async joinAsPublisher(body = {}) {
            const session = await channel.createSession();
            const handle = await channel.attach(session);
            const { frame, refused } = await channel.message(session, handle, { request: 'join', ptype: 'publisher', ...body });
            if (refused) throw new Error(`join refused: ${refused.reason}`);
            return { session, handle, joined: frame.plugindata?.data };
        },
    };
    return channel;
}
