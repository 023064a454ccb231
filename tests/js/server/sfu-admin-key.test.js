// A Janus whose videoroom plugin requires an admin_key to create rooms: a server with that key
// (RTCMC_JANUS_ADMIN_KEY) creates its rooms; a server without it cannot, and the member's join
// is refused with Janus's reason instead of waiting.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { configFromEnv } from '../../../server/config.js';
import { startJanus } from '../../support/janus.js';
import { closeAllSockets, connectUser, request, startServer } from './support/helpers.js';
import { sfuChannel } from './support/sfu-client.js';

const ADMIN_KEY = 'admin-key-for-tests';
let janus;
const servers = [];

beforeAll(async () => {
    janus = await startJanus({ adminKey: ADMIN_KEY });
});
afterAll(async () => {
    closeAllSockets();
    for (const server of servers) await server.close();
    await janus?.stop();
});

async function memberOfNewRoom(options, roomid) {
    const { server, url } = await startServer(options);
    servers.push(server);
    const { socket } = await connectUser(url, { userid: `${roomid}-owner` });
    await request(socket, 'open-room', { roomid, sfu: true });
    return sfuChannel(socket, roomid);
}

test('with RTCMC_JANUS_ADMIN_KEY the server creates rooms on a Janus that requires it', async () => {
    const options = configFromEnv({ RTCMC_JANUS_URL: janus.url, RTCMC_JANUS_ADMIN_KEY: ADMIN_KEY });
    const channel = await memberOfNewRoom(options, 'keyed');
    const { joined } = await channel.joinAsPublisher();
    expect(joined.videoroom).toBe('joined');
});

test('without it the join is refused with the reason Janus gave', async () => {
    const channel = await memberOfNewRoom({ janusUrl: janus.url }, 'unkeyed');
    const session = await channel.createSession();
    const handle = await channel.attach(session);
    const { refused } = await channel.message(session, handle, { request: 'join', ptype: 'publisher' });
    expect(refused.reason).toBe('Janus could not create the room: Missing mandatory element (admin_key) (429)');
});
