import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAlarmButton } from '../../simulators/alarm-button/button.js';
import { SimulatedBarrier } from '../../simulators/barrier/barrier.js';
import { SimulatedDoorSensor } from '../../simulators/door-sensor/sensor.js';
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
    { id: 'btn-b3', kind: 'alarm-buttons' as const, password: 'pw-btn-b3-secret', groups: [] },
    { id: 'door-701', kind: 'door-sensors' as const, password: 'pw-door-701-secret', groups: [] },
  ];
  const mqttConfig = { baseTopic: 'community', username: 'gateway', password: 'gateway-pw-1', devices, integrations: [{ name: 'homeassistant', password: 'ha-password-1' }] };
  let broker: RunningMosquitto;
  let gw: TestGateway;
  let ha: MqttClient;
  let barrier: SimulatedBarrier;
  let button: SimulatedAlarmButton;
  let door: SimulatedDoorSensor;
  const configs = new Map<string, Config>();
  const messages: Array<{ topic: string; payload: string; retain: boolean }> = [];
  const dir = mkdtempSync(join(tmpdir(), 'cg-ha-'));

  beforeAll(async () => {
    broker = await startMosquitto({ mqtt: mqttConfig, homeAssistant: { enabled: true, discoveryPrefix: 'homeassistant' } } as unknown as MosquittoSource);
    gw = await startTestGateway({
      config: {
        mqtt: { url: broker.url, username: 'gateway', password: 'gateway-pw-1', protocolVersion: 5, devices, integrations: mqttConfig.integrations },
        homeAssistant: { enabled: true },
        alarms: { devices: [{ id: 'btn-b3', name: '3号楼一键报警', location: 'Building 3 unit 2' }] },
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
    button = new SimulatedAlarmButton({ id: 'btn-b3', password: 'pw-btn-b3-secret', baseTopic: 'community', dataDir: dir, log: silentLogger() });
    door = new SimulatedDoorSensor({ id: 'door-701', password: 'pw-door-701-secret', baseTopic: 'community', dataDir: dir, log: silentLogger() });
    await button.start(broker.url);
    await door.start(broker.url);
    await waitFor(() => configs.size >= 25, 10_000, 'discovery configs').catch((err: Error) => {
      throw new Error(`${err.message}; got ${configs.size}: ${[...new Set(messages.map((m) => m.topic))].join(', ')}`);
    });
  }, 30_000);

  afterAll(async () => {
    await barrier?.stop();
    await button?.stop();
    await door?.stop();
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
    expect(byComponent.get('binary_sensor')?.sort()).toEqual(
      ['btn-b3_siren', 'btn-b3_tamper', 'door-701', 'door-701_tamper', 'east-gate_motion', 'gateway'].map((o) => `homeassistant/binary_sensor/community/${o}/config`),
    );
    expect(byComponent.get('sensor')?.sort()).toEqual(
      ['btn-b3_battery', 'door-701_battery', 'gate-north_denied_today', 'gate-north_in_today', 'gate-north_last_entry', 'gate-north_out_today', 'lobby_state', 'visitor_entries_today'].map((o) => `homeassistant/sensor/community/${o}/config`),
    );
    expect(byComponent.get('event')).toEqual(['homeassistant/event/community/btn-b3/config']);
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

  it('alarm buttons and door sensors: entities on the devices\' own topics, available with the device', async () => {
    const event = configs.get('homeassistant/event/community/btn-b3/config')!;
    expect(event).toMatchObject({ state_topic: 'community/alarm-buttons/btn-b3/event', event_types: ['press', 'long-press', 'tamper', 'battery-low'], device: { name: '3号楼一键报警', via_device: 'community-gateway_community' } });
    expect(event.availability!.map((a) => a.topic)).toEqual(['community/gateway/state', 'community/alarm-buttons/btn-b3/availability']);
    const doorConfig = configs.get('homeassistant/binary_sensor/community/door-701/config')!;
    expect(doorConfig).toMatchObject({ device_class: 'door', state_topic: 'community/door-sensors/door-701/state' });
    expect(doorConfig.availability!.map((a) => a.topic)).toEqual(['community/gateway/state', 'community/door-sensors/door-701/availability']);
    for (const id of ['btn-b3_battery', 'door-701_battery']) expect(configs.get(`homeassistant/sensor/community/${id}/config`)).toMatchObject({ device_class: 'battery', unit_of_measurement: '%', value_template: '{{ value_json.battery }}' });
    for (const id of ['btn-b3_tamper', 'door-701_tamper']) expect(configs.get(`homeassistant/binary_sensor/community/${id}/config`)).toMatchObject({ device_class: 'tamper' });
    // What the devices publish carries the fields the templates read.
    const last = (t: string) => messages.filter((m) => m.topic === t).at(-1)?.payload;
    await waitFor(() => last('community/alarm-buttons/btn-b3/availability') === 'online' && last('community/door-sensors/door-701/availability') === 'online', 5000, 'alarm devices online');
    expect(JSON.parse(last('community/door-sensors/door-701/state')!)).toMatchObject({ contact: 'closed', battery: expect.any(Number), tamper: false });
    await door.open();
    await waitFor(() => (JSON.parse(last('community/door-sensors/door-701/state') ?? '{}') as { contact?: string }).contact === 'open' || undefined, 5000, 'door open on its state topic');
    const pressed = await button.press();
    const seen = await waitFor(() => messages.find((m) => m.topic === 'community/alarm-buttons/btn-b3/event' && (JSON.parse(m.payload) as { eventId: string }).eventId === pressed.eventId), 5000, 'the press on the event topic');
    expect(JSON.parse(seen.payload)).toMatchObject({ type: 'press' });
    expect(JSON.parse(last('community/alarm-buttons/btn-b3/state')!)).toMatchObject({ battery: expect.any(Number), tamper: false, siren: false });
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
