#!/usr/bin/env node
// Load with faults (issue 14): N library clients relaying through two nodes while node B is
// killed with -9 and Redis is paused. Not a test (the Jest suite runs a small version,
// tests/js/server/load-faults.test.js); run by hand, read the verdict.
//
//   node bench/signaling/faults.js [--clients 2000] [--rate 2000] [--warmup 5] [--pause 10]
//                                  [--after 15] [--drain 5] [--logs <folder for the nodes' logs>]

import os from 'node:os';
import { runFaultScenario } from './fault-scenario.js';

const options = { clients: 2000, rate: 2000, warmup: 5, pause: 10, after: 15, drain: 5, logs: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in options) || argv[i + 1] === undefined) {
        console.error(`unknown or incomplete option ${argv[i]}; options: ${Object.keys(options).join(', ')}`);
        process.exit(2);
    }
    options[key] = key === 'logs' ? argv[i + 1] : Number(argv[i + 1]);
}

const HARD_DEADLINE_MS = 10 * 60 * 1000;
setTimeout(() => {
    console.error('the fault run exceeded 10 minutes; aborting');
    process.exit(3);
}, HARD_DEADLINE_MS).unref();

console.log(
    `load with faults: ${options.clients} clients, ${options.rate} relays/s, node ${process.version}, ` +
        `${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load average ${os.loadavg()[0].toFixed(2)}`,
);
const result = await runFaultScenario({
    clients: options.clients,
    rate: options.rate,
    warmupSeconds: options.warmup,
    pauseSeconds: options.pause,
    afterSeconds: options.after,
    drainSeconds: options.drain,
    logDir: options.logs,
    log: (line) => console.log(`  ${line}`),
});
const fmt = (value) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
console.log(`
node A survived:                  ${result.nodeAAlive ? 'yes' : 'NO'}
relays sent / acked ok:           ${result.sent} / ${result.acked}
refused (not acknowledged):       ${JSON.stringify(result.refused)}
received (distinct) / duplicates: ${result.received} / ${result.duplicates}
acknowledged and lost:            ${result.ackedLost}
  + sent to node B's clients within 100 ms before it was killed: ${result.ackedLostInFlightToKilledNode}
  (samples: ${JSON.stringify(result.lostSamples)})
node B's clients resumed on A:    ${result.partnersResumed} / ${result.partners} (${result.resumedBeforeRedisCameBack} before Redis came back; sessions lost: ${result.partnersSessionLost} ${JSON.stringify(result.sessionsLostSample)})
clients relaying again:           ${result.clientsRelayingAgain} / ${result.clients}
back in room after Redis resumed: p50 ${fmt(result.backAfterRedisSeconds.p50)} s, p99 ${fmt(result.backAfterRedisSeconds.p99)} s, max ${fmt(result.backAfterRedisSeconds.max)} s
first relay received after Redis: p50 ${fmt(result.relayingAfterRedisSeconds.p50)} s, p99 ${fmt(result.relayingAfterRedisSeconds.p99)} s, max ${fmt(result.relayingAfterRedisSeconds.max)} s`);
process.exit(0);
