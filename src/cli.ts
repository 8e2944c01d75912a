import { parseArgs } from 'node:util';
import { hashPassword } from './auth/passwords.js';
import { EXIT_INVALID_CONFIG, loadConfigOrReport, printConfigError, wantsHelp } from './cli/common.js';
import { sim } from './cli/sim.js';
import { backupCommand, restoreCommand } from './cli/backup.js';
import { healthcheckCommand } from './cli/healthcheck.js';
import { start } from './cli/start.js';
import { ConfigError, loadConfig } from './config/load.js';
import { writeMosquittoFiles } from './mqtt/mosquitto-config.js';
import { VERSION } from './version.js';

const USAGE = `community-gateway ${VERSION}

Usage:
  community-gateway start [--config FILE] [--demo]   run the gateway (--demo: with the simulated community)
  community-gateway check-config FILE                validate a configuration file (exit 2 when invalid)
  community-gateway sim [KIND...] [--config FILE] [--mqtt-url URL] [--data-dir DIR]
                                                     run simulated devices next to a running gateway
                                                     (all kinds when none is named; its broker from FILE)
  community-gateway sim camera [--help]              run one ONVIF camera simulator with its own options
  community-gateway district --config FILE           run the district service (many sites, one street office; docs/district.md)
  community-gateway hash-password                    read a password on stdin, print its hash for passwordHash
  community-gateway mosquitto-config --config FILE --out DIR
                                                     write mosquitto password and ACL files for an external broker
  community-gateway backup [--config FILE] [--out DIR] make a backup archive now (also while running)
  community-gateway restore --archive FILE [--config FILE] [--data-dir DIR] [--force]
                                                     check an archive and restore it (gateway stopped)
  community-gateway healthcheck [--config FILE]      exit 0 when the running gateway is healthy

The configuration file may also be named by the GATEWAY_CONFIG environment variable; single keys
are overridden by GATEWAY__SECTION__KEY=value (e.g. GATEWAY__HTTP__PORT=9000).
Every command takes --help.`;

const CHECK_CONFIG_USAGE = 'usage: community-gateway check-config FILE   (exit 0 when valid, 2 when invalid)';
const HASH_PASSWORD_USAGE = 'usage: echo -n PASSWORD | community-gateway hash-password   (prints a scrypt hash for a user\'s or device\'s passwordHash)';
const MOSQUITTO_CONFIG_USAGE = `usage: community-gateway mosquitto-config --config FILE --out DIR
  Writes DIR/passwd, DIR/acl and DIR/community-gateway.conf for an external mosquitto broker from the devices and
  integrations of FILE (default: GATEWAY_CONFIG). Devices configured with only a passwordHash
  are skipped (mosquitto needs the password itself).`;

export { EXIT_INVALID_CONFIG };

function checkConfig(argv: string[]): number {
  if (wantsHelp(argv)) {
    console.log(CHECK_CONFIG_USAGE);
    return 0;
  }
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

async function hashPasswordCommand(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(HASH_PASSWORD_USAGE);
    return 0;
  }
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
  if (wantsHelp(argv)) {
    console.log(MOSQUITTO_CONFIG_USAGE);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, out: { type: 'string' } } });
  if (!values.out) {
    console.error(MOSQUITTO_CONFIG_USAGE);
    return 2;
  }
  const config = loadConfigOrReport(values.config);
  if (!config) return EXIT_INVALID_CONFIG;
  const files = writeMosquittoFiles(values.out, config);
  console.log(`wrote ${files.passwordFile}, ${files.aclFile} and ${files.settingsFile}; include the last one in mosquitto.conf (e.g. copy it to /etc/mosquitto/conf.d/)`);
  console.log(files.ownership);
  if (files.skipped.length) console.warn(`skipped (only a passwordHash is configured): ${files.skipped.join(', ')}`);
  return 0;
}

/** Runs a command; returns its exit code, or -1 when it keeps running (a server). */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (err) {
    // a mistyped option or a missing value: say what was wrong, not a stack trace
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message}\n(community-gateway ${argv[0] ?? ''} --help shows the options)`);
      return 2;
    }
    throw err;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'check-config':
      return checkConfig(rest);
    case 'sim':
      return sim(rest);
    case 'district':
      // loaded only for this command (PostgreSQL and NATS clients are not needed by the others)
      return (await import('./cli/district.js')).district(rest);
    case 'hash-password':
      return hashPasswordCommand(rest);
    case 'mosquitto-config':
      return mosquittoConfig(rest);
    case 'backup':
      return backupCommand(rest);
    case 'restore':
      return restoreCommand(rest);
    case 'healthcheck':
      return healthcheckCommand(rest);
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
