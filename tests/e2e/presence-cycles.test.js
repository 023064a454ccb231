// Issue 13, defect 9: checkPresence() callbacks belong to the session that asked. Before the
// fix they were kept across leave()/open() cycles, so a question left unanswered by an ended
// session was answered later, with the next session's answer, and callbacks piled up.
import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';

const e2e = setupE2E({ needsBundle: true });

test('a presence question asked before leave() is not answered by a later session', async () => {
    const user = await e2e.openUser('user', 'seed/surface');
    const calls = await user.page.evaluate(async () => {
        const room = `presence-${Math.random().toString(36).slice(2)}`;
        const calls = [];
        const connection = new RTCMultiConnection();
        connection.iceServers = [];
        connection.session = 'only data';
        for (let cycle = 0; cycle < 3; cycle++) {
            // Asked, then the session ends before the server can answer.
            connection.checkPresence(room, (exists) => calls.push(`stale ${cycle}: ${exists}`));
            connection.leave();
        }
        await new Promise((resolve) => {
            connection.checkPresence(room, (exists) => {
                calls.push(`current: ${exists}`);
                resolve();
            });
        });
        await new Promise((resolve) => setTimeout(resolve, 500));
        connection.leave();
        return calls;
    });
    expect(calls).toEqual(['current: false']);
    expect(user.errors).toEqual([]);
});
