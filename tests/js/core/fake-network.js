// The callback names of core.PageEvent, as web/runtime.js maps them.
import { PAGE_EVENTS } from '../../../web/page-events.js';

// A pub/sub signaling bus and a fake browser for engines loaded through embind (the JS twin of
// tests/core/support/fake_network.hpp). It executes each engine's actions as the facade will:
// media capture succeeds at once, offerers offer, answerers answer, links connect.
export class FakeNetwork {
    constructor(core) {
        this.core = core;
        this.nodes = new Map();
        this.queue = [];
        this.later = [];
        this.now = 1000;
    }

    add(userid, settings = {}) {
        const engine = new this.core.Engine(engineConfig(this.core, { userid, ...settings }));
        this.nodes.set(userid, { engine, links: new Set(), connected: new Set(), events: [] });
        return engine;
    }

    engine(userid) {
        return this.nodes.get(userid).engine;
    }

    // The actions of an Event of kind `kind` (a core.EventKind name) at userid's engine, as the
    // facade sends it (web/runtime.js event()).
    handle(userid, kind, fields = {}) {
        return this.engine(userid).handle(engineEvent(this.core, kind, { now: this.now, ...fields }));
    }

    run(userid, actions) {
        this.apply(userid, actions);
        this.settle();
    }

    events(userid, name) {
        return this.nodes.get(userid).events.filter((event) => event.name === name);
    }

    mesh() {
        const pairs = new Set();
        for (const [userid, node] of this.nodes) {
            for (const peer of node.connected) {
                if (this.nodes.get(peer)?.connected.has(userid)) {
                    pairs.add([userid, peer].sort().join('|'));
                }
            }
        }
        return [...pairs].sort();
    }

    deleteAll() {
        for (const node of this.nodes.values()) node.engine.delete();
        this.nodes.clear();
    }

    apply(userid, actions) {
        const node = this.nodes.get(userid);
        if (!node) return;
        const kinds = this.core.ActionKind;
        for (const action of actions) {
            switch (action.kind) {
                case kinds.SendSignal:
                    this.queue.push({ from: userid, to: action.peer, text: action.text });
                    break;
                case kinds.CaptureMedia:
                    this.later.push(() => this.apply(userid, this.handle(userid, 'MediaReady', { id: `camera-of-${userid}`, media: action.media })));
                    break;
                case kinds.CreatePeer: {
                    node.links.add(action.peer);
                    if (action.offerer) {
                        this.later.push(() => this.apply(userid, this.handle(userid, 'LocalDescription', { peer: action.peer, name: 'offer', text: 'v=0' })));
                    }
                    break;
                }
                case kinds.SetRemoteDescription:
                    this.later.push(() =>
                        action.name === 'offer'
                            ? this.apply(userid, this.handle(userid, 'LocalDescription', { peer: action.peer, name: 'answer', text: 'v=0' }))
                            : this.connectPair(userid, action.peer),
                    );
                    break;
                case kinds.ClosePeer: {
                    node.links.delete(action.peer);
                    node.connected.delete(action.peer);
                    this.later.push(() => {
                        const far = this.nodes.get(action.peer);
                        if (far?.links.delete(userid)) {
                            far.connected.delete(userid);
                            this.apply(action.peer, this.handle(action.peer, 'PeerStateChanged', { peer: userid, state: this.core.PeerState.Closed }));
                        }
                    });
                    break;
                }
                case kinds.FireEvent:
                    node.events.push({ name: PAGE_EVENTS[eventKey(this.core, action.event)], payload: JSON.parse(action.text) });
                    break;
                case kinds.ServerRequest:
                case kinds.AddIceCandidate:
                case kinds.StopLocalMedia:
                case kinds.ScheduleTick:
                case kinds.LeaveSfu:
                    break;
                default:
                    throw new Error(`unknown action kind ${action.kind}`);
            }
        }
    }

    connectPair(a, b) {
        const nodeA = this.nodes.get(a);
        const nodeB = this.nodes.get(b);
        if (!nodeA?.links.has(b) || !nodeB?.links.has(a)) return;
        for (const [self, peer] of [
            [a, b],
            [b, a],
        ]) {
            const node = this.nodes.get(self);
            node.connected.add(peer);
            this.apply(self, this.handle(self, 'PeerStateChanged', { peer, state: this.core.PeerState.Connected }));
            this.apply(self, this.handle(self, 'DataChannelOpened', { peer }));
        }
    }

    settle() {
        for (let guard = 0; guard < 100000; guard++) {
            if (this.queue.length) {
                const { from, to, text } = this.queue.shift();
                for (const [userid, node] of [...this.nodes]) {
                    if (!to || to === userid || userid === from) {
                        this.apply(userid, this.handle(userid, 'Signal', { text }));
                    }
                }
            } else if (this.later.length) {
                this.later.shift()();
            } else {
                return;
            }
        }
        throw new Error('the fake network never went quiet');
    }
}


function eventKey(core, value) {
    return Object.keys(PAGE_EVENTS).find((key) => core.PageEvent[key] === value);
}

const NO_MEDIA = { audio: false, video: false, screen: false, data: false, oneway: false, broadcast: false };

export function engineEvent(core, kind, fields) {
    return { kind: core.EventKind[kind], peer: '', id: '', name: '', text: '', body: '', media: NO_MEDIA, flag: false, state: core.PeerState.Connecting, index: -1, now: 0, ...fields };
}

export function engineConfig(core, settings) {
    return {
        authority: core.RoomAuthority.Owner,
        userid: '',
        channel: '',
        session: { audio: true, video: true, screen: false, data: false, oneway: false, broadcast: false },
        direction: core.Direction.ManyToMany,
        extra: '{}',
        maxParticipantsAllowed: 1000,
        autoCloseEntireSession: false,
        announceIntervalMs: 3000,
        presenceTimeoutMs: 3000,
        password: '',
        autoJoin: true,
        dontAttachStream: false,
        captureMediaOnDemand: false,
        offerToReceiveAudio: -1,
        offerToReceiveVideo: -1,
        candidateHost: true,
        candidateReflexive: true,
        candidateRelay: true,
        trickleIce: true,
        autoRedialOnFailure: true,
        iceRestartDelayMs: 2000,
        iceRestartTimeoutMs: 6000,
        maxIceRestarts: 4,
        sfu: false,
        sfuBitrate: 0,
        ...settings,
    };
}
