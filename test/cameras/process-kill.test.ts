/**
 * The gateway process dies (SIGKILL) while a joystick holds the camera moving: no Stop can be
 * sent, and the camera stops by itself within the ContinuousMove Timeout the gateway put on
 * every move.
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
import { cameraEntry, fastCameraConfig, FAST_PTZ_SPEEDS } from './helpers.js';

const MOVE_TIMEOUT_MS = 1000;
let sim: RunningCamera;
let child: ChildProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  sim = await startCameraSimulator({ ptzSpeeds: FAST_PTZ_SPEEDS });
  dataDir = mkdtempSync(join(tmpdir(), 'cg-kill-'));
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await sim?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('the camera stops within its ContinuousMove Timeout when the gateway process is killed', async () => {
  const config = {
    http: { host: '127.0.0.1', port: await freePort() },
    mqtt: { embedded: { host: '127.0.0.1', port: await freePort(), websocket: false } },
    storage: { dataDir },
    log: { level: 'silent', pretty: false },
    auth: { users: [TEST_USERS.officer] },
    ...fastCameraConfig([cameraEntry('gate', sim)], { ptz: { moveTimeoutMs: MOVE_TIMEOUT_MS, deadmanMs: 500, refreshMs: 400 } }),
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/gateway-child.ts', import.meta.url)), JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = proc;
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await waitFor(() => /READY (\S+)/.exec(out)?.[1], 20_000, 'child gateway ready');
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'officer', password: TEST_USERS.officer.password }) });
  const { token } = (await login.json()) as { token: string };
  await waitFor(async () => ((await (await fetch(`${url}/api/cameras/gate`, { headers: { authorization: `Bearer ${token}` } })).json()) as { online: boolean }).online, 10_000, 'camera online');

  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/cameras/gate/joystick?token=${token}`);
  ws.on('error', () => {});
  await new Promise((resolve) => ws.once('message', resolve));
  const hold = setInterval(() => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ pan: 0.5, tilt: 0, zoom: 0 })), 100);
  try {
    await waitFor(() => sim.state.ptz.panTiltStatus === 'MOVING', 3000, 'moving');
    await new Promise((r) => setTimeout(r, 700)); // at least one refresh went out
    proc.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((resolve) => proc.once('exit', resolve));
    const lastMove = Math.max(...sim.state.soapCalls.filter((c) => c.operation === 'ContinuousMove').map((c) => c.at));
    expect(lastMove).toBeLessThanOrEqual(killedAt + 5);
    await waitFor(() => sim.state.ptz.panTiltStatus === 'IDLE', 3000, 'camera stopped by itself');
    const stoppedAfter = Date.now() - lastMove;
    // No Stop went out: the Timeout did it.
    expect(sim.state.soapCalls.filter((c) => c.operation === 'Stop' && c.at >= killedAt)).toHaveLength(0);
    expect(stoppedAfter).toBeGreaterThanOrEqual(MOVE_TIMEOUT_MS - 100);
    expect(stoppedAfter).toBeLessThan(MOVE_TIMEOUT_MS + 400);
  } finally {
    clearInterval(hold);
    ws.terminate();
  }
});
