/**
 * The whole gateway (`src/main.ts start`) in its own process for a benchmark, so that its CPU
 * (Node and its ffmpeg children) is measured apart from the simulators and the browser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../src/core/net.js';

export const BENCH_ADMIN_PASSWORD = 'bench-admin-password-1';

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  token: string;
  stop(): Promise<void>;
}

export async function startGatewayProcess(dataDir: string, host: string, config: Record<string, unknown>): Promise<GatewayProcess> {
  const port = await freePort();
  const file = join(dataDir, 'config.yaml');
  writeFileSync(file, stringify({ http: { host, port }, mqtt: { embedded: { host: '127.0.0.1', port: await freePort() } }, storage: { dataDir }, log: { level: 'warn', pretty: false }, ...config }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start', '--config', file], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GATEWAY_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD } });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 90_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('is running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${out}`)));
  });
  const url = `http://${host}:${port}`;
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ name: 'admin', password: BENCH_ADMIN_PASSWORD }) });
  const token = ((await res.json()) as { token: string }).token;
  return {
    child,
    url,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
