// The signaling server started from the user's own code, as docs/server.md shows it.
import { createServer } from 'rtcmulticonnection-wasm/server';

const server = createServer();
const { url } = await server.listen(0, '127.0.0.1');
process.stdout.write(`listening ${url}\n`);
process.on('SIGTERM', async () => {
    await server.close();
    process.exit(0);
});
