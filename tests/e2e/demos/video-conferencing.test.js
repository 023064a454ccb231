// demos/video-conferencing.html: three people, one opens the room, two join it by typing its
// name; each sees the two others' videos play, captioned with the names they typed.

import { expect, test } from '@jest/globals';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

const demos = setupDemos();

test('three people in one room each see the two others playing, with their names', async () => {
    const room = uniqueRoom('video');
    const names = ['Alice', 'Bob <b>&', 'Carol'];
    const people = [];
    for (const [index, name] of names.entries()) {
        const person = await demos.open(name.split(' ')[0], 'video-conferencing.html');
        await demos.enterRoom(person, { room, name, button: index === 0 ? 'Open room' : 'Join room' });
        people.push(person);
    }

    for (const person of people) {
        await demos.waitForPlayingVideos(person, '#videos .tile.remote video', 2);
        await demos.waitForPlayingVideos(person, '#videos .tile.local video', 1, 'its own camera');
    }
    for (const [index, person] of people.entries()) {
        const captions = await person.page.locator('#videos .tile.remote figcaption').allTextContents();
        expect(captions.sort()).toEqual(names.filter((_, other) => other !== index).sort());
        // The name with markup characters is shown as typed, not parsed.
        expect(await person.page.locator('#videos b').count()).toBe(0);
        await expect(person.page.locator('#status').textContent()).resolves.toContain('2 other people');
        expect(await demos.errorsShown(person)).toBe('');
    }
    // The stats panel: a row per other person, on the direct path between the pages, with a
    // measured round trip and video coming in.
    await demos.waitFor(
        people[0],
        () => {
            const rows = [...document.querySelectorAll('#stats tbody tr')].map((row) => [...row.cells].map((cell) => cell.textContent));
            return rows.length === 2 && rows.every((cells) => cells[1] === 'host → host' && /^\d+ ms$/.test(cells[2]) && /^[1-9]\d* kbit\/s$/.test(cells[6]));
        },
        'the stats panel to show both links with round trips and incoming video',
    );
    const statsRows = await people[0].page.locator('#stats tbody tr').evaluateAll((rows) => rows.map((row) => row.cells[0].textContent).sort());
    expect(statsRows).toEqual(['Bob <b>&', 'Carol']);
    await demos.screenshot(people[0], 'video-conferencing', 'alice-sees-bob-and-carol');

    // Bob leaves: the two others see his video go.
    await people[1].page.getByRole('button', { name: 'Leave' }).click();
    for (const person of [people[0], people[2]]) {
        await demos.waitFor(person, () => document.querySelectorAll('#videos .tile.remote').length === 1, 'the one who left to disappear');
    }
});

test('two windows of one browser meet through the invitation link; opening a taken room is refused', async () => {
    const room = uniqueRoom('windows');
    const first = await demos.open('window-1', 'video-conferencing.html');
    await demos.enterRoom(first, { room, name: 'Dana', button: 'Open room' });
    await demos.waitFor(first, () => document.getElementById('status').textContent.includes('is open'), 'the room to be open');
    const link = await first.page.locator('#share-link').getAttribute('href');
    expect(new URL(link).hash).toBe(`#${encodeURIComponent(room)}`);

    // The second window of the same browser follows the link: the room is filled in.
    const second = await demos.open('window-2', 'video-conferencing.html', { windowOf: first });
    await second.page.goto(link);
    expect(await second.page.locator('#room').inputValue()).toBe(room);
    // Opening it again is refused, with the reason on the page.
    await demos.enterRoom(second, { name: 'Dana again', button: 'Open room' });
    await demos.waitFor(second, () => document.getElementById('errors').innerText.includes('ROOM_EXISTS'), 'the refusal to open a room that exists');
    await demos.waitFor(second, () => !document.getElementById('join').hidden, 'the form to come back');
    // Joining it works.
    await second.page.getByRole('button', { name: 'Join room' }).click();
    await demos.waitForPlayingVideos(second, '#videos .tile.remote video', 1, "the first window's video");
    await demos.waitForPlayingVideos(first, '#videos .tile.remote video', 1, "the second window's video");
    expect(await first.page.locator('#videos .tile.remote figcaption').textContent()).toBe('Dana again');
});

test('a refused camera is explained on the page, and the form comes back', async () => {
    // The person's browser refuses the camera, as when they click "Block".
    const refuseCamera = () => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    };
    const person = await demos.open('no-camera', 'video-conferencing.html', { initScript: refuseCamera });
    await demos.enterRoom(person, { room: uniqueRoom('blocked'), name: 'Eve', button: 'Open room' });
    await demos.waitFor(person, () => /Could not use your camera or microphone/.test(document.getElementById('errors').innerText), 'the camera error');
    expect(await demos.errorsShown(person)).toContain('Permission denied');
    await demos.waitFor(person, () => !document.getElementById('open').hidden && !document.getElementById('room').disabled, 'the form to come back');
    // Told once, not once per handler that heard of it (the page's own deferred checks first).
    expect(await person.page.evaluate(() => new Promise((resolve) => setTimeout(() => resolve(document.querySelectorAll('#errors .error').length), 0)))).toBe(1);
    await demos.screenshot(person, 'video-conferencing', 'camera-refused');
});
