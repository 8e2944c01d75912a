import { ConfigError, loadConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';

export const EXIT_INVALID_CONFIG = 2;

export function printConfigError(err: ConfigError): void {
  console.error(`The configuration is invalid (${err.source}). Fix these and start again:`);
  for (const p of err.problems) console.error(`  - ${p.path || '(top level)'}: found ${p.found}; expected ${p.expected}`);
}

/** The configuration of a command, or undefined after printing why it is invalid (exit with EXIT_INVALID_CONFIG). */
export function loadConfigOrReport(file: string | undefined): GatewayConfig | undefined {
  try {
    return loadConfig({ file }).config;
  } catch (err) {
    if (err instanceof ConfigError) {
      printConfigError(err);
      return undefined;
    }
    throw err;
  }
}

/** Stops everything on SIGINT/SIGTERM within 5 s. */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
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

/**
 * The last line of defence for promises nobody awaited: a rejection that reaches the top is a bug
 * in one piece of work (a connection, a device message), not a reason to stop the gateway for
 * every camera and barrier. It is logged with its stack and the gateway keeps serving; a
 * synchronous uncaught exception still ends the process (its state is unknown; the service
 * manager restarts it).
 */
export function logStrayRejections(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'a promise failed and nothing handled it (a bug; please report it); the gateway keeps serving');
  });
}

/** True when the arguments ask for help (`--help` or `-h`) anywhere. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
