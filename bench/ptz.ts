/**
 * `npm run bench -- ptz [--samples N] [--cameras N] [--seconds S]`: gateway overhead from a joystick
 * WebSocket message received to the ContinuousMove SOAP request bytes written (the `onvif`
 * client's rawRequest, emitted just before req.write), p50/p99; beside it, in the same process
 * and against the same simulated camera, a direct `onvif` client continuousMove (call ->
 * rawRequest). Then N joysticks on N simulated cameras at once. Writes bench/results/ptz.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { OnvifClient } from '../devices/onvif-camera/onvif-client.js';
import { startCameraSimulator, type RunningCamera } from '../simulators/onvif-camera/index.js';
import { createCamerasFeature } from '../src/cameras/feature.js';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/core/logger.js';
import { freePort } from '../src/core/net.js';
import { Gateway } from '../src/gateway.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const PASSWORD = 'bench-officer-1';

async function startGateway(sims: RunningCamera[], onLatency: (id: string, ms: number) => void, dataDir: string): Promise<Gateway> {
  const { config } = loadConfig({
    env: {},
    overrides: {
      http: { host: '127.0.0.1', port: await freePort() },
      mqtt: { embedded: { host: '127.0.0.1', port: await freePort(), websocket: false } },
      storage: { dataDir },
      log: { level: 'silent', pretty: false },
      auth: { users: [{ name: 'officer', password: PASSWORD, role: 'officer' }] },
      cameras: {
        list: sims.map((s, i) => {
          const u = new URL(s.urls.onvif);
          return { id: `cam${i + 1}`, name: `Camera ${i + 1}`, host: u.hostname, port: Number(u.port), username: 'admin', password: 'admin123' };
        }),
        events: false,
        pollIntervalMs: 5000,
      },
    },
  });
  const gateway = new Gateway({ config, log: silentLogger(), env: {}, features: [createCamerasFeature({ onWireLatency: onLatency })] });
  await gateway.start();
  return gateway;
}

async function waitAllOnline(url: string, token: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = (await (await fetch(`${url}/api/cameras`, { headers: { authorization: `Bearer ${token}` } })).json()) as { cameras: Array<{ online: boolean }> };
    if (res.cameras.filter((c) => c.online).length === count) return;
    await sleep(100);
  }
  throw new Error('cameras did not come online');
}

async function joystick(url: string, token: string, id: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/cameras/${id}/joystick?token=${token}`);
  await new Promise((resolve, reject) => {
    ws.once('message', resolve);
    ws.once('error', reject);
  });
  return ws;
}

/** Alternating vectors so that every message changes the vector (each one is a ContinuousMove). */
async function drive(ws: WebSocket, messages: number, intervalMs: number): Promise<void> {
  for (let i = 0; i < messages; i++) {
    ws.send(JSON.stringify({ pan: i % 2 ? 0.3 : 0.31, tilt: 0, zoom: 0 }));
    await sleep(intervalMs);
  }
  ws.send(JSON.stringify({ pan: 0, tilt: 0, zoom: 0 }));
  await sleep(100);
}

async function direct(sim: RunningCamera, samples: number, intervalMs: number): Promise<number[]> {
  const u = new URL(sim.urls.onvif);
  const client = new OnvifClient({ host: u.hostname, port: Number(u.port), username: 'admin', password: 'admin123', timeoutMs: 5000 });
  await client.connect();
  const out: number[] = [];
  let t0 = 0;
  client.onRequestWritten(() => out.push(performance.now() - t0));
  for (let i = 0; i < samples; i++) {
    t0 = performance.now();
    await client.call('continuousMove', { x: i % 2 ? 0.3 : 0.31, y: 0, zoom: 0, timeout: 1000 });
    await sleep(intervalMs);
  }
  await client.call('stop', { panTilt: true, zoom: true });
  client.close();
  return out;
}

export default async function ptzBench(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { samples: { type: 'string', default: '300' }, cameras: { type: 'string', default: '20' }, seconds: { type: 'string', default: '4' } } });
  const samples = Number(values.samples);
  const cameraCount = Number(values.cameras);
  const seconds = Number(values.seconds);
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-bench-ptz-'));
  const sims: RunningCamera[] = [];
  let gateway: Gateway | undefined;
  try {
    for (let i = 0; i < cameraCount; i++) sims.push(await startCameraSimulator({ name: `Bench ${i + 1}` }));
    const latencies = new Map<string, number[]>();
    gateway = await startGateway(sims, (id, ms) => {
      const list = latencies.get(id) ?? [];
      list.push(ms);
      latencies.set(id, list);
    }, dataDir);
    const url = gateway.http.url;
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'officer', password: PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    await waitAllOnline(url, token, cameraCount);

    // 1. One joystick, one camera.
    const ws = await joystick(url, token, 'cam1');
    await drive(ws, 20, 20); // warm-up
    latencies.clear();
    await drive(ws, samples, 20);
    ws.close();
    const single = latencies.get('cam1') ?? [];

    // 2. Direct onvif client against the same camera, same process.
    await direct(sims[0]!, 20, 20); // warm-up
    const directMs = await direct(sims[0]!, samples, 20);

    // 3. N joysticks on N cameras at once, 10 messages/s each.
    latencies.clear();
    const sockets = await Promise.all(sims.map((_, i) => joystick(url, token, `cam${i + 1}`)));
    await Promise.all(sockets.map((s) => drive(s, seconds * 10, 100)));
    for (const s of sockets) s.close();
    const concurrent = [...latencies.values()].flat();

    const rows = [
      { path: 'gateway: joystick msg -> SOAP write', samples: single.length, p50_ms: percentile(single, 50), p99_ms: percentile(single, 99) },
      { path: 'direct onvif client: call -> SOAP write', samples: directMs.length, p50_ms: percentile(directMs, 50), p99_ms: percentile(directMs, 99) },
      { path: `gateway, ${cameraCount} joysticks at once`, samples: concurrent.length, p50_ms: percentile(concurrent, 50), p99_ms: percentile(concurrent, 99) },
    ];
    printTable('PTZ command path', rows);
    const result = {
      overhead_p50_ms: round(percentile(single, 50), 3),
      overhead_p99_ms: round(percentile(single, 99), 3),
      direct_p50_ms: round(percentile(directMs, 50), 3),
      direct_p99_ms: round(percentile(directMs, 99), 3),
      concurrent20_overhead_p50_ms: round(percentile(concurrent, 50), 3),
      concurrent20_overhead_p99_ms: round(percentile(concurrent, 99), 3),
      cameras: cameraCount,
      samples: { single: single.length, direct: directMs.length, concurrent: concurrent.length },
    };
    console.log(`\nwrote ${writeResult('ptz', result)}`);
  } finally {
    await gateway?.stop();
    await Promise.all(sims.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
