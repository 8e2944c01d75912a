import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/core/net.js';
import { waitForPort } from './nats-cluster.js';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface RunningPostgres {
  port: number;
  /** postgres://... for the superuser `district` (trust on 127.0.0.1 only). */
  url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Runs a command as the unprivileged `nobody` when we are root (postgres refuses to run as root). */
function asPostgresUser(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [cmd, args];
  return ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', cmd, ...args]];
}

/**
 * A throwaway PostgreSQL 15 server: a temp data dir (owned by `nobody` when we run as root),
 * 127.0.0.1 on a free port, no Unix socket, trust authentication for the superuser `district`.
 * `synchronous_commit` is on (a COMMIT answers once its WAL is written). `durable` (the bench):
 * also fsync and full page writes, as a production server; without it (tests) the WAL is not
 * flushed to the disk, which only matters if the machine itself crashes.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<RunningPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) chownSync(dir, 65534, 65534);
  const [initCmd, initArgs] = asPostgresUser(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'district', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8', cwd: dir });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const durability = options.durable ? 'fsync = on\nfull_page_writes = on\n' : 'fsync = off\nfull_page_writes = off\n';
  writeFileSync(join(data, 'postgresql.auto.conf'), `${durability}synchronous_commit = on\nshared_buffers = 64MB\nmax_connections = 50\n`);
  const port = await freePort();
  const [cmd, args] = asPostgresUser(join(PG_BIN, 'postgres'), ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', '']);
  let stderr = '';
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  child.once('error', (err) => (stderr += `\n${err.message}`));
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const stopChild = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  };
  try {
    await waitForPort(port, 20_000);
    await waitReady(port);
  } catch (err) {
    await stopChild('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}: ${stderr.trim()}`);
  }
  return {
    port,
    url: `postgres://district@127.0.0.1:${port}/postgres`,
    get pid() {
      return child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async stop() {
      // SIGINT: fast shutdown (ends sessions, checkpoints, exits with its children)
      await stopChild('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(port: number): Promise<void> {
  const { default: pg } = await import('pg');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'district', database: 'postgres' });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
