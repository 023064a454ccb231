// demos/multi-session.html: the host captures the camera once and hosts three sessions with it
// (video conference, audio-only conference through attachStream of the audio tracks, one-way
// broadcast through attachStream of the whole stream). Three guests each join one of them.

import { expect, test } from '@jest/globals';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

const demos = setupDemos();

async function sessionRows(person) {
    return person.page.locator('#sessions li').evaluateAll((items) =>
        Object.fromEntries(items.map((item) => [item.dataset.kind, item.querySelector('.members').textContent])),
    );
}

test('one capture, three sessions: a guest in each gets the stream they chose', async () => {
    const room = uniqueRoom('multi');
    const host = await demos.open('host', 'multi-session.html');
    await demos.enterRoom(host, { room, name: 'Hana', button: 'Host all sessions' });
    await demos.waitFor(host, () => document.querySelectorAll('#sessions li').length === 3, 'three sessions hosted');
    await demos.waitForPlayingVideos(host, '#media .tile.local video', 1, 'her camera, shown once');

    const guests = {};
    for (const [name, button] of [
        ['Walt', 'Watch the broadcast'],
        ['Ada', 'Join the audio-only conference'],
        ['Vera', 'Join the video conference'],
    ]) {
        guests[name] = await demos.open(name, 'multi-session.html', { hash: room });
        await demos.enterRoom(guests[name], { name, button });
    }

    // Walt watches the broadcast: the host's video plays, and he captured nothing.
    await demos.waitForPlayingVideos(guests.Walt, '#media .tile.remote video', 1, 'the broadcast');
    expect(await guests.Walt.page.locator('#media .tile.remote figcaption').textContent()).toBe('Hana · Video broadcast (one-way)');
    expect(await demos.captures(guests.Walt)).toEqual({ getUserMedia: 0, getDisplayMedia: 0 });

    // Ada hears the host in the audio-only conference: an audio element, no video.
    await demos.waitFor(
        guests.Ada,
        () => {
            const audio = document.querySelector('#media .tile.remote audio');
            if (!audio || audio.paused || !audio.srcObject) return false;
            window.__audioStart = window.__audioStart ?? audio.currentTime;
            return audio.srcObject.getVideoTracks().length === 0 && audio.srcObject.getAudioTracks().length === 1 && audio.currentTime - window.__audioStart >= 0.5;
        },
        "the host's voice playing",
    );
    expect(await guests.Ada.page.locator('#media .tile.remote figcaption').textContent()).toBe('Hana · Audio-only conference');
    expect(await guests.Ada.page.locator('#media video').count()).toBe(0);

    // Vera and the host see each other in the video conference.
    await demos.waitForPlayingVideos(guests.Vera, '#media .tile.remote video', 1, "the host's video");
    await demos.waitForPlayingVideos(host, '#media .tile.remote video', 1, "Vera's video");

    // The host lists each guest in their session, and captured the camera once for all three.
    await demos.waitFor(host, () => [...document.querySelectorAll('#sessions .count')].map((count) => count.textContent).join() === '1,1,1', 'one guest in each session');
    expect(await sessionRows(host)).toEqual({ conference: 'Vera', audio: 'Ada', broadcast: 'Walt' });
    expect(await demos.captures(host)).toEqual({ getUserMedia: 1, getDisplayMedia: 0 });
    expect(await host.page.locator('#media .tile.local').count()).toBe(1);
    // Ada's voice reaches the host in the audio-only session.
    await demos.waitFor(host, () => !!document.querySelector('#media .tile.remote[data-kind="audio"] audio'), "Ada's voice");
    for (const person of [host, ...Object.values(guests)]) expect(await demos.errorsShown(person)).toBe('');
    await demos.screenshot(host, 'multi-session', 'host-three-sessions');
    await demos.screenshot(guests.Walt, 'multi-session', 'walt-watches-broadcast');
});
