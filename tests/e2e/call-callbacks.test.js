// open('id', callback) and join('id', callback) as docs/api.md (Sessions) says: the callback
// hears once whether the call worked, also when it did not and why; and a page handler that
// throws does not stop the library (the exception is reported like any listener's).
import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';

const e2e = setupE2E({ needsBundle: true });

const calls = (user) => user.page.evaluate(() => window.calls);

test('open and join callbacks: true with the room id; a wrong password and a second opener are told false with the reason, and a retry works', async () => {
    const room = e2e.uniqueId('callbacks');
    const owner = await e2e.openUser('owner', 'callbacks', { room, password: 'right one' });
    await owner.page.evaluate(() => openRoom());
    await e2e.waitFor(owner, () => window.calls.length === 1, 30000, 'the open callback');
    expect(await calls(owner)).toEqual([{ call: 'open', args: [true, room, null, null] }]);

    const guest = await e2e.openUser('guest', 'callbacks', { room });
    await guest.page.evaluate(() => joinRoom('wrong one'));
    await e2e.waitFor(guest, () => window.calls.length === 1, 30000, 'the join callback');
    expect(await calls(guest)).toEqual([{ call: 'join', args: [false, room, 'Invalid password', 'WRONG_PASSWORD'] }]);
    // The page may ask again, as v3's password demo does from its callback.
    await guest.page.evaluate(() => joinRoom('right one'));
    await e2e.waitFor(guest, () => window.calls.length === 2, 30000, 'the second join callback');
    expect((await calls(guest))[1]).toEqual({ call: 'join', args: [true, room, null, null] });
    await e2e.waitFor(guest, () => window.events('onopen').length === 1, 30000, 'the data channel to the owner');

    const second = await e2e.openUser('second', 'callbacks', { room });
    await second.page.evaluate(() => openRoom());
    await e2e.waitFor(second, () => window.calls.length === 1, 30000, 'the refused open callback');
    expect(await calls(second)).toEqual([{ call: 'open', args: [false, room, 'Room not available', 'ROOM_EXISTS'] }]);
    // Each callback is told once.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await calls(owner)).length).toBe(1);
    expect((await calls(guest)).length).toBe(2);
    expect((await calls(second)).length).toBe(1);
});

test("a page's onstream that throws for its local stream: the room opens all the same, and the exception is reported as uncaught", async () => {
    const room = e2e.uniqueId('throwing');
    const owner = await e2e.openUser('owner', 'callbacks', { room, media: 'av', throwOnLocal: '1' });
    await owner.page.evaluate(() => openRoom());
    await e2e.waitFor(owner, () => window.calls.length === 1, 30000, 'the open callback');
    expect(await calls(owner)).toEqual([{ call: 'open', args: [true, room, null, null] }]);

    const guest = await e2e.openUser('guest', 'callbacks', { room, media: 'av' });
    await guest.page.evaluate(() => joinRoom());
    await e2e.waitFor(guest, () => window.playingVideosIn('#videos') === 2, 30000, "the guest's camera and the owner's");
    await e2e.waitFor(owner, () => window.playingVideosIn('#videos') === 2, 30000, "the owner's camera and the guest's");
    expect((await e2e.events(owner, 'onerror')).map((event) => event.code)).toEqual([]);
    // Thrown where the page can see it (window.onerror, the console), as a listener's would be.
    expect(owner.errors).toHaveLength(1);
    expect(owner.errors[0]).toMatch(/page handler failed on purpose/);
    owner.errors.length = 0; // expected: the fixture fails a test on any other uncaught error
});
