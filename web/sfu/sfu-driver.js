// A page's media in a room that goes through the server's SFU (Janus): one publisher
// RTCPeerConnection that sends the page's streams once, and one subscriber RTCPeerConnection
// that receives every feed the core's plan asks for. The decisions (whether to publish, whose
// feeds to receive, every Janus request and its state) are the core's: Engine::sfuPlan() and
// the Janus client (src/sfu/, through JanusLink). This file only carries the frames over the
// signaling server and the descriptions, candidates and tracks of the two connections.
//
// Remote tracks are grouped into one MediaStream per stream of the sender, with the sender's
// stream id, and handed to the runtime as a remote stream of the feed's user (its display,
// which the server sets to the userid), so that onstream, mute, onstreamended and the rest
// behave as in a mesh.
import { JanusLink } from './janus-link.js';

// How often the core's Janus client gets a tick (keepalives, request deadlines, and joining
// again after it gave Janus up: the core decides when).
const TICK_MS = 1000;

export class SfuDriver {
    // hooks: {send(frame), localStreams(): [MediaStream], iceServers(): [...], now(): ms,
    //         onTrack(userid, track, stream), onStreamGone(userid, streamid),
    //         onError({code, text | message}): text is the core's Text, message plain words}
    constructor(core, plan, userid, hooks) {
        this.core = core;
        this.plan = plan;
        this.userid = userid;
        this.hooks = hooks;
        this.link = null;
        this.publisher = null; // RTCPeerConnection
        this.subscriber = null; // RTCPeerConnection
        this.midFeeds = new Map(); // subscriber mid -> {feed: {id, display}, streamid}
        this.remoteStreams = new Map(); // streamid -> {stream, userid, feedId}
        this.publishing = false;
        this.offering = false; // an offer of the publisher connection waits for Janus's answer
        this.offerPending = false; // a stream changed meanwhile: offer again after the answer
        this.timer = null;
        this.closed = false;
    }

    start() {
        if (this.closed || this.link) return;
        this.link = new JanusLink(this.core);
        this.apply(this.link.join(this.plan, this.userid, this.hooks.now()));
        this.timer = setInterval(() => this.link && this.apply(this.link.tick(this.hooks.now())), TICK_MS);
    }

    // A frame from Janus, forwarded by the signaling server.
    receive(frame) {
        if (this.link && typeof frame === 'string') this.apply(this.link.receive(frame, this.hooks.now()));
    }

    // The server lost Janus ('gone') or has it again ('back'): the core ends the session
    // through it (janus-gone), or joins again (docs/sfu.md).
    status(status) {
        if (this.link && (status === 'gone' || status === 'back')) this.apply(this.link.serverStatus(status === 'back', this.hooks.now()));
    }

    // A local stream added after joining (addStream, a screen): published with the first offer,
    // or added to the publisher connection, which offers again (the core sends "configure").
    localStreamAdded(stream) {
        if (!this.joined || !this.plan.publish) return;
        if (!this.publishing) {
            this.publish();
            return;
        }
        if (!this.publisher) return;
        for (const track of stream.getTracks()) this.publisher.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
        this.offerAgain();
    }

    // A local stream removed (removeStream, a screen share ended): its tracks leave the
    // publisher connection, which offers again.
    localStreamRemoved(stream) {
        if (!this.publisher) return;
        const tracks = new Set(stream.getTracks());
        let removed = false;
        for (const sender of this.publisher.getSenders()) {
            if (sender.track && tracks.has(sender.track)) {
                this.publisher.removeTrack(sender);
                removed = true;
            }
        }
        if (removed) this.offerAgain();
    }

    // One offer at a time: a change while Janus has not answered the last one waits for it.
    async offerAgain() {
        if (this.offering) {
            this.offerPending = true;
            return;
        }
        const pc = this.publisher;
        this.offering = true;
        try {
            const offer = await pc.createOffer();
            await pc.setLocalDescription(offer);
            if (this.link && this.publisher === pc) this.apply(this.link.publish(offer.sdp, this.hooks.now()));
            else this.offering = false;
        } catch (error) {
            this.offering = false;
            this.failed(error);
        }
    }

    apply({ frames, events }) {
        for (const frame of frames) this.hooks.send(frame);
        for (const event of events) this.onEvent(event);
    }

    onEvent(event) {
        switch (event['kind']) {
            case 'joined':
                this.joined = true;
                if (this.plan.publish) this.publish();
                break;
            case 'local-answer':
                if (this.publisher) {
                    this.publisher
                        .setRemoteDescription({ type: 'answer', sdp: event['sdp'] })
                        .then(() => {
                            this.offering = false;
                            if (this.offerPending) {
                                this.offerPending = false;
                                this.offerAgain();
                            }
                        })
                        .catch((error) => this.failed(error));
                }
                break;
            case 'remote-offer':
                this.answerOffer(event['sdp'], event['streams'] || []);
                break;
            case 'feed-removed':
                this.feedGone(event['feed']['id']);
                break;
            case 'error':
                // A refused offer must not hold back the next one.
                this.offering = false;
                this.hooks.onError({ code: event['code'], text: event['text'] });
                break;
            case 'janus-gone':
            case 'session-timed-out':
                // The core joins again when it decides (its tick, or the server's 'back').
                this.endMedia();
                this.hooks.onError({ code: event['code'] || 'SFU_UNAVAILABLE', text: event['text'] });
                break;
            default:
                // feed-added (the offer that follows carries it), publishing, frame-dropped, left
                break;
        }
    }

    newConnection(role) {
        const pc = new RTCPeerConnection({ iceServers: this.hooks.iceServers() });
        pc.onicecandidate = (event) => {
            if (this.link && this.isCurrent(pc, role)) {
                this.apply(this.link.trickle(role, event.candidate ? event.candidate.toJSON() : null, this.hooks.now()));
            }
        };
        return pc;
    }

    isCurrent(pc, role) {
        return (role === 'publisher' ? this.publisher : this.subscriber) === pc;
    }

    async publish() {
        const streams = this.hooks.localStreams();
        if (streams.length === 0 || this.publishing) return;
        this.publishing = true;
        this.offering = true;
        const pc = (this.publisher = this.newConnection('publisher'));
        for (const stream of streams) {
            for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
        }
        try {
            const offer = await pc.createOffer();
            await pc.setLocalDescription(offer);
            if (this.link && this.publisher === pc) this.apply(this.link.publish(offer.sdp, this.hooks.now()));
        } catch (error) {
            this.failed(error);
        }
    }

    async answerOffer(sdp, streams) {
        for (const stream of streams) this.midFeeds.set(stream['mid'], { feed: stream['feed'], streamid: stream['streamid'] || `feed-${stream['feed']['id']}` });
        if (!this.subscriber) {
            const pc = (this.subscriber = this.newConnection('subscriber'));
            pc.ontrack = (event) => this.onTrack(pc, event);
        }
        const pc = this.subscriber;
        try {
            await pc.setRemoteDescription({ type: 'offer', sdp });
            const answer = await pc.createAnswer();
            await pc.setLocalDescription(answer);
            if (this.link && this.subscriber === pc) this.apply(this.link.answer(answer.sdp, this.hooks.now()));
        } catch (error) {
            this.failed(error);
        }
    }

    onTrack(pc, event) {
        if (this.subscriber !== pc) return;
        const line = this.midFeeds.get(event.transceiver && event.transceiver.mid);
        if (!line || !line.feed['display']) return;
        // The core rewrote the offer's msid lines, so Chrome's stream for the track already has
        // the sender's stream id (src/sfu/stream_ids.hpp); without one, a stream of our own.
        const streamid = line.streamid;
        let entry = this.remoteStreams.get(streamid);
        if (!entry) {
            const given = event.streams.find((stream) => stream.id === streamid);
            entry = { stream: given || new MediaStream(), userid: line.feed['display'], feedId: line.feed['id'] };
            this.remoteStreams.set(streamid, entry);
        }
        const { stream } = entry;
        for (const track of stream.getTracks()) if (track.kind === event.track.kind && track !== event.track) stream.removeTrack(track);
        if (!stream.getTracks().includes(event.track)) stream.addTrack(event.track);
        this.hooks.onTrack(entry.userid, event.track, stream);
    }

    feedGone(feedId) {
        for (const [mid, line] of [...this.midFeeds]) if (line.feed['id'] === feedId) this.midFeeds.delete(mid);
        for (const [streamid, entry] of [...this.remoteStreams]) {
            if (entry.feedId !== feedId) continue;
            this.remoteStreams.delete(streamid);
            this.hooks.onStreamGone(entry.userid, entry.stream.id);
        }
    }

    failed(error) {
        this.hooks.onError({ code: 'SFU_REFUSED', message: `the SFU connection failed: ${error && error.message ? error.message : error}` });
    }

    // Ends the connections and the page's streams through Janus; the core may join again.
    endMedia() {
        this.joined = false;
        this.publishing = false;
        this.offering = false;
        this.offerPending = false;
        for (const pc of [this.publisher, this.subscriber]) if (pc) pc.close();
        this.publisher = this.subscriber = null;
        for (const { feedId } of [...this.remoteStreams.values()]) this.feedGone(feedId);
        this.midFeeds.clear();
    }

    // leave() or close(): the core says goodbye to Janus (the server also closes our Janus
    // connection when we leave the room), then everything stops for good.
    close() {
        if (this.closed) return;
        if (this.link) {
            const { frames } = this.link.leave(this.hooks.now());
            for (const frame of frames) this.hooks.send(frame);
        }
        clearInterval(this.timer);
        this.timer = null;
        if (this.link) this.link.delete();
        this.link = null;
        this.endMedia();
        this.closed = true;
    }
}
