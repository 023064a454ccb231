// The only place that creates RTCPeerConnections. One entry per remote userid; every browser
// event becomes a callback tagged with that userid, and events of a closed entry are dropped.
// Negotiation follows the "perfect negotiation" pattern: the core picks who is polite (the
// side that did not start the link), so either side may renegotiate later (addStream).

export class PeerDriver {
    // events: {onLocalDescription(userid, description), onCandidate(userid, candidate|null),
    //          onConnectionState(userid, state), onTrack(userid, track, streams),
    //          onDataChannel(userid, channel), onError(userid, error),
    //          onIceServerError(userid, {url, errorCode, errorText})}
    // settings: {iceServers(): the servers for a new link, read at each one}
    constructor(events, settings = {}) {
        this.events = events;
        this.settings = settings;
        this.entries = new Map();
    }

    // The first RTCPeerConnection of a page starts the browser's WebRTC machinery, and each one
    // makes a DTLS certificate unless given one: in Chromium 10 to 25 ms on the main thread, on
    // the path from join() to onopen of both sides. The runtime calls warmUp() when the page
    // opens, joins, connects or checks presence, before any link is due: generating one
    // certificate starts that machinery, and every link of the page then reuses the certificate
    // (a new one once it nears its expiry). A link made before it is ready goes without.
    warmUp() {
        if (this.warming || typeof RTCPeerConnection !== 'function' || typeof RTCPeerConnection.generateCertificate !== 'function') return;
        this.warming = RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }).then(
            (certificate) => {
                this.certificate = certificate;
            },
            () => {}, // each link then makes its own, as without warmUp()
        );
    }

    // The shared certificate when it has more than a minute left; otherwise none, and a new one
    // is on its way for the next link.
    linkCertificates() {
        const certificate = this.certificate;
        if (!certificate) return undefined;
        if (!(certificate.expires > Date.now() + 60000)) {
            this.certificate = null;
            this.warming = null;
            this.warmUp();
            return undefined;
        }
        return [certificate];
    }

    has(userid) {
        return this.entries.has(userid);
    }

    connection(userid) {
        const entry = this.entries.get(userid);
        return entry ? entry.pc : null;
    }

    // plan: {offerer, polite, send:{audio,video,screen}, receive:{audio,video}, data,
    //        iceTransportPolicy ('all' | 'relay'), trickle}
    // localStreams: [{stream, session:{audio,video,screen}}]
    create(userid, plan, localStreams) {
        this.close(userid);
        const iceServers = typeof this.settings.iceServers === 'function' ? this.settings.iceServers() : [];
        const configuration = { iceServers, iceTransportPolicy: plan.iceTransportPolicy || 'all' };
        const certificates = this.linkCertificates();
        if (certificates) configuration.certificates = certificates;
        const pc = new RTCPeerConnection(configuration);
        const entry = {
            pc,
            plan,
            polite: !!plan.polite,
            makingOffer: false,
            ignoreOffer: false,
            // The answering side adds its media only after the first offer, so that its tracks
            // ride on the offered transceivers instead of forcing a second negotiation.
            ready: !!plan.offerer,
            pendingCandidates: [],
            gatherWaiters: [],
            localStreams,
            closed: false,
            channel: null,
        };
        this.entries.set(userid, entry);
        pc.onicecandidate = (event) => {
            if (!entry.closed) this.events.onCandidate(userid, event.candidate);
        };
        pc.onconnectionstatechange = () => {
            if (!entry.closed) this.events.onConnectionState(userid, pc.connectionState);
        };
        pc.ontrack = (event) => {
            if (!entry.closed) this.events.onTrack(userid, event.track, event.streams);
        };
        pc.onnegotiationneeded = () => this.negotiate(userid, entry);
        // A STUN or TURN server that refused (401: wrong or expired credentials) or did not
        // answer (701) while gathering.
        pc.onicecandidateerror = (event) => {
            if (!entry.closed && this.events.onIceServerError) {
                this.events.onIceServerError(userid, { url: event.url, errorCode: event.errorCode, errorText: event.errorText });
            }
        };
        if (entry.ready) this.attachLocalMedia(userid, entry);
        return pc;
    }

    attachLocalMedia(userid, entry) {
        const { plan, pc } = entry;
        let sendsAudio = false;
        let sendsVideo = false;
        for (const { stream } of entry.localStreams) {
            for (const track of stream.getTracks()) {
                const wanted =
                    track.kind === 'audio' ? plan.send.audio : plan.send.video || plan.send.screen;
                if (!wanted) continue;
                pc.addTrack(track, stream);
                if (track.kind === 'audio') sendsAudio = true;
                else sendsVideo = true;
            }
        }
        // Receive what the room shares even when sending nothing of that kind (a one-way viewer).
        // On the answering side the offer already created these transceivers.
        if (plan.offerer) {
            if (plan.receive.audio && !sendsAudio) pc.addTransceiver('audio', { direction: 'recvonly' });
            if (plan.receive.video && !sendsVideo) pc.addTransceiver('video', { direction: 'recvonly' });
        }
        if (plan.data && !entry.channel) {
            // Negotiated with a fixed id on both sides: no ondatachannel race, one channel per link.
            const channel = pc.createDataChannel('RTCDataChannel', { negotiated: true, id: 0, ordered: true });
            channel.binaryType = 'arraybuffer';
            entry.channel = channel;
            this.events.onDataChannel(userid, channel);
        }
    }

    async negotiate(userid, entry) {
        if (entry.closed || !entry.ready) return;
        try {
            entry.makingOffer = true;
            await entry.pc.setLocalDescription();
            await this.gathered(entry);
            if (!entry.closed) this.events.onLocalDescription(userid, entry.pc.localDescription);
        } catch (error) {
            if (!entry.closed) this.events.onError(userid, error);
        } finally {
            entry.makingOffer = false;
        }
    }

    async setRemoteDescription(userid, description) {
        const entry = this.entries.get(userid);
        if (!entry || entry.closed) return;
        const { pc } = entry;
        try {
            const collision =
                description.type === 'offer' && (entry.makingOffer || pc.signalingState !== 'stable');
            entry.ignoreOffer = !entry.polite && collision;
            if (entry.ignoreOffer) return;
            await pc.setRemoteDescription(description);
            if (entry.closed) return;
            if (description.type === 'offer') {
                if (!entry.ready) {
                    entry.ready = true;
                    this.attachLocalMedia(userid, entry);
                }
                await pc.setLocalDescription();
                await this.gathered(entry);
                if (!entry.closed) this.events.onLocalDescription(userid, pc.localDescription);
            }
            const pending = entry.pendingCandidates.splice(0);
            for (const candidate of pending) await this.addCandidate(userid, candidate);
        } catch (error) {
            if (!entry.closed) this.events.onError(userid, error);
        }
    }

    async addCandidate(userid, candidate) {
        const entry = this.entries.get(userid);
        if (!entry || entry.closed) return;
        if (!entry.pc.remoteDescription) {
            entry.pendingCandidates.push(candidate);
            return;
        }
        try {
            await entry.pc.addIceCandidate(candidate);
        } catch (error) {
            // A candidate for an offer we ignored in a glare is expected to fail.
            if (!entry.ignoreOffer && !entry.closed) this.events.onError(userid, error);
        }
    }

    // Adds the tracks of a new local stream to this link (renegotiates through negotiationneeded).
    addStream(userid, stream, send) {
        const entry = this.entries.get(userid);
        if (!entry || entry.closed) return;
        entry.localStreams.push({ stream });
        if (!entry.ready) return; // attached with the rest once the first offer arrives
        for (const track of stream.getTracks()) {
            const wanted = track.kind === 'audio' ? send.audio : send.video || send.screen;
            if (wanted) entry.pc.addTrack(track, stream);
        }
    }

    removeStream(userid, stream) {
        const entry = this.entries.get(userid);
        if (!entry || entry.closed) return;
        entry.localStreams = entry.localStreams.filter((local) => local.stream !== stream);
        const ids = new Set(stream.getTracks().map((track) => track.id));
        for (const sender of entry.pc.getSenders()) {
            if (sender.track && ids.has(sender.track.id)) entry.pc.removeTrack(sender);
        }
    }

    // Without trickle (plan.trickle false) a description goes out only once every candidate is
    // in it: wait for ICE gathering to complete (or the link to close).
    gathered(entry) {
        const { pc } = entry;
        if (entry.plan.trickle !== false || pc.iceGatheringState === 'complete') return Promise.resolve();
        return new Promise((resolve) => {
            const check = () => {
                if (entry.closed || pc.iceGatheringState === 'complete') {
                    pc.removeEventListener('icegatheringstatechange', check);
                    resolve();
                }
            };
            pc.addEventListener('icegatheringstatechange', check);
            entry.gatherWaiters.push(check);
        });
    }

    // The core decided that this link's path broke (src/engine/engine_recovery.cpp): gather
    // again with the ICE servers of now (TURN credentials may have been renewed, a TURN server
    // restarted) and renegotiate with new ICE credentials. DTLS, SCTP and so the tracks and the
    // data channel carry on over the new path.
    restartIce(userid) {
        const entry = this.entries.get(userid);
        if (!entry || entry.closed) return;
        if (typeof this.settings.iceServers === 'function') {
            try {
                entry.pc.setConfiguration({ ...entry.pc.getConfiguration(), iceServers: this.settings.iceServers() });
            } catch {
                // The link keeps the servers it has.
            }
        }
        // Fires negotiationneeded: negotiate() sends the offer (on the answering side once it
        // has answered the link's first offer, as for any renegotiation).
        entry.pc.restartIce();
    }

    // renegotiate(): a new offer on every link that may offer now.
    renegotiateAll() {
        for (const [userid, entry] of this.entries) this.negotiate(userid, entry);
    }

    close(userid) {
        const entry = this.entries.get(userid);
        if (!entry) return;
        entry.closed = true;
        this.entries.delete(userid);
        for (const waiter of entry.gatherWaiters.splice(0)) waiter();
        const { pc } = entry;
        pc.onicecandidate = pc.onconnectionstatechange = pc.ontrack = pc.onnegotiationneeded = null;
        pc.onicecandidateerror = null;
        if (entry.channel) {
            entry.channel.onopen = entry.channel.onclose = entry.channel.onmessage = null;
            entry.channel.onerror = entry.channel.onbufferedamountlow = null;
        }
        pc.close();
    }

    // New ICE servers (renewed TURN credentials) for every open link: used at its next
    // gathering (an ICE restart). A browser that refuses the change keeps the old ones.
    updateIceServers(iceServers) {
        for (const entry of this.entries.values()) {
            if (entry.closed) continue;
            try {
                entry.pc.setConfiguration({ ...entry.pc.getConfiguration(), iceServers });
            } catch {
                // The link keeps the servers it has: they serve until the allocation ends.
            }
        }
    }

    closeAll() {
        for (const userid of [...this.entries.keys()]) this.close(userid);
    }
}
