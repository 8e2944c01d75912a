import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { hashPassword } from './auth/passwords.js';
import { INITIAL_ADMIN_FILE } from './auth/users.js';
import { ConfigError, loadConfig } from './config/load.js';
import { createLogger, type Logger } from './core/logger.js';
import { Gateway } from './gateway.js';
import { writeMosquittoFiles } from './mqtt/mosquitto-config.js';
import { VERSION } from './version.js';
import { planCommunity, type Community } from '../simulators/community.js';

const USAGE = `community-gateway ${VERSION}

Usage:
  community-gateway start [--config FILE] [--demo]   run the gateway (--demo: with the simulated community)
  community-gateway check-config FILE                validate a configuration file (exit 2 when invalid)
  community-gateway sim [KIND...] [--mqtt-url URL] [--data-dir DIR]
                                                     run simulated devices (all kinds when none is named)
  community-gateway sim camera [--help]              run one ONVIF camera simulator with its own options
  community-gateway hash-password                    read a password on stdin, print its hash for passwordHash
  community-gateway mosquitto-config --config FILE --out DIR
                                                     write mosquitto password and ACL files for an external broker

The configuration file may also be named by the GATEWAY_CONFIG environment variable; single keys
are overridden by GATEWAY__SECTION__KEY=value (e.g. GATEWAY__HTTP__PORT=9000).`;

export const EXIT_INVALID_CONFIG = 2;

function printConfigError(err: ConfigError): void {
  console.error(`The configuration is invalid (${err.source}). Fix these and start again:`);
  for (const p of err.problems) console.error(`  - ${p.path || '(top level)'}: found ${p.found}; expected ${p.expected}`);
}

/** Stops everything on SIGINT/SIGTERM within 5 s. */
function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      log.error('did not stop within 5 s; exiting anyway');
      process.exit(1);
    }, 5000);
    deadline.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

async function start(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, demo: { type: 'boolean', default: false } } });
  const demo = values.demo === true;
  const demoDataDir = resolve('data', 'demo');
  let community: Community | undefined;
  let loaded;
  try {
    // Demo mode: the simulated community's devices become part of the configuration.
    const preliminary = loadConfig({ file: values.config, overrides: demo && !values.config ? { storage: { dataDir: demoDataDir } } : undefined });
    if (demo) {
      const log = createLogger({ level: preliminary.config.log.level, pretty: preliminary.config.log.pretty ?? undefined });
      community = await planCommunity({ dataDir: join(preliminary.config.storage.dataDir, 'simulators'), host: '127.0.0.1', log: log.child({ component: 'sim' }) });
    }
    loaded = loadConfig({
      file: values.config,
      overrides: demo ? { ...(values.config ? {} : { storage: { dataDir: demoDataDir } }), ...community!.gatewayConfig() } : undefined,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      printConfigError(err);
      return EXIT_INVALID_CONFIG;
    }
    throw err;
  }
  const { config } = loaded;
  const log = createLogger({ level: config.log.level, pretty: config.log.pretty ?? undefined });
  log.info({ sources: loaded.sources }, 'configuration loaded');
  let generated: { name: string; password: string } | undefined;
  const gateway = new Gateway({ config, log, defaultMetrics: true, onGeneratedAdminPassword: (name, password) => (generated = { name, password }) });
  onShutdown(log, async () => {
    await community?.stop();
    await gateway.stop();
  });
  await gateway.start();
  if (community) await community.start({ mqttUrl: gateway.broker ? `mqtt://127.0.0.1:${gateway.broker.port}` : config.mqtt.url! });

  const lines = [`community-gateway ${VERSION} is running: ${gateway.http.url}/`];
  if (generated) {
    lines.push(`First start: log in as "${generated.name}" with password ${generated.password}`, `(kept in ${join(config.storage.dataDir, INITIAL_ADMIN_FILE)} until you change it)`);
  } else if (demo && existsSync(join(config.storage.dataDir, INITIAL_ADMIN_FILE))) {
    lines.push(`Demo login: "admin" with password ${readFileSync(join(config.storage.dataDir, INITIAL_ADMIN_FILE), 'utf8').trim()}`);
  }
  if (community) lines.push('Simulated community:', ...community.describe().map((l) => `  ${l}`));
  lines.push('Stop with Ctrl+C.');
  console.log(`\n${lines.join('\n')}\n`);
  return -1; // keep running
}

function checkConfig(argv: string[]): number {
  const file = argv[0];
  if (!file) {
    console.error('usage: community-gateway check-config FILE');
    return EXIT_INVALID_CONFIG;
  }
  try {
    loadConfig({ file });
  } catch (err) {
    if (err instanceof ConfigError) {
      printConfigError(err);
      return EXIT_INVALID_CONFIG;
    }
    throw err;
  }
  console.log(`${file}: the configuration is valid`);
  return 0;
}

async function sim(argv: string[]): Promise<number> {
  // `sim camera [options]`: one (or --count N) camera simulators with their own options.
  if (argv[0] === 'camera') {
    const { runCameraSimulatorCli } = await import('../simulators/onvif-camera/cli.js');
    const running = await runCameraSimulatorCli(argv.slice(1));
    onShutdown(createLogger({ level: 'info' }), () => running.stop());
    return -1;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { 'mqtt-url': { type: 'string', default: 'mqtt://127.0.0.1:1883' }, 'data-dir': { type: 'string', default: resolve('data', 'sim') } },
  });
  const log = createLogger({ level: 'info' });
  const community = await planCommunity({ dataDir: String(values['data-dir']), host: '127.0.0.1', log }, positionals);
  if (community.members.length === 0) {
    console.error(`no simulators of kind ${positionals.join(', ')}`);
    return 2;
  }
  onShutdown(log, () => community.stop());
  await community.start({ mqttUrl: String(values['mqtt-url']) });
  console.log(['Simulated devices running:', ...community.describe().map((l) => `  ${l}`)].join('\n'));
  console.log(`\nAdd this to the gateway's configuration to use them:\n\n${stringify(community.gatewayConfig())}`);
  return -1;
}

async function hashPasswordCommand(): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!password) {
    console.error('give the password on standard input, e.g.: echo -n secret | community-gateway hash-password');
    return 2;
  }
  console.log(hashPassword(password));
  return 0;
}

function mosquittoConfig(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, out: { type: 'string' } } });
  if (!values.out) {
    console.error('usage: community-gateway mosquitto-config --config FILE --out DIR');
    return 2;
  }
  let config;
  try {
    config = loadConfig({ file: values.config }).config;
  } catch (err) {
    if (err instanceof ConfigError) {
      printConfigError(err);
      return EXIT_INVALID_CONFIG;
    }
    throw err;
  }
  const files = writeMosquittoFiles(values.out, config);
  console.log(`wrote ${files.passwordFile}, ${files.aclFile} and ${files.settingsFile}; include the last one in mosquitto.conf (e.g. copy it to /etc/mosquitto/conf.d/)`);
  console.log(files.ownership);
  if (files.skipped.length) console.warn(`skipped (only a passwordHash is configured): ${files.skipped.join(', ')}`);
  return 0;
}

/** Runs a command; returns its exit code, or -1 when it keeps running (a server). */
export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'check-config':
      return checkConfig(rest);
    case 'sim':
      return sim(rest);
    case 'hash-password':
      return hashPasswordCommand();
    case 'mosquitto-config':
      return mosquittoConfig(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
