/** Shared set-up for the camera tests: simulators, a gateway configured for them, joysticks, wire timings. */
import WebSocket from 'ws';
import { startCameraSimulator, type CameraSimulatorOptions, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

export const FAST_PTZ_SPEEDS = { panDegPerSec: 200, tiltDegPerSec: 120, zoomGenericPerSec: 1 };

export function cameraEntry(id: string, sim: RunningCamera, name = id): Record<string, unknown> {
  const u = new URL(sim.urls.onvif);
  return { id, name, host: u.hostname, port: Number(u.port), username: sim.credentials.username, password: sim.credentials.password };
}

/** Camera settings tuned for quick tests (fast polls, short backoff). */
export function fastCameraConfig(list: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cameras: {
      list,
      pollIntervalMs: 500,
      requestTimeoutMs: 2000,
      reconnect: { initialMs: 200, maxMs: 1000 },
      tours: { resumeAfterIdleMs: 300, arrivalPollMs: 30, maxTravelMs: 5000 },
      ...extra,
    },
  };
}

export interface CameraRig {
  sim: RunningCamera;
  gw: TestGateway;
  stop(): Promise<void>;
}

export async function startRig(
  simOptions: CameraSimulatorOptions = {},
  cameraExtra: Record<string, unknown> = {},
  gatewayOptions: Omit<TestGatewayOptions, 'config'> & { config?: Record<string, unknown> } = {},
): Promise<CameraRig> {
  const sim = await startCameraSimulator({ ptzSpeeds: FAST_PTZ_SPEEDS, ...simOptions });
  let gw: TestGateway;
  try {
    gw = await startTestGateway({ ...gatewayOptions, config: { ...fastCameraConfig([cameraEntry('gate', sim, '东门')], cameraExtra), ...gatewayOptions.config } });
  } catch (err) {
    await sim.stop();
    throw err;
  }
  await waitOnline(gw, 'gate');
  return {
    sim,
    gw,
    async stop() {
      await gw.stop();
      await sim.stop();
    },
  };
}

export async function cameraJson(gw: TestGateway, id: string, token?: string): Promise<Record<string, unknown>> {
  const t = token ?? (await gw.login('viewer'));
  return (await (await gw.api(`/api/cameras/${id}`, { token: t })).json()) as Record<string, unknown>;
}

export async function waitOnline(gw: TestGateway, id: string, online = true, timeoutMs = 10_000): Promise<void> {
  const token = await gw.login('viewer');
  await waitFor(async () => (await cameraJson(gw, id, token)).online === online, timeoutMs, `camera ${id} ${online ? 'online' : 'offline'}`);
}

export interface Joystick {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  send(v: { pan?: number; tilt?: number; zoom?: number } | { type: 'stop' }): void;
  closed: Promise<{ code: number }>;
  close(): Promise<void>;
}

/** Opens a joystick; resolves after the gateway's first message (ready or error). */
export async function openJoystick(gw: TestGateway, id: string, token: string, query = ''): Promise<Joystick> {
  const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/api/cameras/${id}/joystick?token=${token}${query}`);
  const messages: Array<Record<string, unknown>> = [];
  const closed = new Promise<{ code: number }>((resolve) => ws.once('close', (code) => resolve({ code })));
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  await waitFor(() => messages.length > 0 || ws.readyState === WebSocket.CLOSED, 5000, 'joystick answer');
  return {
    ws,
    messages,
    closed,
    send: (v) => ws.send(JSON.stringify(v)),
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) {
        ws.close();
        await closed;
      }
    },
  };
}

/** SOAP operations the simulator handled since `sinceMs` (Date.now()), with their time. */
export function callsSince(sim: RunningCamera, operation: string, sinceMs: number): number[] {
  return sim.state.soapCalls.filter((c) => c.operation === operation && c.at >= sinceMs).map((c) => c.at);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
