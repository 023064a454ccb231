// Steps the facade tests share: opening a room with several users in order, reading who
// sees whom, and waiting for videos to play. Everything is read from the pages (what a
// user would see) or from the server's room table (to start joiners once a room exists).

import { WAIT_MS } from './e2e.js';

// The userid the library gave the page's `connection` (read once it has one).
export async function useridOf(e2e, user) {
    return e2e.waitFor(user, () => window.connection && window.connection.userid, WAIT_MS, 'connection.userid to be set');
}

// Opens `pageName` for the owner (role=owner) and then for each joiner, each one once the
// server counts the previous users as members of `room`. Returns the users, owner first.
// `joinTimeout`: how long each page may take to be in the room (a page joining a busy room
// on a loaded machine loads, captures and joins while the others decode every stream).
export async function openRoom(e2e, pageName, room, names, query = {}, { joinTimeout = WAIT_MS } = {}) {
    const [ownerName, ...joinerNames] = names;
    const owner = await e2e.openUser(ownerName, pageName, { room, role: 'owner', ...query });
    await e2e.waitForRoom(room, { members: 1, timeout: joinTimeout, joiner: owner });
    const users = [owner];
    for (const name of joinerNames) {
        const joiner = await e2e.openUser(name, pageName, { room, ...query });
        users.push(joiner);
        await e2e.waitForRoom(room, { members: users.length, timeout: joinTimeout, joiner });
    }
    return users;
}

// The page's remote onstream events.
export async function remoteStreams(user) {
    return user.page.evaluate(() => window.events('onstream').filter((event) => event.type === 'remote'));
}

// The page's local onstream events.
export async function localStreams(user) {
    return user.page.evaluate(() => window.events('onstream').filter((event) => event.type === 'local'));
}

// Waits until exactly `count` videos under #remote play (size known, frames coming).
export async function waitForPlayingRemotes(e2e, user, count, timeout = WAIT_MS) {
    await e2e.waitFor(
        user,
        (count) => window.playingVideosIn('#remote') === count && document.querySelectorAll('#remote video').length === count,
        timeout,
        `${count} remote video(s) playing`,
        count,
    );
}

// Waits until the remote video of `userid` shows `frames` frames more than it had when
// this was called: the link to that user still carries video now.
export async function waitForFreshFrames(e2e, user, userid, frames = 10, timeout = WAIT_MS) {
    const start = await user.page.evaluate((userid) => {
        const video = document.querySelector(`#remote video[data-userid="${CSS.escape(userid)}"]`);
        return video ? window.videoProgress(video).frames : null;
    }, userid);
    if (start === null) {
        throw new Error(`${user.name}: no remote video of ${userid}\n\n${await e2e.describeState(user)}`);
    }
    await e2e.waitFor(
        user,
        ({ userid, target }) => {
            const video = document.querySelector(`#remote video[data-userid="${CSS.escape(userid)}"]`);
            return video && window.videoProgress(video).frames >= target && video.videoWidth > 0;
        },
        timeout,
        `${frames} fresh frames of ${userid}'s video`,
        { userid, target: start + frames },
    );
}

// Peer connections of the page that are not closed.
export async function openPeerCount(user) {
    return user.page.evaluate(() => window.openPeerConnections().length);
}
