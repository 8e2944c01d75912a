import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/core/net.js';
import { renderMosquittoFiles, renderMosquittoSettings, type MosquittoSource } from '../../src/mqtt/mosquitto-config.js';

export const MOSQUITTO_BIN = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';

export interface RunningMosquitto {
  url: string;
  port: number;
  /** Process id of the running broker (undefined while stopped). */
  readonly pid: number | undefined;
  /** Kills the broker and starts it again (same port and persistence), after `downMs` without one. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
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
  throw new Error(`mosquitto did not open port ${port}`);
}

/**
 * Starts Debian's mosquitto on a free loopback port with the password and ACL files the gateway's
 * `mosquitto-config` command renders from `config` (gateway user + every device).
 */
export async function startMosquitto(config: MosquittoSource, options: { persistence?: boolean } = {}): Promise<RunningMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-mosquitto-'));
  const port = await freePort();
  const files = renderMosquittoFiles(config);
  writeFileSync(join(dir, 'passwd'), files.passwordFile, { mode: 0o600 });
  writeFileSync(join(dir, 'acl'), files.aclFile);
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      // What `mosquitto-config` writes (allow_anonymous, password and ACL files, use_username_as_clientid, max_packet_size).
      renderMosquittoSettings(config, { passwordFile: join(dir, 'passwd'), aclFile: join(dir, 'acl') }),
      `persistence ${options.persistence === false ? 'false' : 'true'}`,
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      'max_queued_messages 100000',
      'log_dest stderr',
      'log_type error',
      // Started as root, mosquitto drops to the `mosquitto` user, which cannot read this private temp dir: stay who we are.
      `user ${userInfo().username}`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  const launch = async () => {
    let stderr = '';
    child = spawn(MOSQUITTO_BIN, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitForPort(port).catch((err: Error) => {
      throw new Error(`${err.message}: ${stderr.trim()}`);
    });
  };
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await launch();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.exitCode === null ? child.pid : undefined;
    },
    /** Kills the broker and starts it again on the same port and persistence, after `downMs`. */
    async restart(downMs = 0) {
      await kill();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
