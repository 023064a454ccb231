// The v1.2 documentation's application snippets pasted as written (pages/seed/*.html), every
// page running the same code as upstream's readers did: open('session-id') then
// connect('session-id'). The first page owns the room, the others join it, and each sees what
// the snippet promises, with no error and no console error.
import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';

const e2e = setupE2E({ needsBundle: true });

// Opens `count` pages of seed/<page>.html one after another (the first must own the room
// before the next arrives, as people opening a link do).
async function openPages(page, names) {
    const users = [];
    for (const name of names) {
        const user = await e2e.openUser(name, `seed/${page}`);
        users.push(user);
        if (users.length === 1) await e2e.waitForRoom('session-id');
    }
    return users;
}

async function expectNoErrors(users) {
    for (const user of users) {
        expect({ user: user.name, errors: await e2e.events(user, 'onerror') }).toEqual({ user: user.name, errors: [] });
        expect({ user: user.name, console: user.console.filter((line) => line.startsWith('[error]')) }).toEqual({ user: user.name, console: [] });
    }
}

async function waitForPlayingVideos(user, count) {
    await e2e.waitFor(user, (n) => window.playingVideosIn('body') >= n, 30000, `${count} playing remote video(s)`, count);
}

test('Second Step on three pages: one room, and every page plays the two others', async () => {
    const users = await openPages('video-conferencing', ['first', 'second', 'third']);
    // mainVideo gets the local blobURL (''), so the appended remote elements are the videos
    // that play.
    for (const user of users) await waitForPlayingVideos(user, 2);
    const room = await e2e.waitForRoom('session-id', { members: 3 });
    expect(room.members).toHaveLength(3);
    for (const user of users) {
        const remote = (await e2e.events(user, 'onstream')).filter((event) => event.args[0].type === 'remote');
        expect(remote).toHaveLength(2);
        for (const event of remote) expect([...event.args[0].tracks].sort()).toEqual(['audio', 'video']);
        expect(await user.page.evaluate(() => window.seedConnections[0].isInitiator)).toBe(user === users[0]);
    }
    await expectNoErrors(users);
});

test('audio conferencing: audio elements, and session.isAudio() on every stream', async () => {
    const users = await openPages('audio-conferencing', ['first', 'second']);
    for (const user of users) {
        await e2e.waitFor(user, () => document.querySelectorAll('body > audio').length === 1, 30000, 'the remote audio element');
        const streams = await e2e.events(user, 'onstream');
        expect(streams.map((event) => event.args[0].type).sort()).toEqual(['local', 'remote']);
        for (const event of streams) {
            expect(event.args[0].tracks).toEqual(['audio']);
            expect(event.args[0].session).toMatchObject({ value: 'audio', audio: true, video: false });
        }
        expect((await e2e.events(user, 'is-audio')).map((event) => event.type).sort()).toEqual(['local', 'remote']);
    }
    await expectNoErrors(users);
});

test('screen sharing one-way: the viewer plays the screen and sends nothing', async () => {
    const [presenter, viewer] = await openPages('screen-sharing', ['presenter', 'viewer']);
    await waitForPlayingVideos(viewer, 1);
    const remote = (await e2e.events(viewer, 'onstream')).filter((event) => event.args[0].type === 'remote');
    expect(remote).toHaveLength(1);
    expect(remote[0].args[0]).toMatchObject({ direction: 'oneway', session: { value: 'screen', screen: true } });
    // stream.direction === RTCDirection.OneWay held on both sides.
    expect((await e2e.events(viewer, 'one-way')).map((event) => event.type)).toContain('remote');
    expect((await e2e.events(presenter, 'one-way')).map((event) => event.type)).toEqual(['local']);
    // The viewer's page opened first, so it captured; it let the capture go once it joined.
    const senders = await viewer.page.evaluate(() => window.peerSummary().filter((pc) => pc.connectionState !== 'closed').map((pc) => pc.sendingTracks));
    expect(senders).toEqual([[]]);
    expect(await viewer.page.evaluate(() => window.captures.streams.every((stream) => stream.getTracks().every((track) => track.readyState === 'ended')))).toBe(true);
    await expectNoErrors([presenter, viewer]);
});

test('group file sharing and text chat: the text, then a file with progress, sent and received', async () => {
    const [owner, guest] = await openPages('file-sharing', ['owner', 'guest']);
    // connection.send(file || data || 'text') ran before any channel was open: it waited.
    for (const user of [owner, guest]) {
        await e2e.waitFor(user, () => window.events('onmessage').length === 1, 30000, "the other page's 'text'");
        const [message] = await e2e.events(user, 'onmessage');
        expect(message.args[0].data).toBe('text');
        expect(await e2e.events(user, 'onopen')).toHaveLength(1);
    }
    await owner.page.evaluate(() => window.sendFile(200000, 'seed.bin'));
    await e2e.waitFor(guest, () => window.events('onFileReceived').length === 1, 30000, 'the file');
    await e2e.waitFor(owner, () => window.events('onFileSent').length === 1, 30000, 'onFileSent');
    const [received] = await e2e.events(guest, 'onFileReceived');
    expect(received.args[0]).toBe('seed.bin');
    const [sent] = await e2e.events(owner, 'onFileSent');
    expect(sent.args[0]).toMatchObject({ name: 'seed.bin', size: 200000 });
    for (const [user, field] of [
        [owner, 'sent'],
        [guest, 'received'],
    ]) {
        const progress = (await e2e.events(user, 'onFileProgress')).map((event) => event.args[0]);
        expect(progress.length).toBeGreaterThan(0);
        const last = progress[progress.length - 1];
        expect(last.remaining).toBe(0);
        expect(last[field]).toBe(last.length);
        for (let i = 1; i < progress.length; i++) expect(progress[i][field]).toBeGreaterThanOrEqual(progress[i - 1][field]);
    }
    await expectNoErrors([owner, guest]);
});

test('conferencing with data: video both ways, and the v1.2 message reads as its text', async () => {
    const [owner, guest] = await openPages('conferencing-data', ['owner', 'guest']);
    for (const user of [owner, guest]) {
        await waitForPlayingVideos(user, 1);
        await e2e.waitFor(user, () => window.seen.length === 1, 30000, "the other page's 'text'");
        const [seen] = await user.page.evaluate(() => window.seen);
        const otherId = await (user === owner ? guest : owner).page.evaluate(() => window.seedConnections[0].userid);
        expect(seen).toEqual({ text: 'text', upper: 'TEXT', length: 4, data: 'text', userid: otherId });
    }
    await expectNoErrors([owner, guest]);
});
