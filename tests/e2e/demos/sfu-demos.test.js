// The conference and broadcast demos through the server's SFU (issue 16): with a server that
// has Janus, the "Through the SFU" checkbox is usable; the opener ticks it and the room's
// media goes through Janus, with the demos' pages otherwise unchanged.

import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startJanus } from '../../support/janus.js';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

let janus;
beforeAll(async () => {
    janus = await startJanus({ iceEnforceList: 'iso0' });
});
afterAll(async () => {
    await janus?.stop();
});

const demos = setupDemos({ serverOptions: () => ({ janusUrl: janus.url }) });

async function tickSfu(person) {
    await demos.waitFor(person, () => !document.getElementById('sfu').disabled, 'the SFU checkbox to be offered (/healthz sfu: true)');
    await person.page.locator('#sfu').check();
}

test('video conferencing through the SFU: three people see each other, the room is an SFU room', async () => {
    const room = uniqueRoom('sfu-video');
    const names = ['Alice', 'Bob', 'Carol'];
    const people = [];
    for (const [index, name] of names.entries()) {
        const person = await demos.open(name, 'video-conferencing.html');
        if (index === 0) await tickSfu(person);
        await demos.enterRoom(person, { room, name, button: index === 0 ? 'Open room' : 'Join room' });
        people.push(person);
    }
    expect((await demos.server.rooms.getRoom(room)).sfu).toBe(true);
    for (const [index, person] of people.entries()) {
        await demos.waitForPlayingVideos(person, '#videos .tile.remote video', 2);
        const captions = await person.page.locator('#videos .tile.remote figcaption').allTextContents();
        expect(captions.sort()).toEqual(names.filter((_, other) => other !== index).sort());
        expect(await demos.errorsShown(person)).toBe('');
    }
    await demos.screenshot(people[0], 'sfu', 'conference-through-janus');

    // Bob leaves: the two others see his video go.
    await people[1].page.getByRole('button', { name: 'Leave' }).click();
    for (const person of [people[0], people[2]]) {
        await demos.waitFor(person, () => document.querySelectorAll('#videos .tile.remote').length === 1, 'the one who left to disappear');
    }
});

test('video broadcasting through the SFU: two viewers watch, the broadcaster lists them', async () => {
    const room = uniqueRoom('sfu-broadcast');
    const broadcaster = await demos.open('broadcaster', 'video-broadcasting.html');
    await tickSfu(broadcaster);
    await demos.enterRoom(broadcaster, { room, name: 'Studio', button: 'Start broadcasting' });
    await demos.waitForPlayingVideos(broadcaster, '#stage .tile.local video', 1, 'the live preview');
    const viewers = [];
    for (const name of ['Vic', 'Val']) {
        const viewer = await demos.open(name, 'video-broadcasting.html');
        await demos.enterRoom(viewer, { room, name, button: 'Watch' });
        viewers.push(viewer);
    }
    expect((await demos.server.rooms.getRoom(room)).sfu).toBe(true);
    for (const viewer of viewers) {
        await demos.waitForPlayingVideos(viewer, '#stage .tile.remote video', 1, 'the broadcast');
        expect(await viewer.page.locator('#stage figcaption').textContent()).toBe('Studio');
        expect(await demos.captures(viewer)).toEqual({ getUserMedia: 0, getDisplayMedia: 0 });
        expect(await demos.errorsShown(viewer)).toBe('');
    }
    await demos.waitFor(broadcaster, () => document.querySelectorAll('#viewers li').length === 2, 'two viewers listed');
});
