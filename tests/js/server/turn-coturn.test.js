// What a real coturn (Debian's, as scripts/setup.sh installs it; use-auth-secret) does with
// the credentials server/turn-credentials.js makes, asked with a minimal TURN client
// (support/turn-client.js) on 127.0.0.1: they open an allocation; a wrong password or an
// expired username does not; and an allocation outlives the credentials it was made with
// (its Refresh requests pass after the expiry), which is what lets a call last longer than
// TURN_CREDENTIAL_TTL_MS while the library hands out renewed credentials for new links.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { turnCredential } from '../../../server/turn-credentials.js';
import { startCoturn } from '../../e2e/support/coturn.js';
import { TurnClient } from './support/turn-client.js';

const SECRET = randomBytes(18).toString('base64url');
let turn;
const clients = [];

beforeAll(async () => {
    turn = await startCoturn({ secret: SECRET });
});
afterAll(async () => {
    for (const client of clients) client.close();
    await turn?.stop();
});

function client() {
    const made = new TurnClient(turn.host, turn.port);
    clients.push(made);
    return made;
}

const login = ({ username, credential }) => ({ username, password: credential });

test('issued credentials open an allocation; a wrong password does not', async () => {
    const issued = turnCredential({ secret: SECRET, userid: 'alice', ttlMs: 60000 });
    expect(await client().allocate(login(issued))).toMatchObject({ success: true, error: null });
    expect(await client().allocate({ username: issued.username, password: 'not-the-password' })).toMatchObject({ success: false, error: 401 });
    const otherSecret = turnCredential({ secret: 'another-secret', userid: 'alice', ttlMs: 60000 });
    expect(await client().allocate(login(otherSecret))).toMatchObject({ success: false, error: 401 });
});

test('expired credentials open no allocation, but one made before the expiry is refreshed after it', async () => {
    const issued = turnCredential({ secret: SECRET, userid: 'bob', ttlMs: 2000 });
    const early = client();
    expect(await early.allocate(login(issued))).toMatchObject({ success: true });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, issued.expiresAt + 1200 - Date.now())));
    // A new allocation with them is refused...
    expect(await client().allocate(login(issued))).toMatchObject({ success: false, error: 401 });
    // ...while the one they opened is kept alive with them.
    expect(await early.refresh(login(issued))).toMatchObject({ success: true, error: null });
}, 15000);
