import { connect } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../config/load.js';
import { createLogger } from '../core/logger.js';
import { MEMBERS, planCommunity } from '../../simulators/community.js';
import { EXIT_INVALID_CONFIG, onShutdown, printConfigError, wantsHelp } from './common.js';

export const SIM_USAGE = `usage: community-gateway sim [KIND...] [--config FILE] [--mqtt-url URL] [--data-dir DIR]
       community-gateway sim camera --help     one camera simulator with its own options

Runs simulated devices by hand, next to a gateway that is already running.
  KIND             ${MEMBERS.map((m) => m.kind).join(', ')} (default: all of them)
  --config FILE    the running gateway's configuration file (default: GATEWAY_CONFIG, else the
                   defaults): the MQTT devices connect to that gateway's broker
  --mqtt-url URL   connect the MQTT devices to this broker instead
  --data-dir DIR   where the simulators keep their state (default data/sim)
It prints the configuration the gateway needs for these devices.`;

/** The broker of the gateway a configuration describes, and where that was read. */
function gatewayBroker(file: string | undefined): { url: string; from: string } | { error: string } {
  const { config, sources } = loadConfig({ file });
  const from = sources.length > 1 ? sources.slice(1).join(' + ') : 'the default configuration';
  if (config.mqtt.url) return { url: config.mqtt.url, from: `mqtt.url in ${from}` };
  const { host, port } = config.mqtt.embedded;
  if (port === 0) return { error: `the gateway's embedded broker takes a free port at start (mqtt.embedded.port 0 in ${from}); give its URL with --mqtt-url` };
  const address = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { url: `mqtt://${address}:${port}`, from: `the gateway's embedded broker (mqtt.embedded.port in ${from})` };
}

/** Whether something accepts TCP connections at an mqtt:// URL (1 s limit). */
async function listening(url: string): Promise<boolean | undefined> {
  const u = new URL(url);
  if (u.protocol !== 'mqtt:') return undefined;
  return new Promise((done) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 1883), timeout: 1000 });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

export async function sim(argv: string[]): Promise<number> {
  // `sim camera [options]`: one (or --count N) camera simulators with their own options.
  if (argv[0] === 'camera') {
    const { runCameraSimulatorCli } = await import('../../simulators/onvif-camera/cli.js');
    const running = await runCameraSimulatorCli(argv.slice(1));
    if (running.cameras.length === 0) return 0; // --help
    onShutdown(createLogger({ level: 'info' }), () => running.stop());
    return -1;
  }
  if (wantsHelp(argv)) {
    console.log(SIM_USAGE);
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string' }, 'mqtt-url': { type: 'string' }, 'data-dir': { type: 'string', default: resolve('data', 'sim') } },
  });
  const unknown = positionals.filter((k) => !MEMBERS.some((m) => m.kind === k));
  if (unknown.length) {
    console.error(`no simulators of kind ${unknown.join(', ')} (there are ${MEMBERS.map((m) => m.kind).join(', ')})\n\n${SIM_USAGE}`);
    return 2;
  }
  const needsBroker = MEMBERS.some((m) => m.usesMqtt && (positionals.length === 0 || positionals.includes(m.kind)));
  let mqttUrl = values['mqtt-url'] ?? '';
  if (needsBroker && !mqttUrl) {
    let broker;
    try {
      broker = gatewayBroker(values.config);
    } catch (err) {
      if (err instanceof ConfigError) {
        printConfigError(err);
        return EXIT_INVALID_CONFIG;
      }
      throw err;
    }
    if ('error' in broker) {
      console.error(broker.error);
      return 2;
    }
    mqttUrl = broker.url;
    console.log(`MQTT devices connect to ${mqttUrl}: ${broker.from} (another broker: --mqtt-url URL)`);
  } else if (needsBroker) console.log(`MQTT devices connect to ${mqttUrl} (--mqtt-url)`);
  if (needsBroker && (await listening(mqttUrl)) === false) {
    console.error(`Nothing accepts connections at ${mqttUrl}. Start the gateway first (community-gateway start --config FILE), or name its broker with --mqtt-url.`);
    return 2;
  }
  const log = createLogger({ level: 'info' });
  const community = await planCommunity({ dataDir: String(values['data-dir']), host: '127.0.0.1', log }, positionals);
  onShutdown(log, () => community.stop());
  await community.start({ mqttUrl });
  console.log(['Simulated devices running:', ...community.describe().map((l) => `  ${l}`)].join('\n'));
  console.log(`\nAdd this to the gateway's configuration to use them:\n\n${stringify(community.gatewayConfig())}`);
  return -1;
}
