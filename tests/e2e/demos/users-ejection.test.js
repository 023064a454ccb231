// demos/users-ejection.html: three people in a room. Everyone sees the member list with who is
// online; only the owner sees Eject buttons. The owner ejects Bob: Bob's page says he was
// ejected and shows nobody any more; the others see Bob marked ejected and keep their call.

import { expect, test } from '@jest/globals';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

const demos = setupDemos();

async function memberRows(person) {
    return person.page.locator('#members li').evaluateAll((items) =>
        items.map((item) => ({
            name: item.querySelector('.who').textContent,
            status: item.dataset.status || 'self',
            eject: !!item.querySelector('button'),
        })),
    );
}

test('the owner ejects a member: he is told, the others see him ejected', async () => {
    const room = uniqueRoom('eject');
    const owner = await demos.open('owner', 'users-ejection.html');
    await demos.enterRoom(owner, { room, name: 'Olivia', button: 'Open room' });
    const bob = await demos.open('bob', 'users-ejection.html');
    await demos.enterRoom(bob, { room, name: 'Bob', button: 'Join room' });
    const carol = await demos.open('carol', 'users-ejection.html');
    await demos.enterRoom(carol, { room, name: 'Carol', button: 'Join room' });

    const everyone = [owner, bob, carol];
    for (const person of everyone) {
        await demos.waitFor(person, () => document.querySelectorAll('#members li[data-status="online"]').length === 2, 'two other members online');
        await demos.waitForPlayingVideos(person, '#videos .tile.remote video', 2);
    }
    expect(await memberRows(owner)).toEqual([
        { name: 'Olivia (you)', status: 'self', eject: false },
        { name: 'Bob', status: 'online', eject: true },
        { name: 'Carol', status: 'online', eject: true },
    ]);
    expect(await owner.page.locator('#members .badge').textContent()).toBe('owner');
    // The others see everyone, the owner marked as such, and no Eject button.
    for (const [person, self, other] of [
        [bob, 'Bob', 'Carol'],
        [carol, 'Carol', 'Bob'],
    ]) {
        const rows = await memberRows(person);
        expect(rows[0]).toEqual({ name: `${self} (you)`, status: 'self', eject: false });
        expect(rows.slice(1).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
            [
                { name: 'Olivia', status: 'online', eject: false },
                { name: other, status: 'online', eject: false },
            ].sort((a, b) => a.name.localeCompare(b.name)),
        );
        await demos.waitFor(person, () => document.querySelector('#members li[data-status="online"] .badge')?.closest('li').querySelector('.who').textContent === 'Olivia', 'Olivia marked as the owner');
    }
    await demos.screenshot(owner, 'users-ejection', 'owner-before-eject');

    await owner.page.getByRole('button', { name: 'Eject Bob' }).click();

    // Bob is told, and his page empties.
    await demos.waitFor(bob, () => !document.getElementById('ejected').hidden, 'the ejected notice');
    expect(await bob.page.locator('#ejected').innerText()).toContain('You were removed from the room');
    await demos.waitFor(bob, () => document.querySelectorAll('#videos .tile').length === 0, 'every video gone');
    await demos.screenshot(bob, 'users-ejection', 'bob-ejected');

    // The owner and Carol see Bob ejected, and still see each other.
    for (const [person, other] of [
        [owner, 'Carol'],
        [carol, 'Olivia'],
    ]) {
        await demos.waitFor(person, () => document.querySelector('#members li[data-status="ejected"]')?.querySelector('.who').textContent === 'Bob', 'Bob marked ejected');
        await demos.waitFor(person, () => document.querySelectorAll('#videos .tile.remote').length === 1, "Bob's video gone");
        await demos.waitForPlayingVideos(person, '#videos .tile.remote video', 1, `${other}'s video still playing`);
        expect(await person.page.locator('#videos .tile.remote figcaption').textContent()).toBe(other);
    }
    expect((await memberRows(owner)).find((row) => row.name === 'Bob').eject).toBe(false);
    await demos.screenshot(owner, 'users-ejection', 'owner-after-eject');
    expect((await demos.server.rooms.getRoom(room)).members).toHaveLength(2);
});
