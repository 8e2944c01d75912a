/**
 * A camera that ignores the ContinuousMove Timeout keeps turning when the gateway process dies
 * mid-move (SIGKILL: no Stop can go out). The gateway marked the move in its database; the next
 * run sends Stop as soon as it connects to the camera.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { freePort } from '../../src/core/net.js';
import { TEST_USERS } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { cameraEntry, fastCameraConfig, FAST_PTZ_SPEEDS, sleep } from './helpers.js';

let sim: RunningCamera;
const children: ChildProcess[] = [];
let dataDir: string;

beforeAll(async () => {
  sim = await startCameraSimulator({ ptzSpeeds: FAST_PTZ_SPEEDS, behaviours: ['ignore-move-timeout'] });
  dataDir = mkdtempSync(join(tmpdir(), 'cg-moving-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sim?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startChild(config: Record<string, unknown>): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/gateway-child.ts', import.meta.url)), JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await waitFor(() => /READY (\S+)/.exec(out)?.[1], 20_000, 'child gateway ready');
  return { proc, url };
}

it('after a SIGKILL mid-move, the restarted gateway stops a camera that ignores the move Timeout', async () => {
  const config = async (): Promise<Record<string, unknown>> => ({
    http: { host: '127.0.0.1', port: await freePort() },
    mqtt: { embedded: { host: '127.0.0.1', port: await freePort(), websocket: false } },
    storage: { dataDir },
    log: { level: 'silent', pretty: false },
    auth: { users: [TEST_USERS.officer] },
    ...fastCameraConfig([cameraEntry('gate', sim)], { ptz: { moveTimeoutMs: 500, deadmanMs: 500, refreshMs: 400 } }),
  });
  const first = await startChild(await config());
  const login = await fetch(`${first.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'officer', password: TEST_USERS.officer.password }) });
  const { token } = (await login.json()) as { token: string };
  await waitFor(async () => ((await (await fetch(`${first.url}/api/cameras/gate`, { headers: { authorization: `Bearer ${token}` } })).json()) as { online: boolean }).online, 10_000, 'camera online');
  const ws = new WebSocket(`${first.url.replace('http', 'ws')}/api/cameras/gate/joystick?token=${token}`);
  ws.on('error', () => {});
  await new Promise((resolve) => ws.once('message', resolve));
  ws.send(JSON.stringify({ pan: 0.5, tilt: 0, zoom: 0 }));
  await waitFor(() => sim.state.ptz.panTiltStatus === 'MOVING', 3000, 'moving');
  first.proc.kill('SIGKILL');
  await new Promise((resolve) => first.proc.once('exit', resolve));
  ws.terminate();
  // Well past the 500 ms Timeout it was given, the camera still turns.
  await sleep(1500);
  expect(sim.state.ptz.panTiltStatus).toBe('MOVING');

  const restartedAt = Date.now();
  await startChild(await config());
  await waitFor(() => sim.state.ptz.panTiltStatus === 'IDLE', 10_000, 'camera stopped by the restarted gateway');
  const stops = sim.state.soapCalls.filter((c) => c.operation === 'Stop' && c.at >= restartedAt);
  expect(stops.length).toBeGreaterThanOrEqual(1);
  const connectedAt = Math.min(...sim.state.soapCalls.filter((c) => c.operation === 'GetProfiles' && c.at >= restartedAt).map((c) => c.at));
  expect(stops[0]!.at - connectedAt).toBeLessThan(2000);
}, 60_000);
