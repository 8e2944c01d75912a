import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedBarrier } from '../../simulators/barrier/barrier.js';
import { silentLogger } from '../../src/core/logger.js';
import type { MosquittoSource } from '../../src/mqtt/mosquitto-config.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';
import { DISCOVERY_TOPIC, haComponentSchemas } from './ha-schema.js';

type Config = Record<string, unknown> & { unique_id: string; availability?: Array<{ topic: string }> };

describe('Home Assistant MQTT discovery through a real mosquitto', () => {
  const devices = [
    { id: 'gate-north', kind: 'barriers' as const, password: 'pw-gate-north-1', groups: [] },
    { id: 'lobby', kind: 'speakers' as const, password: 'pw-lobby-spk-1', groups: ['all'] },
  ];
  const mqttConfig = { baseTopic: 'community', username: 'gateway', password: 'gateway-pw-1', devices, integrations: [{ name: 'homeassistant', password: 'ha-password-1' }] };
  let broker: RunningMosquitto;
  let gw: TestGateway;
  let ha: MqttClient;
  let barrier: SimulatedBarrier;
  const configs = new Map<string, Config>();
  const messages: Array<{ topic: string; payload: string; retain: boolean }> = [];
  const dir = mkdtempSync(join(tmpdir(), 'cg-ha-'));

  beforeAll(async () => {
    broker = await startMosquitto({ mqtt: mqttConfig, homeAssistant: { enabled: true, discoveryPrefix: 'homeassistant' } } as unknown as MosquittoSource);
    gw = await startTestGateway({
      config: {
        mqtt: { url: broker.url, username: 'gateway', password: 'gateway-pw-1', protocolVersion: 5, devices, integrations: mqttConfig.integrations },
        homeAssistant: { enabled: true },
        // A camera that is not there: its entities are announced, unavailable until it answers.
        cameras: { list: [{ id: 'east-gate', name: '东门', host: '127.0.0.1', port: 9, username: 'u', password: 'p' }] },
      },
    });
    // Home Assistant's side: an MQTT 5 client with the integration's login, as HA connects.
    ha = await mqtt.connectAsync(broker.url, { clientId: 'homeassistant', username: 'homeassistant', password: 'ha-password-1', protocolVersion: 5, reconnectPeriod: 0 });
    ha.on('message', (topic, payload, packet) => {
      messages.push({ topic, payload: payload.toString(), retain: packet.retain });
      if (DISCOVERY_TOPIC.test(topic)) configs.set(topic, JSON.parse(payload.toString()) as Config);
    });
    await ha.subscribeAsync(['homeassistant/#', 'community/#'], { qos: 1 });
    barrier = new SimulatedBarrier({ id: 'gate-north', password: 'pw-gate-north-1', baseTopic: 'community', dataDir: dir, log: silentLogger() });
    await barrier.start(broker.url);
    await waitFor(() => configs.size >= 18, 10_000, 'discovery configs').catch((err: Error) => {
      throw new Error(`${err.message}; got ${configs.size}: ${[...new Set(messages.map((m) => m.topic))].join(', ')}`);
    });
  }, 30_000);

  afterAll(async () => {
    await barrier?.stop();
    await ha?.endAsync();
    await gw?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces every camera, barrier and speaker entity, retained, each valid by Home Assistant\'s documented fields', () => {
    const byComponent = new Map<string, string[]>();
    for (const [topic, config] of configs) {
      const [, prefix, component, node] = DISCOVERY_TOPIC.exec(topic)!;
      expect(prefix).toBe('homeassistant');
      expect(node).toBe('community');
      const schema = haComponentSchemas[component as keyof typeof haComponentSchemas];
      const result = schema.safeParse(config);
      expect(result.success, `${topic}: ${result.success ? '' : result.error.message}`).toBe(true);
      byComponent.set(component!, [...(byComponent.get(component!) ?? []), topic]);
    }
    expect(byComponent.get('camera')).toEqual(['homeassistant/camera/community/east-gate/config']);
    expect(byComponent.get('button')).toHaveLength(8);
    expect(byComponent.get('cover')).toEqual(['homeassistant/cover/community/gate-north/config']);
    expect(byComponent.get('binary_sensor')?.sort()).toEqual(['homeassistant/binary_sensor/community/east-gate_motion/config', 'homeassistant/binary_sensor/community/gateway/config']);
    expect(byComponent.get('sensor')?.sort()).toEqual(
      ['gate-north_denied_today', 'gate-north_in_today', 'gate-north_last_entry', 'gate-north_out_today', 'lobby_state', 'visitor_entries_today'].map((o) => `homeassistant/sensor/community/${o}/config`),
    );
    const ids = [...configs.values()].map((c) => c.unique_id);
    expect(new Set(ids).size).toBe(ids.length);
    // Retained: checked by a late subscriber below (a live delivery carries no retain flag).
  });

  it('every entity is available only while the gateway and its own device are', async () => {
    const cover = configs.get('homeassistant/cover/community/gate-north/config')!;
    expect(cover.availability!.map((a) => a.topic)).toEqual(['community/gateway/state', 'community/barriers/gate-north/availability']);
    expect(cover.availability_mode).toBe('all');
    const camera = configs.get('homeassistant/camera/community/east-gate/config')!;
    expect(camera.availability!.map((a) => a.topic)).toEqual(['community/gateway/state', 'community/cameras/east-gate/availability']);
    // What those topics hold now: gateway online, barrier online, camera offline.
    const last = (t: string) => messages.filter((m) => m.topic === t).at(-1)?.payload;
    expect(JSON.parse(last('community/gateway/state')!)).toMatchObject({ state: 'online' });
    await waitFor(() => last('community/barriers/gate-north/availability') === 'online', 5000, 'barrier online');
    expect(last('community/cameras/east-gate/availability')).toBe('offline');
  });

  it('a PTZ button publishes the contract\'s own PTZ command', () => {
    const left = configs.get('homeassistant/button/community/east-gate_ptz_left/config')!;
    expect(left).toMatchObject({ command_topic: 'community/cameras/east-gate/ptz/set', payload_press: 'move:-0.5,0,0' });
  });

  it('an entry updates the last-entry sensor\'s topic and today\'s counts', async () => {
    await barrier.present({ credential: { type: 'plate', value: '豫A12345' }, direction: 'in' });
    const counts = await waitFor(() => {
      const m = messages.filter((x) => x.topic === 'community/ha/barriers/gate-north/counts').at(-1);
      const c = m && (JSON.parse(m.payload) as { in: number; out: number; denied: number });
      return c && c.in + c.denied >= 1 ? c : undefined;
    }, 10_000, 'counts');
    expect(counts.in + counts.denied).toBe(1);
    const entry = messages.find((m) => m.topic === 'community/access/entries/gate-north');
    expect(JSON.parse(entry!.payload)).toMatchObject({ credential: { value: '豫A12345' } });
  });

  it('publishes every config again when Home Assistant sends its birth message', async () => {
    const before = messages.filter((m) => DISCOVERY_TOPIC.test(m.topic)).length;
    await ha.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await waitFor(() => messages.filter((m) => DISCOVERY_TOPIC.test(m.topic)).length >= before + configs.size, 10_000, 'configs again');
    // A second subscriber that comes later gets them retained from the broker.
    const late = await mqtt.connectAsync(broker.url, { clientId: 'homeassistant:late', username: 'homeassistant', password: 'ha-password-1', protocolVersion: 5, reconnectPeriod: 0 });
    const seen = new Set<string>();
    late.on('message', (t) => seen.add(t));
    await late.subscribeAsync('homeassistant/+/community/+/config');
    await waitFor(() => seen.size === configs.size, 5000, 'retained configs');
    await late.endAsync();
  });

  it('is off by default', async () => {
    const other = await startTestGateway();
    expect(other.config.homeAssistant.enabled).toBe(false);
    expect(other.gateway.homeAssistant.configsPublished).toBe(0);
    await other.stop();
  });
});
