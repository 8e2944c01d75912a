/**
 * A bare aedes broker (no authentication, no ACL) in its own process, for baselines that publish
 * straight to devices without the gateway: `node --import tsx bench/lib/bare-broker.ts <port>`.
 * Prints "ready" when it listens; exits on SIGTERM.
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.argv[2]);
const broker = await Aedes.createBroker();
const server = createServer(broker.handle);
server.listen(port, '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => {
  server.close();
  broker.close(() => process.exit(0));
});
