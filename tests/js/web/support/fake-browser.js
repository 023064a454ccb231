// A fake browser for the whole facade in Node (web/runtime.js's seams): a peer driver whose
// links connect through an in-memory world, data channels that behave like Chromium's where it
// matters here, and a pub/sub signaling channel. The browser suites (tests/e2e/) prove the same
// with real Chromium; these run in milliseconds and can look where a browser cannot (the
// channel's buffer, packets forged or corrupted on the way, handles left behind).
//
// FakeDataChannel: send() copies; delivery is asynchronous (one message per task, as the
// browser dispatches them); bufferedAmount counts what is not delivered yet; onbufferedamountlow
// fires when it falls to bufferedAmountLowThreshold; more than 16 MiB buffered throws, as
// Chromium's "send queue is full" does.

export class FakeDataChannel {
    constructor(label) {
        this.label = label;
        this.readyState = 'connecting';
        this.binaryType = 'arraybuffer';
        this.bufferedAmount = 0;
        this.bufferedAmountLowThreshold = 0;
        this.onopen = this.onclose = this.onmessage = this.onbufferedamountlow = null;
        this.far = null; // the other end
        this.maxBuffered = 0;
        this.sentPackets = 0;
        this.tamper = null; // (bytes, count) => bytes to deliver instead, or null to drop
    }

    send(data) {
        if (this.readyState !== 'open') throw new DOMException('RTCDataChannel.readyState is not open', 'InvalidStateError');
        const text = typeof data === 'string';
        let payload = text ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
        const size = text ? data.length : payload.byteLength;
        if (this.bufferedAmount + size > 16 * 1024 * 1024) throw new DOMException('send queue is full', 'OperationError');
        if (!text) {
            this.sentPackets += 1;
            if (this.tamper) payload = this.tamper(payload, this.sentPackets);
        }
        this.bufferedAmount += size;
        this.maxBuffered = Math.max(this.maxBuffered, this.bufferedAmount);
        setImmediate(() => {
            const before = this.bufferedAmount;
            this.bufferedAmount = Math.max(0, this.bufferedAmount - size);
            if (this.readyState !== 'open') return;
            if (payload !== null && this.far && this.far.readyState === 'open' && this.far.onmessage) {
                this.far.onmessage({ data: text ? payload : payload.buffer });
            }
            if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold && this.onbufferedamountlow) {
                this.onbufferedamountlow();
            }
        });
    }

    open() {
        if (this.readyState !== 'connecting') return;
        this.readyState = 'open';
        if (this.onopen) this.onopen();
    }

    close() {
        if (this.readyState === 'closed') return;
        this.readyState = 'closed';
        if (this.onclose) this.onclose();
    }
}

// Every page of one test: links, channels and the signaling bus between them.
export class FakeWorld {
    constructor() {
        this.links = new Map(); // link id -> {offerer: entry, answerer: entry}
        this.nextLink = 1;
        this.members = new Set(); // signaling channels
        // When true, data channels wait for openChannels() (a link that connects slowly).
        this.holdChannels = false;
        this.held = [];
    }

    // The drivers to give a RTCMultiConnection: new RTCMultiConnection(channel, {_drivers}).
    drivers() {
        return { PeerDriver: this.peerDriverClass(), createSignalingChannel: (connection, handlers) => this.signalingChannel(handlers) };
    }

    openChannels() {
        for (const open of this.held.splice(0)) open();
    }

    signalingChannel(handlers) {
        const world = this;
        const channel = {
            authority: 'owner',
            send(to, text) {
                for (const member of world.members) {
                    if (member !== channel) setImmediate(() => world.members.has(member) && member.handlers.onRelay('', text));
                }
            },
            close() {
                world.members.delete(channel);
            },
            handlers,
        };
        this.members.add(channel);
        return channel;
    }

    peerDriverClass() {
        const world = this;
        return class FakePeerDriver {
            constructor(events) {
                this.events = events;
                this.entries = new Map(); // remote userid -> entry
            }

            // The real driver makes a DTLS certificate ahead of the first link (peer-driver.js);
            // fake links need none.
            warmUp() {}

            has(userid) {
                return this.entries.has(userid);
            }

            connection(userid) {
                return this.entries.get(userid) || null;
            }

            create(userid, plan) {
                this.close(userid);
                const entry = { userid, plan, driver: this, link: null, channel: null, closed: false, connectionState: 'new' };
                this.entries.set(userid, entry);
                if (plan.offerer) {
                    entry.link = world.nextLink++;
                    world.links.set(entry.link, { offerer: entry, answerer: null });
                    this.makeChannel(entry);
                    setImmediate(() => !entry.closed && this.events.onLocalDescription(userid, { type: 'offer', sdp: `v=0\r\na=fake-link:${entry.link}\r\n` }));
                }
                return entry;
            }

            makeChannel(entry) {
                if (!entry.plan.data) return;
                entry.channel = new FakeDataChannel('RTCDataChannel');
                this.events.onDataChannel(entry.userid, entry.channel);
            }

            setRemoteDescription(userid, description) {
                const entry = this.entries.get(userid);
                if (!entry || entry.closed) return;
                const link = Number(/fake-link:(\d+)/.exec(description.sdp)[1]);
                const pair = world.links.get(link);
                if (!pair) return;
                if (description.type === 'offer') {
                    entry.link = link;
                    pair.answerer = entry;
                    this.makeChannel(entry);
                    setImmediate(() => !entry.closed && this.events.onLocalDescription(userid, { type: 'answer', sdp: description.sdp }));
                    return;
                }
                setImmediate(() => world.connect(pair));
            }

            addCandidate() {}
            addStream() {}
            removeStream() {}

            close(userid) {
                const entry = this.entries.get(userid);
                if (!entry) return;
                entry.closed = true;
                this.entries.delete(userid);
                world.disconnect(entry);
            }

            closeAll() {
                for (const userid of [...this.entries.keys()]) this.close(userid);
            }
        };
    }

    connect(pair) {
        const { offerer, answerer } = pair;
        if (!answerer || offerer.closed || answerer.closed) return;
        for (const entry of [offerer, answerer]) {
            entry.connectionState = 'connected';
            entry.driver.events.onConnectionState(entry.userid, 'connected');
        }
        if (!offerer.channel || !answerer.channel) return;
        offerer.channel.far = answerer.channel;
        answerer.channel.far = offerer.channel;
        const open = () => {
            if (offerer.closed || answerer.closed) return;
            offerer.channel.open();
            answerer.channel.open();
        };
        if (this.holdChannels) this.held.push(open);
        else open();
    }

    // One side closed the link: the other side's channel closes and its connection is gone,
    // as when a tab closes.
    disconnect(entry) {
        if (entry.channel) entry.channel.readyState = 'closed';
        const pair = this.links.get(entry.link);
        if (!pair) return;
        this.links.delete(entry.link);
        const far = pair.offerer === entry ? pair.answerer : pair.offerer;
        if (!far || far.closed) return;
        setImmediate(() => {
            if (far.closed) return;
            if (far.channel) far.channel.close();
            far.connectionState = 'closed';
            far.driver.events.onConnectionState(far.userid, 'closed');
        });
    }

    // The data channel `from` holds towards `to`.
    channel(from, to) {
        for (const pair of this.links.values()) {
            for (const [self, far] of [
                [pair.offerer, pair.answerer],
                [pair.answerer, pair.offerer],
            ]) {
                if (self && far && self.userid === to && far.userid === from && self.channel) return self.channel;
            }
        }
        return null;
    }
}
