/**
 * One kind of the demo community's simulators in a process of its own, run by
 * SimulatorSupervisor (simulators/supervisor.ts) through an IPC channel:
 *
 *   child  -> parent  { type: 'planned', gatewayConfig, describe, ports }   after planning
 *   parent -> child   { type: 'start', mqttUrl? }                           start the devices
 *   child  -> parent  { type: 'started' }                                   every device is up
 *   parent -> child   { type: 'stop' }                                      stop and exit 0
 *   child  -> parent  { type: 'fatal', reason }                             just before it dies
 *
 * Whatever goes wrong in here can only end this process: the gateway logs it and starts a new one.
 * When the IPC channel closes (the gateway stopped or was killed) it stops its devices and exits,
 * so it never outlives the gateway.
 *
 * Arguments: --kind K --data-dir DIR --host ADDR [--ports JSON] [--log-level L] [--pretty]
 */
import { parseArgs } from 'node:util';
import { createLogger, type Logger } from '../src/core/logger.js';
import { planCommunity, PortBook, type Community } from './community.js';

export type ToChild = { type: 'start'; mqttUrl?: string } | { type: 'stop' };
export type FromChild =
  | { type: 'planned'; gatewayConfig: Record<string, unknown>; describe: string[]; ports: Record<string, number> }
  | { type: 'started' }
  | { type: 'fatal'; reason: string };

/** A stop that takes longer than this is cut short by exiting anyway. */
const STOP_LIMIT_MS = 3000;

function send(message: FromChild): void {
  if (process.connected) process.send?.(message);
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function main(): Promise<void> {
  if (!process.send) {
    console.error('simulators/community-process.ts is started by the gateway (npm start); use `community-gateway sim` to run simulators by hand');
    process.exit(2);
  }
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { kind: { type: 'string' }, 'data-dir': { type: 'string' }, host: { type: 'string' }, ports: { type: 'string' }, 'log-level': { type: 'string' }, pretty: { type: 'boolean' } },
  });
  const kind = values.kind ?? '';
  const host = values.host ?? '127.0.0.1';
  const log: Logger = createLogger({ level: (values['log-level'] ?? 'info') as 'info', pretty: values.pretty ?? undefined }).child({ component: 'sim', kind });
  const running: { community?: Community } = {};
  let stopping: Promise<void> | undefined;

  const stopAndExit = (code: number): Promise<void> => {
    stopping ??= (async () => {
      const limit = setTimeout(() => process.exit(code), STOP_LIMIT_MS);
      limit.unref();
      try {
        await running.community?.stop();
      } catch (err) {
        log.warn({ err }, 'simulators did not stop cleanly');
      }
      process.exit(code);
    })();
    return stopping;
  };

  const die = (what: string) => (err: unknown) => {
    const reason = `${what}: ${describeError(err)}`;
    log.error({ err }, `simulator process failed (${what})`);
    send({ type: 'fatal', reason });
    // no clean stop: the state may be broken; the gateway starts a fresh process
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled rejection'));
  // The gateway tells us when to stop; a signal sent to this process alone stops it cleanly too.
  process.on('SIGTERM', () => void stopAndExit(0));
  process.on('SIGINT', () => void stopAndExit(0));
  process.on('disconnect', () => void stopAndExit(0));

  const ports = new PortBook(host, values.ports ? (JSON.parse(values.ports) as Record<string, number>) : {});
  const community = await planCommunity({ dataDir: values['data-dir'] ?? 'data/sim', host, log, ports }, [kind]);
  if (community.members.length === 0) throw new Error(`no simulators of kind "${kind}"`);
  running.community = community;
  process.on('message', (message: ToChild) => {
    if (message.type === 'stop') void stopAndExit(0);
    else if (message.type === 'start') {
      community.start({ mqttUrl: message.mqttUrl ?? '' }).then(() => send({ type: 'started' }), die('start'));
    }
  });
  send({ type: 'planned', gatewayConfig: community.gatewayConfig(), describe: community.describe(), ports: ports.entries() });
}

main().catch((err: unknown) => {
  console.error(`simulator process could not start: ${describeError(err)}`);
  send({ type: 'fatal', reason: `could not start: ${describeError(err)}` });
  process.exit(1);
});
