/** The gateway as its own process for the dashboard bench and trace (a config file with the given cameras). */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../src/core/net.js';

export const ADMIN_PASSWORD = 'bench-admin-password-1';

export interface GatewayProcessOptions {
  logLevel?: string;
  /** Every line the gateway prints (its JSON log at `logLevel`). */
  onLine?: (line: string) => void;
  /** Extra options for the gateway's Node process (e.g. `--cpu-prof` for a profile). */
  nodeArgs?: string[];
}

export async function startGateway(dataDir: string, cameraConfig: Record<string, unknown>, o: GatewayProcessOptions = {}): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const file = join(dataDir, 'config.yaml');
  writeFileSync(
    file,
    stringify({
      http: { host: '127.0.0.1', port },
      mqtt: { embedded: { host: '127.0.0.1', port: await freePort() } },
      storage: { dataDir },
      log: { level: o.logLevel ?? 'warn', pretty: false },
      streaming: { graceMs: 2000 },
      ...cameraConfig,
    }),
  );
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts', 'start', '--config', file], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    // Generous: on the shared machine under load 20-30, tsx alone takes most of a minute.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start within 120 s: ${out}`));
    }, 120_000);
    let partial = '';
    child.stdout!.on('data', (c: Buffer) => {
      const lines = (partial + c.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) o.onLine?.(line);
    });
    child.stdout!.on('data', (c: Buffer) => {
      if (out.includes('is running')) return;
      out += c.toString();
      if (out.includes('is running')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

export async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password: ADMIN_PASSWORD }) });
  return ((await res.json()) as { token: string }).token;
}


/** Ends a dashboard run: the browser, then the gateway (SIGTERM, waits for its exit), the cameras, and the data folder. */
export async function stopDashboardRun(run: { browser: { close(): Promise<void> }; gateway: { child: ChildProcess }; cameras: ReadonlyArray<{ stop(): Promise<void> }>; dataDir: string }): Promise<void> {
  await run.browser.close();
  run.gateway.child.kill('SIGTERM');
  await new Promise((r) => run.gateway.child.once('exit', r));
  await Promise.all(run.cameras.map((c) => c.stop()));
  rmSync(run.dataDir, { recursive: true, force: true });
}
