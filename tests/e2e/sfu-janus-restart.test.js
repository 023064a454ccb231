// Issue 16: Janus going away in the middle of an SFU call (docs/sfu.md: wait and rejoin). The
// pages are told with onerror SFU_UNAVAILABLE and the remote videos end; the room and its
// members stay; when the same Janus comes back the pages join it again and the videos play.

import { expect, test } from '@jest/globals';
import { openRoom, useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';
import { setupSfuE2E } from './support/sfu.js';

// Short retries so that the server finds the restarted Janus quickly.
const { e2e, janus } = setupSfuE2E({ janusRetryMaxMs: 500 });

test('janus killed mid-call: the pages are told and the videos end; once it is back, they play again', async () => {
    const room = e2e.uniqueId('sfu-crash');
    const users = await openRoom(e2e, 'conference', room, ['alice', 'bob', 'carol'], { sfu: '1', small: '1' });
    const ids = await Promise.all(users.map((user) => useridOf(e2e, user)));
    for (const user of users) await waitForPlayingRemotes(e2e, user, 2, 60000);

    await janus().kill();
    for (const user of users) {
        const told = await e2e.waitFor(
            user,
            () => window.events('onerror').find((event) => event.code === 'SFU_UNAVAILABLE'),
            30000,
            'onerror SFU_UNAVAILABLE',
        );
        expect(told.message).toMatch(/SFU|Janus/);
        await waitForPlayingRemotes(e2e, user, 0, 30000);
    }
    // Nobody left the room: its members are the same three.
    expect((await e2e.server.rooms.getRoom(room)).members.map((member) => member.userid).sort()).toEqual([...ids].sort());
    for (const user of users) expect(await user.page.evaluate(() => window.events('onleave'))).toEqual([]);

    await janus().restart();
    for (const user of users) await waitForPlayingRemotes(e2e, user, 2, 60000);
    await waitForFreshFrames(e2e, users[0], ids[2]);
    await waitForFreshFrames(e2e, users[2], ids[1]);
});
