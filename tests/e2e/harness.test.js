// Proves the browser harness itself, without the library: two users in separate browser
// contexts connect raw RTCPeerConnections (no ICE server; the offer and answer are relayed
// by this test) and exchange a data-channel message; the fake devices give a camera video
// that plays and a 1280x720 screen.

import { expect, test } from '@jest/globals';
import { setupE2E } from './support/e2e.js';

const e2e = setupE2E();

// In the page: a peer connection without ICE servers, kept as window.pc. Resolves with the
// local description once every candidate is in it (no trickle: one relay each way).
async function createPeer(page, role) {
    return page.evaluate(async (role) => {
        const pc = new RTCPeerConnection({ iceServers: [] });
        window.pc = pc;
        window.received = [];
        const gathered = () =>
            new Promise((resolve) => {
                if (pc.iceGatheringState === 'complete') return resolve();
                pc.addEventListener('icegatheringstatechange', () => {
                    if (pc.iceGatheringState === 'complete') resolve();
                });
            });
        const keep = (channel) => {
            window.channel = channel;
            channel.onmessage = (event) => {
                window.received.push(event.data);
                record('datachannel:message', { data: event.data });
            };
            channel.onopen = () => record('datachannel:open');
        };
        if (role === 'offerer') {
            keep(pc.createDataChannel('chat'));
            await pc.setLocalDescription(await pc.createOffer());
            await gathered();
            return pc.localDescription.toJSON();
        }
        pc.ondatachannel = (event) => keep(event.channel);
        return null;
    }, role);
}

test('two users in separate contexts connect a data channel with no ICE server', async () => {
    const alice = await e2e.openUser('alice', 'harness');
    const bob = await e2e.openUser('bob', 'harness');

    const offer = await createPeer(alice.page, 'offerer');
    await createPeer(bob.page, 'answerer');
    const candidates = offer.sdp.split('\r\n').filter((line) => line.startsWith('a=candidate:'));
    expect(candidates.length).toBeGreaterThan(0);

    const answer = await bob.page.evaluate(async (offer) => {
        await pc.setRemoteDescription(offer);
        await pc.setLocalDescription(await pc.createAnswer());
        if (pc.iceGatheringState !== 'complete') {
            await new Promise((resolve) =>
                pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()),
            );
        }
        return pc.localDescription.toJSON();
    }, offer);
    await alice.page.evaluate((answer) => pc.setRemoteDescription(answer), answer);

    await e2e.waitFor(alice, () => window.channel && window.channel.readyState === 'open', 20000, "alice's data channel to open");
    await e2e.waitFor(bob, () => window.channel && window.channel.readyState === 'open', 20000, "bob's data channel to open");
    await alice.page.evaluate(() => window.channel.send('hello bob'));
    await bob.page.evaluate(() => window.channel.send('hello alice'));
    expect(await e2e.waitFor(bob, () => window.received[0], 10000, 'a message from alice')).toBe('hello bob');
    expect(await e2e.waitFor(alice, () => window.received[0], 10000, 'a message from bob')).toBe('hello alice');

    // Each page has one peer connection, connected, created with no ICE server.
    for (const user of [alice, bob]) {
        const peers = await user.page.evaluate(() => window.peerSummary());
        expect(peers).toHaveLength(1);
        expect(peers[0].connectionState).toBe('connected');
        expect(await user.page.evaluate(() => window.externalIceServers)).toEqual([]);
    }
});

test('getUserMedia gives a fake camera whose video plays, and a microphone track', async () => {
    const alice = await e2e.openUser('alice', 'harness');
    const tracks = await alice.page.evaluate(async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        const video = document.createElement('video');
        video.autoplay = true;
        video.playsInline = true;
        video.srcObject = stream;
        document.getElementById('local').appendChild(video);
        return stream.getTracks().map((track) => track.kind).sort();
    });
    expect(tracks).toEqual(['audio', 'video']);
    await e2e.waitFor(alice, () => window.isPlaying(document.querySelector('#local video')), 15000, 'the camera video to play');
    const video = await alice.page.evaluate(() => window.videosIn('#local')[0]);
    expect(video.width).toBeGreaterThan(0);
    expect(video.height).toBeGreaterThan(0);
    // The page's capture counter saw it (the wrapper that the facade tests rely on).
    expect(await alice.page.evaluate(() => window.captures.getUserMedia)).toBe(1);
});

test('getDisplayMedia gives a fake 1280x720 screen without a prompt', async () => {
    const alice = await e2e.openUser('alice', 'harness');
    const settings = await alice.page.evaluate(async () => {
        const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
        const [track] = stream.getVideoTracks();
        const { width, height } = track.getSettings();
        return { width, height, videoTracks: stream.getVideoTracks().length };
    });
    expect(settings).toEqual({ width: 1280, height: 720, videoTracks: 1 });
    expect(await alice.page.evaluate(() => window.captures.getDisplayMedia)).toBe(1);
});
