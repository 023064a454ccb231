// The v1.8 notes' snippets as written (pages/seed/v18-*.html), on real pages against the real
// server: what each snippet promises is what a user of that page sees.
import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';

const e2e = setupE2E({ needsBundle: true });

const consoleErrors = (user) => user.console.filter((line) => line.startsWith('[error]'));

async function expectNoErrors(users) {
    for (const user of users) {
        expect({ user: user.name, errors: await e2e.events(user, 'onerror') }).toEqual({ user: user.name, errors: [] });
        expect({ user: user.name, console: consoleErrors(user) }).toEqual({ user: user.name, console: [] });
    }
}

const states = async (user) => (await e2e.events(user, 'onstatechange')).map((event) => event.args[0]);

test('renegotiation: a text-only session with sdpConstraints adds a camera on each side later, and attachStreams[0] has its video', async () => {
    const owner = await e2e.openUser('owner', 'seed/v18-renegotiation');
    await e2e.waitForRoom('session-id');
    const guest = await e2e.openUser('guest', 'seed/v18-renegotiation');
    for (const user of [owner, guest]) await e2e.waitFor(user, () => window.events('onopen').length === 1, 30000, 'the data channel');
    expect(await owner.page.evaluate(() => firstStreamVideoTracks())).toBe(-1); // nothing captured yet

    await owner.page.evaluate(() => addCamera());
    await e2e.waitFor(guest, () => window.playingVideosIn('body') === 1, 30000, "the owner's camera");
    expect(await owner.page.evaluate(() => firstStreamVideoTracks())).toBe(1);
    await guest.page.evaluate(() => addCamera());
    await e2e.waitFor(owner, () => window.playingVideosIn('body') === 1, 30000, "the guest's camera");
    // One peer connection each way, renegotiated, not a second one.
    for (const user of [owner, guest]) {
        expect(await user.page.evaluate(() => window.openPeerConnections().length)).toBe(1);
    }
    await expectNoErrors([owner, guest]);
});

test('onstatechange: room-not-available, then donotJoin keeps the page out when the room opens; a page without it joins', async () => {
    const joiner = await e2e.openUser('joiner', 'seed/v18-states', { role: 'joiner' });
    const patient = await e2e.openUser('patient', 'seed/v18-states', { role: 'patient' });
    for (const user of [joiner, patient]) {
        await e2e.waitFor(user, () => window.events('onstatechange').some((e) => e.state === 'room-not-available'), 30000, 'room-not-available');
    }
    // donotJoin() ends the join at once, and says so with its reason.
    await e2e.waitFor(joiner, () => window.events('onstatechange').length === 3, 10000, 'the join abandoned');
    expect(await states(joiner)).toEqual(['detecting-room-presence', 'room-not-available', 'request-rejected']);
    const reasons = (await e2e.events(joiner, 'onstatechange')).map((event) => event.args[1]);
    expect(reasons[1]).toMatch(/\S/);
    expect(reasons[2]).toMatch(/donotJoin/);

    const owner = await e2e.openUser('owner', 'seed/v18-states', { role: 'owner' });
    // The page that only watched joins the room once it exists; the one that called donotJoin
    // never asks.
    await e2e.waitFor(patient, () => window.events('onopen').length === 1, 30000, 'the room, once opened');
    expect((await states(patient)).slice(2)).toEqual(['room-available', 'connecting-with-initiator', 'request-accepted', 'connected-with-initiator']);
    const room = await e2e.waitForRoom('state-room', { members: 2 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await e2e.server.rooms.getRoom('state-room')).members).toHaveLength(room.members.length);
    expect(room.members).not.toContain(await joiner.page.evaluate(() => connection.userid));
    expect(await joiner.page.evaluate(() => window.peerConnections.length)).toBe(0);
    expect(await states(joiner)).toEqual(['detecting-room-presence', 'room-not-available', 'request-rejected']);
    expect(await states(owner)).not.toContain('failed');
    await expectNoErrors([joiner, patient, owner]);
});

test('DetectRTC.load, MediaDevices with selectDevices, recording both kinds, onspeaking, and streams.stop()', async () => {
    const user = await e2e.openUser('user', 'seed/v18-media');
    await e2e.waitFor(user, () => window.events('onstream').length === 1, 30000, 'the local stream');
    expect(await user.page.evaluate(() => detected)).toEqual({ hasMicrophone: true, hasWebcam: true });

    // The snippet selects every device in turn: the capture uses, per kind, the last id it
    // selected that names a device of that kind ('default' names the default microphone and the
    // default speakers alike).
    const selected = await user.page.evaluate(() => selected);
    const inputs = { audio: 'audioinput', video: 'videoinput' };
    const lastOf = (kind) => selected.filter((device) => selected.some((other) => other.deviceId === device.deviceId && other.kind === inputs[kind])).pop().deviceId;
    expect(selected.filter((device) => device.kind === 'audioinput').length).toBeGreaterThan(1);
    const devicesUsed = async () => (await user.page.evaluate(() => trackDevices())).map(({ kind, deviceId }) => ({ kind, deviceId })).sort((a, b) => a.kind.localeCompare(b.kind));
    expect(await devicesUsed()).toEqual([
        { kind: 'audio', deviceId: lastOf('audio') },
        { kind: 'video', deviceId: lastOf('video') },
    ]);

    // Chromium's fake microphone beeps: the local stream is heard speaking.
    await e2e.waitFor(user, () => window.events('onspeaking').length > 0, 30000, 'onspeaking');
    const recorded = await e2e.waitFor(user, () => recorded, 30000, 'the recording');
    expect(recorded.audio.size).toBeGreaterThan(1000);
    expect(recorded.video.size).toBeGreaterThan(1000);
    expect(recorded.audio.type).toMatch(/^audio\//);
    expect(recorded.video.type).toMatch(/^video\//);

    await user.page.evaluate(() => connection.streams.stop());
    await e2e.waitFor(user, () => trackDevices().every((track) => track.readyState === 'ended'), 10000, 'every track stopped');
    await e2e.waitFor(user, () => window.events('onstreamended').length === 1, 10000, 'onstreamended');

    // A picker's choice of one microphone: the next capture uses it.
    const second = selected.filter((device) => device.kind === 'audioinput' && device.deviceId !== 'default').pop().deviceId;
    await user.page.evaluate((id) => {
        connection.selectDevices(id);
        connection.addStream({ audio: true });
    }, second);
    await e2e.waitFor(user, () => window.events('onstream').length === 2, 30000, 'the added microphone');
    const added = await user.page.evaluate(() => {
        const stream = window.captures.streams[window.captures.streams.length - 1];
        return stream.getTracks().map((track) => ({ kind: track.kind, deviceId: track.getSettings().deviceId }));
    });
    expect(added).toEqual([{ kind: 'audio', deviceId: second }]);
    await expectNoErrors([user]);
});

test('onMediaError: a refused camera is a PermissionDeniedError with a message, and nothing else fails', async () => {
    const user = await e2e.openUser('user', 'seed/v18-media', {}, {
        initScript: () => {
            navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
        },
    });
    await e2e.waitFor(user, () => window.events('permission-denied').length === 1, 30000, 'PermissionDeniedError');
    const [denied] = await e2e.events(user, 'permission-denied');
    expect(denied.message).toMatch(/\S/);
    expect(await e2e.events(user, 'onstream')).toEqual([]);
    expect(user.errors).toEqual([]);
});

test('captureUserMediaOnDemand: the owner captures when the first guest arrives; join(id, {audio: true}) sends audio only', async () => {
    const owner = await e2e.openUser('owner', 'seed/v18-on-demand', { role: 'owner' });
    await e2e.waitForRoom('on-demand-room');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await owner.page.evaluate(() => window.captures.streams.length)).toBe(0);
    expect(await e2e.events(owner, 'media-captured')).toEqual([]);

    const guest = await e2e.openUser('guest', 'seed/v18-on-demand', { role: 'guest' });
    await e2e.waitFor(owner, () => window.events('media-captured').length === 1, 30000, 'onMediaCaptured');
    await e2e.waitFor(guest, () => window.playingVideosIn('body') === 1, 30000, "the owner's video");
    await e2e.waitFor(owner, () => document.querySelectorAll('body > audio').length === 1, 30000, "the guest's audio");
    const guestLocal = (await e2e.events(guest, 'onstream')).find((event) => event.args[0].type === 'local');
    expect(guestLocal.args[0].tracks).toEqual(['audio']);
    const ownerRemote = (await e2e.events(owner, 'onstream')).find((event) => event.args[0].type === 'remote');
    expect(ownerRemote.args[0].tracks).toEqual(['audio']);
    expect(await owner.page.evaluate(() => window.captures.streams.length)).toBe(1);
    await expectNoErrors([owner, guest]);
});

test('sharePartOfScreen: viewers there and a late joiner see the part; pause holds its picture, resume follows the page again', async () => {
    const owner = await e2e.openUser('owner', 'seed/v18-part-of-screen', { role: 'owner' });
    await e2e.waitForRoom('part-room');
    const early = await e2e.openUser('early', 'seed/v18-part-of-screen', { role: 'viewer' });
    const isRed = () => {
        const colour = centreColour();
        return colour && colour[0] > 150 && colour[1] < 90 && colour[2] < 90;
    };
    const isGreen = () => {
        const colour = centreColour();
        return colour && colour[1] > 100 && colour[0] < 90 && colour[2] < 90;
    };
    await e2e.waitFor(early, isRed, 30000, 'the red part');
    const late = await e2e.openUser('late', 'seed/v18-part-of-screen', { role: 'viewer' });
    await e2e.waitFor(late, isRed, 30000, 'the red part, for a late joiner');

    await owner.page.evaluate(() => connection.pausePartOfScreenSharing());
    await owner.page.evaluate(() => paint('rgb(20, 160, 20)'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const viewer of [early, late]) expect(await viewer.page.evaluate(isRed)).toBe(true);
    await owner.page.evaluate(() => connection.resumePartOfScreenSharing());
    for (const viewer of [early, late]) await e2e.waitFor(viewer, isGreen, 30000, 'the green part after resume');
    await expectNoErrors([owner, early, late]);
});

test('settings: session object, trickleIce off, extension-era names answered, stats per peer, and both close events', async () => {
    const owner = await e2e.openUser('owner', 'seed/v18-settings', { role: 'owner' });
    await e2e.waitForRoom('settings-room');
    const guest = await e2e.openUser('guest', 'seed/v18-settings', { role: 'guest' });
    for (const user of [owner, guest]) {
        await e2e.waitFor(user, () => window.playingVideosIn('body') === 1, 30000, 'the remote video');
        await e2e.waitFor(user, () => window.events('onopen').length === 1, 30000, 'onopen');
        const [remote] = (await e2e.events(user, 'onstream')).filter((event) => event.args[0].type === 'remote');
        expect(remote.args[0].session).toMatchObject({ audio: true, video: true });
        // trickleIce = false: candidates travel inside the descriptions, none one by one.
        expect(await user.page.evaluate(() => window.trickledCandidates)).toBe(0);
        expect(await user.page.evaluate(() => window.peerConnections[0].remoteDescription.sdp.includes('a=candidate'))).toBe(true);
        // Screen capture needs no extension now: the extension questions answer yes, and the
        // page's "install the extension" button is disabled as upstream's was.
        expect(await user.page.evaluate(() => extensionStatus)).toEqual(['installed-enabled', true]);
        expect(await user.page.evaluate(() => btnInlineInstallButton.disabled)).toBe(true);
        // Each retired name says once what it does now (a warning, not an error).
        const warnings = user.console.filter((line) => line.startsWith('[warning]'));
        for (const name of ['DetectRTC.screen.extensionid', 'preventSSLAutoAllowed', 'resources', 'getChromeExtensionStatus']) {
            expect(warnings.filter((line) => line.includes(name))).toHaveLength(1);
        }
    }
    const stats = await guest.page.evaluate(() => readStats());
    const ownerId = await owner.page.evaluate(() => connection.userid);
    expect(Object.keys(stats.all)).toEqual([ownerId]);
    expect(stats.one).toMatchObject({ userid: ownerId, connectionState: 'connected', candidatePair: { local: 'host', remote: 'host' } });
    expect(stats.one.bytesReceived).toBeGreaterThan(0);
    expect(stats.one.streams.map((stream) => `${stream.direction} ${stream.kind}`).sort()).toEqual(expect.arrayContaining(['inbound audio', 'inbound video']));

    await owner.page.evaluate(() => connection.leave());
    await e2e.waitFor(guest, () => window.events('onEntireSessionClosed').length === 1, 30000, 'onEntireSessionClosed');
    await e2e.waitFor(guest, () => window.events('onSessionClosed').length === 1, 30000, 'onSessionClosed');
    const [closed] = await e2e.events(guest, 'onSessionClosed');
    expect(closed.args[0]).toMatchObject({ userid: ownerId });
    await expectNoErrors([owner, guest]);
});
