import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/core/net.js';
import { renderNatsNodeConfig, siteUser, type NatsUser } from '../../src/district/nats-config.js';

export const NATS_SERVER_BIN = process.env.NATS_SERVER_PATH ?? '/usr/sbin/nats-server';

export interface NatsNode {
  name: string;
  port: number;
  url: string;
  readonly pid: number | undefined;
}

export interface RunningNatsCluster {
  nodes: readonly NatsNode[];
  /** Client URLs of every node (give all to a client so it fails over). */
  urls: string[];
  /** The district service's user (every subject). */
  district: { user: string; password: string };
  /** Each site's user, limited to site.<id>.> and its own notices consumer. */
  sites: Record<string, { user: string; password: string }>;
  /** SIGKILLs one node (index 0-2). */
  kill(index: number): Promise<void>;
  /** Starts a killed node again with its store. */
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

/**
 * A 3-node nats-server JetStream cluster on 127.0.0.1 with free ports: config files generated
 * (src/district/nats-config.ts) into a temp dir, each node in its own process, with a DISTRICT
 * account holding the district user and one user per site in `siteIds`.
 */
export async function startNatsCluster(siteIds: readonly string[] = []): Promise<RunningNatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-nats-'));
  const ports = await Promise.all([0, 1, 2].map(async () => ({ port: await freePort(), clusterPort: await freePort() })));
  const district = { user: 'district', password: 'district-secret-1' };
  const sites: Record<string, { user: string; password: string }> = {};
  const users: NatsUser[] = [district];
  for (const id of siteIds) {
    const u = siteUser(id, `pw-${id}-0123456789`);
    sites[id] = { user: u.user, password: u.password };
    users.push(u);
  }
  const names = ['n1', 'n2', 'n3'];
  const children: Array<ChildProcess | undefined> = [undefined, undefined, undefined];
  const stderr = ['', '', ''];
  names.forEach((name, i) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(
      join(dir, `${name}.conf`),
      renderNatsNodeConfig({
        name,
        host: '127.0.0.1',
        port: ports[i]!.port,
        clusterName: 'district-test',
        clusterPort: ports[i]!.clusterPort,
        routes: ports.filter((_, j) => j !== i).map((p) => ({ host: '127.0.0.1', port: p.clusterPort })),
        storeDir: join(dir, name),
        users,
        systemPassword: 'sys-secret-0123',
        maxFileStore: '1GB',
      }),
    );
  });
  const launch = async (i: number) => {
    stderr[i] = '';
    const child = spawn(NATS_SERVER_BIN, ['-c', join(dir, `${names[i]}.conf`)], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (stderr[i] = (stderr[i] + chunk.toString()).slice(-4000)));
    child.once('error', (err) => (stderr[i] += `\n${err.message}`));
    children[i] = child;
    await waitForPort(ports[i]!.port).catch((err: Error) => {
      throw new Error(`${err.message}: ${stderr[i]!.trim()}`);
    });
  };
  const kill = async (i: number, signal: NodeJS.Signals) => {
    const c = children[i];
    children[i] = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  };
  try {
    await Promise.all([0, 1, 2].map(launch));
  } catch (err) {
    await Promise.all([0, 1, 2].map((i) => kill(i, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const nodes: NatsNode[] = names.map((name, i) => ({
    name,
    port: ports[i]!.port,
    url: `nats://127.0.0.1:${ports[i]!.port}`,
    get pid() {
      const c = children[i];
      return c && c.exitCode === null && c.signalCode === null ? c.pid : undefined;
    },
  }));
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    district,
    sites,
    kill: (i) => kill(i, 'SIGKILL'),
    restart: (i) => launch(i),
    async stop() {
      await Promise.all([0, 1, 2].map((i) => kill(i, 'SIGTERM')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
