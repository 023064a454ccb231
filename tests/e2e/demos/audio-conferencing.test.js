// demos/audio-conferencing.html: two people talk; each page shows the other as a tile with a
// playing <audio> element and no video; muting shows on the other side.

import { expect, test } from '@jest/globals';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

const demos = setupDemos();

test('two people hear each other: a playing audio element per remote person, no video', async () => {
    const room = uniqueRoom('audio');
    const alice = await demos.open('alice', 'audio-conferencing.html');
    await demos.enterRoom(alice, { room, name: 'Alice', button: 'Open room' });
    const bob = await demos.open('bob', 'audio-conferencing.html');
    await demos.enterRoom(bob, { room, name: 'Bob', button: 'Join room' });

    for (const [person, other] of [
        [alice, 'Bob'],
        [bob, 'Alice'],
    ]) {
        await demos.waitFor(
            person,
            () => {
                const audio = document.querySelector('#people .tile.remote audio');
                if (!audio || audio.paused || !audio.srcObject) return false;
                window.__audioStart = window.__audioStart ?? audio.currentTime;
                const live = audio.srcObject.getAudioTracks().filter((track) => track.readyState === 'live').length;
                return live === 1 && audio.currentTime - window.__audioStart >= 0.5;
            },
            'the remote audio element to play',
        );
        expect(await person.page.locator('#people .tile.remote figcaption').allTextContents()).toEqual([other]);
        expect(await person.page.locator('#people video').count()).toBe(0);
        expect(await person.page.locator('#people .tile.remote audio').count()).toBe(1);
        expect(await demos.errorsShown(person)).toBe('');
    }
    await demos.screenshot(bob, 'audio-conferencing', 'bob-hears-alice');

    // Alice mutes herself: Bob's page marks her as muted.
    await alice.page.getByRole('button', { name: 'Mute' }).click();
    await demos.waitFor(bob, () => document.querySelector('#people .tile.remote figcaption')?.dataset.muted === 'true', "Alice's tile to show muted");
});
