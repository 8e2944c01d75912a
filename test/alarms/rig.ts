import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedAlarmButton } from '../../simulators/alarm-button/button.js';
import type { AlarmDeviceBehaviour } from '../../simulators/alarm-button/behaviours.js';
import { SimulatedDoorSensor } from '../../simulators/door-sensor/sensor.js';
import { silentLogger } from '../../src/core/logger.js';
import type { FeatureFactory } from '../../src/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

export const BUTTON = { id: 'btn-b3', password: 'pw-btn-b3-secret' };
export const DOOR = { id: 'door-701', password: 'pw-door-701-secret' };

export interface AlarmRig {
  gw: TestGateway;
  button: SimulatedAlarmButton;
  door: SimulatedDoorSensor;
  simDir: string;
  officer: string;
  call<T>(path: string, init?: { method?: string; json?: unknown; expect?: number; token?: string }): Promise<T>;
  stop(): Promise<void>;
}

/** A gateway with an alarm button and a door sensor (simulated, over the real broker). */
export async function startAlarmRig(options: { config?: Record<string, unknown>; features?: readonly FeatureFactory[]; devices?: Array<Record<string, unknown>>; behaviours?: AlarmDeviceBehaviour[]; dataDir?: string; doorName?: string } = {}): Promise<AlarmRig> {
  const extra = (options.config ?? {}) as { mqtt?: { devices?: unknown[] } };
  const gw = await startTestGateway({
    ...(options.features ? { features: options.features } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    config: {
      ...extra,
      mqtt: {
        devices: [
          { id: BUTTON.id, kind: 'alarm-buttons', password: BUTTON.password },
          { id: DOOR.id, kind: 'door-sensors', password: DOOR.password, ...(options.doorName ? { name: options.doorName } : {}) },
          ...(options.devices ?? []),
        ],
      },
    },
  });
  const simDir = mkdtempSync(join(tmpdir(), 'cg-alarm-devs-'));
  const common = { baseTopic: gw.config.mqtt.baseTopic, dataDir: simDir, log: silentLogger(), behaviours: options.behaviours ?? [] };
  const button = new SimulatedAlarmButton({ ...common, ...BUTTON });
  const door = new SimulatedDoorSensor({ ...common, ...DOOR });
  await button.start(gw.mqttUrl);
  await door.start(gw.mqttUrl);
  await waitFor(() => gw.gateway.presence.get('alarm-buttons', BUTTON.id)?.availability === 'online' && gw.gateway.presence.get('door-sensors', DOOR.id)?.availability === 'online', 5000, 'alarm devices online');
  const officer = await gw.login('officer');
  const call = async <T>(path: string, init: { method?: string; json?: unknown; expect?: number; token?: string } = {}): Promise<T> => {
    const res = await gw.api(path, { method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'), token: init.token ?? officer, ...(init.json !== undefined ? { json: init.json } : {}) });
    const text = await res.text();
    const expected = init.expect ?? (res.status >= 200 && res.status < 300 ? res.status : 200);
    if (res.status !== expected) throw new Error(`${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    gw,
    button,
    door,
    simDir,
    officer,
    call,
    async stop() {
      await door.stop();
      await button.stop();
      await gw.stop();
      rmSync(simDir, { recursive: true, force: true });
    },
  };
}
