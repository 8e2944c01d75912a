/**
 * The gateway under fuzzing, in its own process (argv[2]: a configuration file), so that a crash
 * is seen as an exit instead of taking the test runner down. Prints one line
 * `FUZZ-READY <json>` when started: its URL, its broker port and what it serves (every HTTP route
 * from its route modules and every WebSocket endpoint from its upgrade router), so that the fuzz
 * targets enumerate the gateway's own lists and cover endpoints added later. SIGTERM stops it.
 */
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/core/logger.js';
import { Gateway } from '../../src/gateway.js';

const { config } = loadConfig({ file: process.argv[2], env: {} });
const gateway = new Gateway({ config, log: createLogger({ level: config.log.level, pretty: false }), env: {} });
await gateway.start();
const info = {
  url: gateway.http.url,
  pid: process.pid,
  mqttPort: gateway.broker?.port ?? null,
  routes: gateway.routeModules.flatMap((m) => m.routes()).map((r) => ({ method: r.method, path: r.path, access: r.access })),
  wsEndpoints: gateway.ws.list().map((e) => ({ path: e.path, access: e.access })),
};
process.stdout.write(`FUZZ-READY ${JSON.stringify(info)}\n`);
process.once('SIGTERM', () => {
  gateway.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
