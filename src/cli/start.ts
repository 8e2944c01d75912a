import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INITIAL_ADMIN_FILE } from '../auth/users.js';
import { ConfigError, loadConfig, type LoadedConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/schema.js';
import { createLogger } from '../core/logger.js';
import { Gateway } from '../gateway.js';
import { VERSION } from '../version.js';
import { appendMerge } from '../../simulators/community.js';
import { SimulatorStartError, SimulatorSupervisor } from '../../simulators/supervisor.js';
import { EXIT_INVALID_CONFIG, logStrayRejections, onShutdown, printConfigError, wantsHelp } from './common.js';

export const START_USAGE = `usage: community-gateway start [--config FILE] [--demo]
  --config FILE   your configuration (default: GATEWAY_CONFIG, else the defaults)
  --demo          also run the simulated community (cameras, barriers, speakers), each kind in a
                  process of its own; their devices are added to those of FILE. Without --config,
                  the data goes to data/demo.`;

/**
 * The demo's devices added to the configuration's own: arrays (mqtt.devices, cameras.list) are
 * appended, so `--demo --config FILE` keeps FILE's devices.
 */
function demoOverrides(base: GatewayConfig, demo: Record<string, unknown>, dataDir: string | undefined): Record<string, unknown> {
  const own = { mqtt: { devices: base.mqtt.devices }, cameras: { list: base.cameras.list } };
  return { ...(dataDir ? { storage: { dataDir } } : {}), ...(appendMerge(own, demo) as Record<string, unknown>) };
}

/**
 * The simulators' own log level: warnings and errors only (the banner lists what they run),
 * unless the gateway's level asks for more detail (debug, trace) or for less.
 */
function simulatorLogLevel(level: string): string {
  return level === 'info' ? 'warn' : level;
}

function simulatorsFailed(err: SimulatorStartError): number {
  console.error(`The demo could not start: ${err.message}. Nothing else was started; try again, or see the lines above.`);
  return 1;
}

export async function start(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(START_USAGE);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, demo: { type: 'boolean', default: false } } });
  const demo = values.demo === true;
  const demoDataDir = demo && !values.config && !process.env.GATEWAY_CONFIG ? resolve('data', 'demo') : undefined;
  let supervisor: SimulatorSupervisor | undefined;
  let loaded: LoadedConfig;
  try {
    const preliminary = loadConfig({ file: values.config, overrides: demoDataDir ? { storage: { dataDir: demoDataDir } } : undefined });
    if (demo) {
      const { level, pretty } = preliminary.config.log;
      supervisor = new SimulatorSupervisor({
        dataDir: join(preliminary.config.storage.dataDir, 'simulators'),
        host: '127.0.0.1',
        log: createLogger({ level, pretty: pretty ?? undefined }).child({ component: 'sim' }),
        logLevel: simulatorLogLevel(level),
        pretty: pretty ?? undefined,
      });
      await supervisor.plan();
    }
    loaded = loadConfig({ file: values.config, overrides: supervisor ? demoOverrides(preliminary.config, supervisor.gatewayConfig(), demoDataDir) : undefined });
  } catch (err) {
    await supervisor?.stop();
    if (err instanceof ConfigError) {
      printConfigError(err);
      return EXIT_INVALID_CONFIG;
    }
    if (err instanceof SimulatorStartError) return simulatorsFailed(err);
    throw err;
  }
  const { config } = loaded;
  const log = createLogger({ level: config.log.level, pretty: config.log.pretty ?? undefined });
  log.info({ sources: loaded.sources }, 'configuration loaded');
  logStrayRejections(log);
  let generated: { name: string; password: string } | undefined;
  const gateway = new Gateway({ config, log, defaultMetrics: true, onGeneratedAdminPassword: (name, password) => (generated = { name, password }) });
  // The reverse of the start: MQTT devices leave the broker first, the gateway stops its streams
  // and event subscriptions while the cameras still answer, then the cameras go.
  onShutdown(log, async () => {
    await supervisor?.stopMqtt();
    await gateway.stop();
    await supervisor?.stop();
  });
  // The simulated cameras first, so that the gateway finds them up; the MQTT devices once its broker runs.
  try {
    await supervisor?.startStandalone();
    await gateway.start();
    await supervisor?.startMqtt(gateway.broker ? `mqtt://127.0.0.1:${gateway.broker.port}` : config.mqtt.url!);
  } catch (err) {
    if (!(err instanceof SimulatorStartError)) throw err;
    await supervisor?.stop();
    await gateway.stop();
    return simulatorsFailed(err);
  }

  const lines = [`community-gateway ${VERSION} is running: ${gateway.http.url}/`];
  if (generated) {
    lines.push(`First start: log in as "${generated.name}" with password ${generated.password}`, `(kept in ${join(config.storage.dataDir, INITIAL_ADMIN_FILE)} until you change it: Administration (管理) > My password, at ${gateway.http.url}/#admin)`);
  } else if (demo && existsSync(join(config.storage.dataDir, INITIAL_ADMIN_FILE))) {
    lines.push(`Demo login: "admin" with password ${readFileSync(join(config.storage.dataDir, INITIAL_ADMIN_FILE), 'utf8').trim()}`);
  }
  if (supervisor) lines.push('Simulated community (each kind in its own process; restarted if it fails):', ...supervisor.describe().map((l) => `  ${l}`));
  lines.push('Stop with Ctrl+C.');
  console.log(`\n${lines.join('\n')}\n`);
  return -1; // keep running
}
