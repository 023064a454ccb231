// demos/manual-sessions.html: rooms appear live in everyone's list with their owner's extra
// data (name, topic), and disappear when closed. Joe joins Ann's room without a camera (he
// only watches); Ben joins it with his camera.

import { expect, test } from '@jest/globals';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

const demos = setupDemos();

function listedRooms(person) {
    return person.page.locator('#rooms li').evaluateAll((items) =>
        items.map((item) => ({
            room: item.querySelector('.room-name').textContent,
            owner: item.querySelector('.owner').textContent,
            topic: item.querySelector('.topic') ? item.querySelector('.topic').textContent : null,
        })),
    );
}

test('the live list shows rooms with their extra; join without and with camera', async () => {
    const annRoom = uniqueRoom("Ann's room <3");
    const benRoom = uniqueRoom('Ben room');
    const joe = await demos.open('joe', 'manual-sessions.html');
    await demos.waitFor(joe, () => document.querySelectorAll('#rooms li').length === 0 && document.getElementById('name').value !== '', 'the page to be ready');

    const ann = await demos.open('ann', 'manual-sessions.html');
    await ann.page.locator('#topic').fill('Weekly sync & <b>news</b>');
    await demos.enterRoom(ann, { room: annRoom, name: 'Ann', button: 'Open room' });
    await demos.waitForPlayingVideos(ann, '#videos .tile.local video', 1, 'her camera');

    // Ann's room shows up in Joe's list, with the extra she typed, as text.
    await demos.waitFor(joe, (room) => [...document.querySelectorAll('#rooms .room-name')].some((name) => name.textContent === room), "Ann's room in the list", annRoom);
    expect(await listedRooms(joe)).toEqual([{ room: annRoom, owner: 'by Ann · audio + video', topic: 'Weekly sync & <b>news</b>' }]);
    expect(await joe.page.locator('#rooms b').count()).toBe(0);

    const ben = await demos.open('ben', 'manual-sessions.html');
    await demos.enterRoom(ben, { room: benRoom, name: 'Ben', button: 'Open room' });
    await demos.waitFor(joe, () => document.querySelectorAll('#rooms li').length === 2, "Ben's room in the list too");
    expect((await listedRooms(joe)).map((entry) => entry.room).sort()).toEqual([annRoom, benRoom].sort());
    await demos.screenshot(joe, 'manual-sessions', 'joe-sees-two-rooms');

    // Joe joins Ann's room without camera: he sees and hears Ann and captures nothing.
    await demos.enterRoom(joe, { name: 'Joe', button: `Join ${annRoom} without camera` });
    await demos.waitForPlayingVideos(joe, '#videos .tile.remote video', 1, "Ann's video");
    expect(await joe.page.locator('#videos .tile.remote figcaption').textContent()).toBe('Ann');
    expect(await joe.page.locator('#videos .tile.local').count()).toBe(0);
    expect(await demos.captures(joe)).toEqual({ getUserMedia: 0, getDisplayMedia: 0 });
    await demos.waitFor(ann, () => [...document.querySelectorAll('#people .who')].some((who) => who.textContent === 'Joe'), 'Joe among her room members');
    expect(await ann.page.locator('#people li[data-userid] .meta').textContent()).toBe('watching only');
    expect(await ann.page.locator('#videos .tile.remote').count()).toBe(0);

    // Ben closes his room: it leaves Joe's list.
    await ben.page.getByRole('button', { name: 'Leave' }).click();
    await demos.waitFor(joe, () => document.querySelectorAll('#rooms li').length === 1, "Ben's room to leave the list");
    expect((await listedRooms(joe)).map((entry) => entry.room)).toEqual([annRoom]);

    // Ben, back in the lobby, joins Ann's room with his camera.
    await demos.waitFor(ben, (room) => !!document.querySelector(`#rooms li[data-sessionid="${CSS.escape(room)}"] button`), "Ann's room joinable in Ben's list", annRoom);
    await ben.page.getByRole('button', { name: `Join ${annRoom} with camera` }).click();
    await demos.waitForPlayingVideos(ann, '#videos .tile.remote video', 1, "Ben's video");
    await demos.waitForPlayingVideos(ben, '#videos .tile.remote video', 1, "Ann's video");
    await demos.waitForPlayingVideos(joe, '#videos .tile.remote video', 2, "Ann's and Ben's videos");
    expect((await joe.page.locator('#videos .tile.remote figcaption').allTextContents()).sort()).toEqual(['Ann', 'Ben']);
    expect(await demos.captures(joe)).toEqual({ getUserMedia: 0, getDisplayMedia: 0 });
    for (const person of [ann, ben, joe]) expect(await demos.errorsShown(person)).toBe('');
    await demos.screenshot(joe, 'manual-sessions', 'joe-watches-without-camera');
});
