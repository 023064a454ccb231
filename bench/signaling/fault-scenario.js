// Load with faults (issue 14, "Proof"): N clients of the library (its socket.io channel,
// web/signaling/socketio-channel.js, over `ws`) relay to each other through two server
// nodes sharing a redis-server, while one node is killed with -9 and Redis is paused.
//
//   pairs      N/2 rooms of two: the owner reaches node A, the partner node B, each through
//              its own TCP balancer that falls over to the other node (as a deployment's
//              load balancer would), so every relay crosses Redis.
//   traffic    every client sends acknowledged relays (channel.request('relay')) to its
//              partner, `rate` per second in all, each with a unique id.
//   faults     after `warmupSeconds`: node B gets SIGKILL and Redis SIGSTOP at once; after
//              `pauseSeconds`, SIGCONT; the load goes on for `afterSeconds`.
//   verdict    no node crashed; every relay acknowledged ok was received, except those in
//              the killed node's hands when it died (sent to its clients within
//              IN_FLIGHT_WINDOW_MS before the kill: counted apart, as no server-side
//              acknowledgement can cover a process that dies while writing); every
//              client back in its room (the partners resumed on node A with their token,
//              relays flowing again) and how long after Redis came back.
// The bench (faults.js) runs it with 2,000 clients; the Jest suite with 200.

import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { SocketIoChannel } from '../../web/signaling/socketio-channel.js';
import { startBalancer } from '../../tests/js/server/support/tcp-proxy.js';
import { startOurNode, startRedis } from './processes.js';

// Relays sent this close before the kill to the killed node's clients may have been in its
// buffers (or in Redis' buffer towards it) when it died.
const IN_FLIGHT_WINDOW_MS = 100;

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

export async function runFaultScenario({
    clients = 2000,
    rate = 2000,
    warmupSeconds = 5,
    pauseSeconds = 10,
    afterSeconds = 15,
    drainSeconds = 5,
    log = () => {},
    // A folder to write the nodes' logs to (LOG_LEVEL=info), to see what happened.
    logDir = null,
} = {}) {
    if (clients % 2 || clients < 2) throw new Error('clients must be an even number >= 2');
    const processes = [];
    const balancers = [];
    const channels = [];
    try {
        const redis = await startRedis();
        processes.push(redis);
        const env = {
            REDIS_URL: redis.url,
            RATE_LIMIT: '1000000',
            RATE_LIMIT_BURST: '1000000',
            MAX_CONNECTIONS_PER_ADDRESS: '1000000',
            MAX_CONNECTIONS: '1000000',
        };
        if (logDir) env.LOG_LEVEL = 'info';
        const [nodeA, nodeB] = await Promise.all([startOurNode(env), startOurNode(env)]);
        processes.push(nodeA, nodeB);
        if (logDir) {
            fs.mkdirSync(logDir, { recursive: true });
            for (const [name, node] of [['node-a', nodeA], ['node-b', nodeB]]) {
                node.child.stdout.pipe(fs.createWriteStream(path.join(logDir, `${name}.log`)));
            }
        }
        const portOf = (node) => Number(new URL(node.match[1]).port);
        const toA = await startBalancer([portOf(nodeA), portOf(nodeB)]);
        const toB = await startBalancer([portOf(nodeB), portOf(nodeA)]);
        balancers.push(toA, toB);

        // ---- clients ------------------------------------------------------------------------
        const stats = {
            sent: 0,
            acked: 0,
            refused: new Map(), // error code -> count
            received: 0,
            duplicates: 0,
        };
        const pending = new Map(); // id -> {to, ackedAt, inFlightToKilled}
        const deliveredIds = new Set();
        let phase = 'warmup';
        let killedAt = null;
        let resumedRedisAt = null;

        function makeClient(userid, url, role) {
            const client = { userid, role, welcomes: [], backAt: null, firstRelayAfterFault: null };
            client.channel = new SocketIoChannel(
                { url, userid, extra: null, options: { WebSocket } },
                {
                    onConnect: () => {},
                    onError: () => {},
                    onRelay: (from, data) => {
                        const id = Number(data);
                        if (deliveredIds.has(id)) stats.duplicates += 1;
                        else {
                            deliveredIds.add(id);
                            stats.received += 1;
                        }
                        if (phase !== 'warmup' && client.firstRelayAfterFault === null && resumedRedisAt !== null) {
                            client.firstRelayAfterFault = performance.now();
                        }
                    },
                    onServerEvent: (name, payload) => {
                        if (name !== 'welcome') return;
                        client.welcomes.push({ at: performance.now(), ...payload });
                        if (killedAt !== null && payload.resumed && client.backAt === null) client.backAt = performance.now();
                    },
                },
            );
            channels.push(client.channel);
            return client;
        }

        const pairs = [];
        const batch = 100;
        for (let first = 0; first < clients / 2; first += batch) {
            const made = await Promise.all(
                Array.from({ length: Math.min(batch, clients / 2 - first) }, async (_, k) => {
                    const i = first + k;
                    const roomid = `fault-${i}`;
                    const owner = makeClient(`fo-${i}`, toA.url, 'owner');
                    const partner = makeClient(`fp-${i}`, toB.url, 'partner');
                    owner.channel.roomid = partner.channel.roomid = roomid;
                    const opened = await owner.channel.request('open-room', { roomid });
                    if (!opened.ok) throw new Error(`open ${roomid}: ${JSON.stringify(opened)}`);
                    const joined = await partner.channel.request('join-room', { roomid });
                    if (!joined.ok) throw new Error(`join ${roomid}: ${JSON.stringify(joined)}`);
                    owner.peer = partner;
                    partner.peer = owner;
                    return { roomid, owner, partner };
                }),
            );
            pairs.push(...made);
        }
        const everyone = pairs.flatMap((pair) => [pair.owner, pair.partner]);
        log(`${clients} library clients in ${pairs.length} rooms across two nodes`);

        // ---- traffic ------------------------------------------------------------------------
        let nextId = 0;
        let cursor = 0;
        const startedAt = performance.now();
        let stopSending = false;
        const sendOne = (client) => {
            const id = nextId++;
            stats.sent += 1;
            const sentAt = performance.now();
            const toKilledNode = client.peer.role === 'partner';
            client.channel.request('relay', { roomid: client.channel.roomid, to: client.peer.userid, data: String(id) }).then((reply) => {
                if (reply && reply.ok) {
                    stats.acked += 1;
                    // Whether it was in flight to the killed node is decided at the verdict: an
                    // acknowledgement that arrives just before the kill has no killedAt yet.
                    pending.set(id, { toKilledNode, sentAt, ackedAt: performance.now(), to: client.peer.role });
                } else {
                    const code = reply?.error?.code ?? 'NO_ANSWER';
                    stats.refused.set(code, (stats.refused.get(code) ?? 0) + 1);
                }
            });
        };
        const pump = setInterval(() => {
            if (stopSending) return;
            const due = Math.floor((rate * (performance.now() - startedAt)) / 1000) - stats.sent;
            for (let k = 0; k < Math.min(due, rate); k++) {
                sendOne(everyone[cursor]);
                cursor = (cursor + 1) % everyone.length;
            }
        }, 5);

        await sleep(warmupSeconds * 1000);
        // ---- faults -------------------------------------------------------------------------
        phase = 'faults';
        killedAt = performance.now();
        nodeB.child.kill('SIGKILL');
        redis.child.kill('SIGSTOP');
        log(`killed node B (-9) and paused Redis for ${pauseSeconds} s`);
        await sleep(pauseSeconds * 1000);
        redis.child.kill('SIGCONT');
        resumedRedisAt = performance.now();
        log('Redis resumed');
        await sleep(afterSeconds * 1000);
        stopSending = true;
        clearInterval(pump);
        await sleep(drainSeconds * 1000);

        // ---- verdict ------------------------------------------------------------------------
        const nodeAAlive = nodeA.child.exitCode === null && nodeA.child.signalCode === null;
        let lost = 0;
        let lostInFlightToKilled = 0;
        const lostSamples = [];
        // Sent just before the kill to a client of the node being killed: it may have been in
        // that node's buffers when it died, whether acknowledged just before or just after.
        const inFlightToKilled = (entry) =>
            entry.toKilledNode && entry.sentAt <= killedAt && entry.sentAt >= killedAt - IN_FLIGHT_WINDOW_MS;
        for (const [id, entry] of pending) {
            if (deliveredIds.has(id)) continue;
            if (inFlightToKilled(entry)) {
                lostInFlightToKilled += 1;
                continue;
            }
            lost += 1;
            if (lostSamples.length < 5) {
                lostSamples.push({
                    to: entry.to,
                    sentMsAfterKill: Math.round(entry.sentAt - killedAt),
                    ackedMsAfterKill: Math.round(entry.ackedAt - killedAt),
                    ackedMsAfterRedis: Math.round(entry.ackedAt - resumedRedisAt),
                });
            }
        }
        const partners = pairs.map((pair) => pair.partner);
        const resumed = partners.filter((client) => client.backAt !== null);
        const sessionLost = partners.filter((client) => client.welcomes.some((w) => w.at > killedAt && !w.resumed));
        const relaysBack = everyone.filter((client) => client.firstRelayAfterFault !== null);
        const backAfterRedis = resumed.map((client) => (client.backAt - resumedRedisAt) / 1000).sort((a, b) => a - b);
        const relayingAfterRedis = relaysBack.map((client) => (client.firstRelayAfterFault - resumedRedisAt) / 1000).sort((a, b) => a - b);
        return {
            clients,
            nodeAAlive,
            sent: stats.sent,
            acked: stats.acked,
            refused: Object.fromEntries(stats.refused),
            received: stats.received,
            duplicates: stats.duplicates,
            ackedLost: lost,
            ackedLostInFlightToKilledNode: lostInFlightToKilled,
            lostSamples,
            partnersResumed: resumed.length,
            partnersSessionLost: sessionLost.length,
            partners: partners.length,
            clientsRelayingAgain: relaysBack.length,
            backAfterRedisSeconds: { p50: percentile(backAfterRedis, 50), p99: percentile(backAfterRedis, 99), max: backAfterRedis.at(-1) ?? NaN },
            relayingAfterRedisSeconds: {
                p50: percentile(relayingAfterRedis, 50),
                p99: percentile(relayingAfterRedis, 99),
                max: relayingAfterRedis.at(-1) ?? NaN,
            },
            resumedBeforeRedisCameBack: resumed.filter((client) => client.backAt < resumedRedisAt).length,
            sessionsLostSample: sessionLost.slice(0, 5).map((client) => client.userid),
        };
    } finally {
        for (const channel of channels) channel.close();
        for (const balancer of balancers) await balancer.close();
        for (const process of processes) {
            process.child.kill('SIGCONT');
            await process.stop();
        }
    }
}
