// The SFU browser tests' common set-up: one Debian janus per test file (tests/support/janus.js)
// with ICE on the namespace's bridge (iso0), and the e2e fixture's server pointed at it.
//   const { e2e, janus } = setupSfuE2E({ janusRetryMaxMs: 500 });  // janus(): {url, kill, ...}

import { afterAll, beforeAll } from '@jest/globals';
import { startJanus } from '../../support/janus.js';
import { setupE2E } from './e2e.js';

export function setupSfuE2E(serverOptions = {}) {
    let janus = null;
    beforeAll(async () => {
        janus = await startJanus({ iceEnforceList: 'iso0' });
    });
    afterAll(async () => {
        await janus?.stop();
    });
    const e2e = setupE2E({ needsBundle: true, serverOptions: () => ({ janusUrl: janus.url, ...serverOptions }) });
    return { e2e, janus: () => janus };
}
