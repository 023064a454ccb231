// demos/password-rooms.html: Pat opens a room with a password. Quinn types a wrong one and
// sees the refusal; with the right one she joins and both videos play.

import { expect, test } from '@jest/globals';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

const demos = setupDemos();

test('a wrong password is refused with a visible error; the right one joins', async () => {
    const room = uniqueRoom('private');
    const pat = await demos.open('pat', 'password-rooms.html');
    await pat.page.locator('#password').fill('s3cret & <long>');
    await demos.enterRoom(pat, { room, name: 'Pat', button: 'Open room' });
    await demos.waitFor(pat, () => document.getElementById('status').textContent.includes('is open'), 'the room to be open');

    const quinn = await demos.open('quinn', 'password-rooms.html', { hash: room });
    // The invitation link filled in the room.
    expect(await quinn.page.locator('#room').inputValue()).toBe(room);
    await quinn.page.locator('#password').fill('guess');
    await demos.enterRoom(quinn, { name: 'Quinn', button: 'Join room' });
    await demos.waitFor(quinn, () => /wrong password/i.test(document.getElementById('errors').innerText), 'the wrong-password error');
    expect(await demos.errorsShown(quinn)).toContain('WRONG_PASSWORD');
    expect(await quinn.page.evaluate(() => new Promise((resolve) => setTimeout(() => resolve(document.querySelectorAll('#errors .error').length), 0)))).toBe(1);
    await expect(quinn.page.locator('#status').textContent()).resolves.toContain('Wrong password');
    // She is back at the form, in no room, and nothing of Pat's reached her.
    expect(await quinn.page.getByRole('button', { name: 'Join room' }).isVisible()).toBe(true);
    expect(await quinn.page.locator('#videos .tile.remote').count()).toBe(0);
    expect((await demos.server.rooms.getRoom(room)).members).toHaveLength(1);
    await demos.screenshot(quinn, 'password-rooms', 'quinn-wrong-password');

    // The right password.
    await quinn.page.locator('#password').fill('s3cret & <long>');
    await quinn.page.getByRole('button', { name: 'Join room' }).click();
    await demos.waitForPlayingVideos(quinn, '#videos .tile.remote video', 1, "Pat's video");
    await demos.waitForPlayingVideos(pat, '#videos .tile.remote video', 1, "Quinn's video");
    expect(await quinn.page.locator('#videos .tile.remote figcaption').textContent()).toBe('Pat');
    expect(await pat.page.locator('#videos .tile.remote figcaption').textContent()).toBe('Quinn');
    expect(await demos.errorsShown(pat)).toBe('');
    await demos.screenshot(quinn, 'password-rooms', 'quinn-joined');
});
