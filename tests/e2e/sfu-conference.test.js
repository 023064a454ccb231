// Issue 16: a conference whose media goes through a real Janus (Debian's, started here in the
// test's network namespace, ICE on its bridge) instead of a mesh. The pages are the seed's
// conference page with one more line (connection.sfu = true for the opener); everything
// else (onstream, mute, onleave, eject, the owner's close) is the same API as in a mesh.

import { expect, test } from '@jest/globals';
import { localStreams, openRoom, remoteStreams, useridOf, waitForFreshFrames, waitForPlayingRemotes } from './support/room.js';
import { setupSfuE2E } from './support/sfu.js';

const { e2e } = setupSfuE2E();

// How many outbound RTP streams the page's peer connections have in all (getStats), and its
// peer connections that are not closed.
async function uplink(user) {
    return user.page.evaluate(async () => {
        let outbound = 0;
        for (const pc of window.openPeerConnections()) {
            const stats = await pc.getStats();
            stats.forEach((report) => {
                if (report.type === 'outbound-rtp') outbound += 1;
            });
        }
        return { outbound, peers: window.peerSummary().filter((peer) => peer.signalingState !== 'closed') };
    });
}

async function waitForLeave(user, userid, what) {
    await e2e.waitFor(user, (gone) => window.events('onleave').some((event) => event.userid === gone), 30000, what, userid);
}

test('six users through Janus: each plays the five others, uploads one audio and one video stream, sees a mute and a leaver', async () => {
    const room = e2e.uniqueId('sfu');
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    // Each joiner loads while the pages before it decode every stream: on 2 loaded cores with
    // Janus beside them the sixth took over 30 s to be in the room (a CI run, 2026-12-06).
    const users = await openRoom(e2e, 'conference', room, names, { sfu: '1', small: '1' }, { joinTimeout: 60000 });
    const ids = new Map();
    for (const user of users) ids.set(user, await useridOf(e2e, user));

    for (const user of users) await waitForPlayingRemotes(e2e, user, 5, 90000);
    // Every remote stream has the id its sender gave it (mute and removeStream name it).
    const localIds = new Map();
    for (const user of users) localIds.set(ids.get(user), (await localStreams(user))[0].streamid);
    for (const user of users) {
        const others = users.filter((other) => other !== user).map((other) => ids.get(other));
        const remotes = await remoteStreams(user);
        expect(remotes.map((stream) => stream.userid).sort()).toEqual([...others].sort());
        for (const stream of remotes) {
            expect([...stream.tracks].sort()).toEqual(['audio', 'video']);
            expect(stream.streamid).toBe(localIds.get(stream.userid));
        }
        // Two connections to Janus (publisher, subscriber) and no peer link (no data in this
        // session): one audio and one video stream leave the page, whatever the room's size.
        const { outbound, peers } = await uplink(user);
        expect(peers).toHaveLength(2);
        expect(outbound).toBe(2);
    }
    // The videos keep coming.
    await waitForFreshFrames(e2e, users[1], ids.get(users[5]));
    await waitForFreshFrames(e2e, users[4], ids.get(users[0]));

    // carol mutes her microphone: all five others are told, naming her stream.
    const [carol, carolId] = [users[2], ids.get(users[2])];
    const carolStream = localIds.get(carolId);
    await carol.page.evaluate((streamid) => window.connection.streams[streamid].mute({ audio: true }), carolStream);
    for (const user of users.filter((user) => user !== carol)) {
        const muted = await e2e.waitFor(
            user,
            (id) => window.events('onmute').find((event) => event.userid === id && event.type === 'remote'),
            15000,
            'onmute of carol',
            carolId,
        );
        expect(muted).toMatchObject({ streamid: carolStream, muteType: 'audio' });
    }
    await carol.page.evaluate((streamid) => window.connection.streams[streamid].unmute({ audio: true }), carolStream);
    for (const user of users.filter((user) => user !== carol)) {
        await e2e.waitFor(user, (id) => window.events('onunmute').some((event) => event.userid === id), 15000, 'onunmute of carol', carolId);
    }
    // Her video went on through it.
    await waitForFreshFrames(e2e, users[0], carolId);

    // frank leaves: the others hear it and his video goes.
    await users[5].page.evaluate(() => window.connection.leave());
    for (const user of users.slice(0, 5)) {
        await waitForLeave(user, ids.get(users[5]), 'onleave of frank');
        await waitForPlayingRemotes(e2e, user, 4, 30000);
    }
}, 300000);

test('through Janus, the owner ejects a user and then closes the session, as in a mesh', async () => {
    const room = e2e.uniqueId('sfu-eject');
    const users = await openRoom(e2e, 'conference', room, ['owner', 'bob', 'carol'], { sfu: '1' });
    const [owner, bob, carol] = users;
    const [ownerId, bobId] = [await useridOf(e2e, owner), await useridOf(e2e, bob)];
    for (const user of users) await waitForPlayingRemotes(e2e, user, 2, 60000);

    await owner.page.evaluate((userid) => window.connection.eject(userid), bobId);
    await e2e.waitFor(
        bob,
        () =>
            window.events('onstatechange').some((event) => event.state === 'ejected') ||
            window.events('onleave').some((event) => event.ejected === true),
        15000,
        'being told of the ejection',
    );
    // Bob is out: his connections to Janus closed, nothing of the room plays on his page.
    await e2e.waitFor(bob, () => window.openPeerConnections().length === 0, 15000, 'his connections to Janus to close');
    await e2e.waitFor(bob, () => window.videosIn('#remote').every((video) => video.liveTracks === 0), 15000, 'the remote videos to end');
    // The others hear it, his video goes, and theirs go on.
    for (const user of [owner, carol]) {
        await waitForLeave(user, bobId, 'onleave of the ejected user');
        await waitForPlayingRemotes(e2e, user, 1, 30000);
    }
    await waitForFreshFrames(e2e, carol, ownerId);
    expect((await e2e.server.rooms.getRoom(room)).members.map((member) => member.userid)).not.toContain(bobId);

    // The owner closes the whole session.
    await owner.page.evaluate(() => {
        window.connection.autoCloseEntireSession = true;
        window.connection.leave();
    });
    const closed = await e2e.waitFor(
        carol,
        () => window.events('onEntireSessionClosed')[0] || window.events('onleave').find((event) => event.entireSessionClosed === true),
        15000,
        'being told the entire session closed',
    );
    expect(closed.userid).toBe(ownerId);
    await e2e.waitFor(carol, () => window.openPeerConnections().length === 0, 15000, 'her connections to Janus to close');
    expect(await e2e.server.rooms.getRoom(room)).toBeNull();
});

test('through Janus, a screen added during the call reaches the other side as its own stream, and its removal too', async () => {
    const room = e2e.uniqueId('sfu-screen');
    const [owner, bob] = await openRoom(e2e, 'conference', room, ['owner', 'bob'], { sfu: '1', small: '1' });
    const ownerId = await useridOf(e2e, owner);
    for (const user of [owner, bob]) await waitForPlayingRemotes(e2e, user, 1, 60000);

    await owner.page.evaluate(() => window.connection.addStream('screen'));
    const screen = await e2e.waitFor(
        owner,
        () => window.events('onstream').find((event) => event.type === 'local' && event.tracks.length === 1 && event.tracks[0] === 'video' && window.captures.getDisplayMedia === 1),
        30000,
        'the local screen stream',
    );
    // Bob gets it as a second remote stream of the owner, with the owner's stream id, over the
    // same two connections to Janus.
    await waitForPlayingRemotes(e2e, bob, 2, 60000);
    const remotes = await remoteStreams(bob);
    expect(remotes.map((stream) => stream.userid)).toEqual([ownerId, ownerId]);
    expect(remotes.map((stream) => stream.streamid)).toContain(screen.streamid);
    expect(await bob.page.evaluate(() => window.openPeerConnections().length)).toBe(2);
    const { outbound } = await uplink(owner);
    expect(outbound).toBe(3); // microphone, camera, screen: once each

    await owner.page.evaluate((streamid) => window.connection.removeStream(streamid), screen.streamid);
    const ended = await e2e.waitFor(
        bob,
        (streamid) => window.events('onstreamended').find((event) => event.streamid === streamid),
        30000,
        'onstreamended of the screen',
        screen.streamid,
    );
    expect(ended.userid).toBe(ownerId);
    await waitForPlayingRemotes(e2e, bob, 1, 30000);
    await waitForFreshFrames(e2e, bob, ownerId);
});
