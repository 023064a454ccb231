// The RTCDataChannel of each link: open/close reach the engine (onopen/onclose), messages reach
// onmessage, and connection.channels[userid].send() / connection.send() write to them. A
// message sent while no channel is open waits for one; it is never dropped.
//
// Text and objects travel as one JSON frame ({"m": value}). Files and text of any size use the
// core's binary packets (web/data/transfers.js) on the same channel.
export class DataChannels {
    constructor(runtime) {
        this.runtime = runtime;
        this.channels = new Map(); // userid -> RTCDataChannel
        this.waiting = []; // messages for "everyone" sent before any channel opened
        this.waitingFor = new Map(); // userid -> messages sent before that channel opened
    }

    attach(userid, channel) {
        this.channels.set(userid, channel);
        const runtime = this.runtime;
        channel.onopen = () => {
            this.publishChannels();
            runtime.tell('DataChannelOpened', { peer: userid });
            this.flush(userid, channel);
            if (runtime.transfers) runtime.transfers.channelOpened(userid, channel);
        };
        channel.onclose = () => {
            if (this.channels.get(userid) !== channel) return;
            this.channels.delete(userid);
            this.publishChannels();
            if (runtime.transfers) runtime.transfers.peerGone(userid);
            runtime.tell('DataChannelClosed', { peer: userid });
        };
        channel.onmessage = (event) => this.receive(userid, event.data);
        if (channel.readyState === 'open') channel.onopen();
    }

    detach(userid) {
        const channel = this.channels.get(userid);
        this.channels.delete(userid);
        this.waitingFor.delete(userid);
        if (channel) channel.onopen = channel.onclose = channel.onmessage = null;
        this.publishChannels();
    }

    closeAll() {
        for (const userid of [...this.channels.keys()]) this.detach(userid);
        this.waiting = [];
    }

    openChannels() {
        return [...this.channels].filter(([, channel]) => channel.readyState === 'open');
    }

    // connection.send(data): every open channel; held until the first one opens otherwise.
    sendToAll(data) {
        const frame = encode(data);
        const open = this.openChannels();
        if (!open.length) {
            this.waiting.push(frame);
            return;
        }
        for (const [, channel] of open) channel.send(frame);
    }

    sendTo(userid, data) {
        const frame = encode(data);
        const channel = this.channels.get(userid);
        if (channel && channel.readyState === 'open') {
            channel.send(frame);
            return;
        }
        if (!this.waitingFor.has(userid)) this.waitingFor.set(userid, []);
        this.waitingFor.get(userid).push(frame);
    }

    flush(userid, channel) {
        const own = this.waitingFor.get(userid) || [];
        this.waitingFor.delete(userid);
        const all = this.waiting.splice(0);
        for (const frame of [...all, ...own]) channel.send(frame);
    }

    receive(userid, payload) {
        const runtime = this.runtime;
        if (typeof payload !== 'string') {
            if (runtime.transfers) runtime.transfers.receive(userid, payload);
            return;
        }
        let value;
        try {
            value = JSON.parse(payload).m;
        } catch (error) {
            runtime.fire('onerror', { code: 'MALFORMED_MESSAGE', message: `a data-channel message from '${userid}' is not ours: ${error.message}`, userid });
            return;
        }
        const member = runtime.engine ? JSON.parse(runtime.engine.roomSnapshot() || 'null') : null;
        const extra = member ? (member.members.find((entry) => entry.userid === userid) || {}).extra : undefined;
        runtime.deliverMessage(value, userid, extra || {});
    }

    channelFor(userid) {
        return this.runtime.connection.channels[userid];
    }

    // connection.channels[userid] = {send(data)} for every link with a channel.
    publishChannels() {
        const channels = {};
        for (const userid of this.channels.keys()) {
            channels[userid] = {
                userid,
                send: (data) => this.runtime.connection.send(data, userid),
            };
        }
        this.runtime.connection.channels = channels;
    }
}

function encode(data) {
    return JSON.stringify({ m: data === undefined ? null : data });
}
