// The page's Janus client in the core (Module.SfuClient, bindings/sfu_bindings.cpp) as plain
// methods. Every call answers {frames, events}: the frames go to the signaling server, which
// forwards them to Janus (docs/sfu-broker.md); the events are what the SFU driver acts on.

// The ops of SfuClient.text() and .call(), in the order sfu_bindings.cpp numbers them.
const TEXT_OPS = { publish: 0, answer: 1, receive: 2, tricklePublisher: 3, trickleSubscriber: 4 };
const CALL_OPS = { tick: 0, leave: 1, serverHasJanus: 2, serverLostJanus: 3 };

export class JanusLink {
    constructor(core) {
        this.client = new core.SfuClient();
    }

    // plan: the engine's sfuPlan() ({publish, receiveFrom, owner}); display: our userid (the
    // server writes it again, so that nobody can publish under another's name).
    join(plan, display, now) {
        const request = { display, publisher: !!plan.publish, receiveFrom: plan.receiveFrom, owner: plan.owner };
        return parse(this.client.join(JSON.stringify(request), now));
    }

    publish(offerSdp, now) {
        return this.text('publish', offerSdp, now);
    }

    answer(answerSdp, now) {
        return this.text('answer', answerSdp, now);
    }

    receive(frame, now) {
        return this.text('receive', frame, now);
    }

    // role: 'publisher' | 'subscriber'; candidate: RTCIceCandidate's JSON, or null at the end.
    trickle(role, candidate, now) {
        const op = role === 'subscriber' ? 'trickleSubscriber' : 'tricklePublisher';
        return this.text(op, candidate ? JSON.stringify(candidate) : '', now);
    }

    tick(now) {
        return parse(this.client.call(CALL_OPS.tick, now));
    }

    // The signaling server's 'gone' (false) or 'back' (true) about its Janus: the core ends
    // the session through it, or joins again (src/sfu/janus_client.hpp).
    serverStatus(hasJanus, now) {
        return parse(this.client.call(hasJanus ? CALL_OPS.serverHasJanus : CALL_OPS.serverLostJanus, now));
    }

    leave(now) {
        return parse(this.client.call(CALL_OPS.leave, now));
    }

    text(op, text, now) {
        return parse(this.client.text(TEXT_OPS[op], text, now));
    }

    delete() {
        if (!this.client.isDeleted()) this.client.delete();
    }
}

function parse(text) {
    const output = JSON.parse(text);
    return { frames: output['frames'] || [], events: output['events'] || [] };
}
