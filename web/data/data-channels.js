// The RTCDataChannel of each link: open/close reach the engine (onopen/onclose), messages reach
// onmessage, and connection.channels[userid].send() / connection.send() write to them. A
// message sent while a member's channel is not open yet waits for it; it is never dropped, and
// a message to everyone reaches each member once.
//
// Text and objects travel as one JSON frame ({"m": value}). Files and text of any size use the
// core's binary packets (web/data/transfers.js) on the same channel.
export class DataChannels {
    constructor(runtime) {
        this.runtime = runtime;
        this.channels = new Map(); // userid -> RTCDataChannel
        this.waiting = []; // messages for "everyone" sent while the page knew no member yet
        this.waitingFor = new Map(); // userid -> messages sent before that channel opened
        this.room = undefined; // the engine's room snapshot, parsed; undefined: read it again
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
        this.waitingFor.clear();
        this.room = undefined;
    }

    openChannels() {
        return [...this.channels].filter(([, channel]) => channel.readyState === 'open');
    }

    // connection.send(data): every member linked now gets it once, at once where its channel
    // is open and when it opens otherwise. Sent before the page knows any member (right after
    // join()), it waits for the first channel and then goes to every member linked by then.
    sendToAll(data) {
        const frame = encode(data);
        this.distributeEarly();
        const members = this.members();
        if (!members.length) {
            this.waiting.push(frame);
            return;
        }
        for (const userid of members) this.sendFrame(userid, frame);
    }

    sendTo(userid, data) {
        this.distributeEarly();
        this.sendFrame(userid, encode(data));
    }

    // Messages to everyone sent before any member was known go to the members known now,
    // ahead of anything sent since.
    distributeEarly() {
        if (!this.waiting.length) return;
        const members = this.members();
        if (!members.length) return;
        const early = this.waiting.splice(0);
        for (const userid of members) {
            const channel = this.channels.get(userid);
            if (channel && channel.readyState === 'open') {
                for (const frame of early) channel.send(frame);
            } else {
                this.waitingFor.set(userid, [...early, ...(this.waitingFor.get(userid) || [])]);
            }
        }
    }

    // The peers the engine links to, and any whose channel arrived first.
    members() {
        const linked = this.runtime.engine ? [...this.runtime.engine.linkedPeers()] : [];
        for (const userid of this.channels.keys()) if (!linked.includes(userid)) linked.push(userid);
        return linked;
    }

    sendFrame(userid, frame) {
        const channel = this.channels.get(userid);
        if (channel && channel.readyState === 'open') {
            channel.send(frame);
            return;
        }
        if (!this.waitingFor.has(userid)) this.waitingFor.set(userid, []);
        this.waitingFor.get(userid).push(frame);
    }

    flush(userid, channel) {
        this.distributeEarly();
        const own = this.waitingFor.get(userid) || [];
        this.waitingFor.delete(userid);
        for (const frame of own) channel.send(frame);
    }

    // The engine's room changed (it handled an event): the snapshot is read again when needed,
    // not for every message.
    roomChanged() {
        this.room = undefined;
    }

    extraOf(userid) {
        if (this.room === undefined) {
            this.room = this.runtime.engine ? JSON.parse(this.runtime.engine.roomSnapshot() || 'null') : null;
        }
        const member = this.room ? this.room.members.find((entry) => entry.userid === userid) : null;
        return (member && member.extra) || {};
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
        runtime.deliverMessage(value, userid, this.extraOf(userid));
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
