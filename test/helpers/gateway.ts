import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, mergeConfig } from '../../src/config/load.js';
import type { GatewayConfig } from '../../src/config/schema.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';
import type { FeatureFactory } from '../../src/feature.js';
import { Gateway } from '../../src/gateway.js';

export const TEST_USERS = {
  admin: { name: 'admin', password: 'admin-password-1', role: 'admin' },
  officer: { name: 'officer', password: 'officer-password-1', role: 'officer' },
  officer2: { name: 'officer2', password: 'officer-password-2', role: 'officer' },
  viewer: { name: 'viewer', password: 'viewer-password-1', role: 'viewer' },
} as const;

export interface TestGateway {
  gateway: Gateway;
  config: GatewayConfig;
  /** http://127.0.0.1:<port> */
  url: string;
  /** MQTT URL of the broker in use (embedded or external). */
  mqttUrl: string;
  dataDir: string;
  login(user: keyof typeof TEST_USERS): Promise<string>;
  /** fetch against the gateway with an optional bearer token. */
  api(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  /** Merged over the test defaults (which merge over config/default.yaml). */
  config?: Record<string, unknown>;
  features?: readonly FeatureFactory[];
  /** Reuse a data directory (restart tests). */
  dataDir?: string;
  /** Keep the data directory on stop (restart tests). */
  keepDataDir?: boolean;
  /** Log to stdout at this level instead of silence (debugging). */
  logLevel?: 'debug' | 'info';
}

/** Starts a real gateway on free loopback ports with a temporary data directory. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cg-test-'));
  // Port 0: the OS picks free ports at listen time (no window in which another process can take them).
  const base = {
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { embedded: { host: '127.0.0.1', port: 0 } },
    storage: { dataDir },
    log: { level: 'silent', pretty: false },
    auth: { users: Object.values(TEST_USERS).map((u) => ({ name: u.name, password: u.password, role: u.role })) },
    // No idle spare ffmpeg in tests unless a test asks (tests count the gateway's ffmpeg children).
    streaming: { spareProcesses: 0 },
    // Browser tests not about WebRTC play MSE: their players are refused WebRTC (503) and fall back
    // at once (test/streaming/webrtc.test.ts runs WebRTC itself, from a network namespace).
    webrtc: { enabled: false },
  };
  const { config } = loadConfig({ env: {}, overrides: mergeConfig(base, options.config ?? {}) });
  const log = options.logLevel ? createLogger({ level: options.logLevel, pretty: true }) : silentLogger();
  const gateway = new Gateway({ config, log, env: {}, ...(options.features ? { features: options.features } : {}) });
  await gateway.start();
  const url = gateway.http.url;
  const mqttUrl = config.mqtt.url ?? `mqtt://127.0.0.1:${gateway.broker!.port}`;
  const api: TestGateway['api'] = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(`${url}${path}`, { ...init, headers, body });
  };
  return {
    gateway,
    config,
    url,
    mqttUrl,
    dataDir,
    api,
    async login(user) {
      const u = TEST_USERS[user];
      const res = await api('/api/auth/login', { method: 'POST', json: { name: u.name, password: u.password } });
      if (res.status !== 200) throw new Error(`login ${u.name} failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async stop() {
      await gateway.stop();
      if (!options.keepDataDir && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
