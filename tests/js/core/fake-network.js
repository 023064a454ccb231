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
        for (const action of actions) {
            switch (action.kind) {
                case 'send-signal':
                    this.queue.push({ from: userid, to: action.peer, text: action.payload });
                    break;
                case 'capture-media':
                    this.later.push(() => this.apply(userid, node.engine.localMediaReady(this.now)));
                    break;
                case 'create-peer': {
                    node.links.add(action.peer);
                    if (JSON.parse(action.payload).offerer) {
                        this.later.push(() =>
                            this.apply(
                                userid,
                                node.engine.localDescription(action.peer, 'offer', 'v=0', '[]'),
                            ),
                        );
                    }
                    break;
                }
                case 'set-remote-description': {
                    const { type } = JSON.parse(action.payload);
                    this.later.push(() =>
                        type === 'offer'
                            ? this.apply(
                                  userid,
                                  node.engine.localDescription(action.peer, 'answer', 'v=0', '[]'),
                              )
                            : this.connectPair(userid, action.peer),
                    );
                    break;
                }
                case 'close-peer': {
                    node.links.delete(action.peer);
                    node.connected.delete(action.peer);
                    this.later.push(() => {
                        const far = this.nodes.get(action.peer);
                        if (far?.links.delete(userid)) {
                            far.connected.delete(userid);
                            this.apply(
                                action.peer,
                                far.engine.peerStateChanged(
                                    userid,
                                    this.core.PeerState.Closed,
                                    this.now,
                                ),
                            );
                        }
                    });
                    break;
                }
                case 'fire-event':
                    node.events.push({ name: action.name, payload: JSON.parse(action.payload) });
                    break;
                default:
                    break;
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
            this.apply(
                self,
                node.engine.peerStateChanged(peer, this.core.PeerState.Connected, this.now),
            );
            this.apply(self, node.engine.dataChannelOpened(peer));
        }
    }

    settle() {
        for (let guard = 0; guard < 100000; guard++) {
            if (this.queue.length) {
                const { from, to, text } = this.queue.shift();
                for (const [userid, node] of [...this.nodes]) {
                    if (!to || to === userid || userid === from) {
                        this.apply(userid, node.engine.receiveSignal(text, '', this.now));
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
        ...settings,
    };
}
