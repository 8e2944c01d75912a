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
import { haComponentSchemas } from './ha-schema.js';

describe('Home Assistant opens a barrier through its cover, over a real mosquitto', () => {
  const devices = [{ id: 'gate-north', kind: 'barriers' as const, password: 'pw-gate-north-1', groups: [] }];
  const integrations = [{ name: 'homeassistant', password: 'ha-password-1' }];
  const mqttConfig = { baseTopic: 'community', username: 'gateway', password: 'gateway-pw-1', devices, integrations };
  let broker: RunningMosquitto;
  let gw: TestGateway | undefined;
  let ha: MqttClient;
  let barrier: SimulatedBarrier;
  const messages: Array<{ topic: string; payload: string }> = [];
  const dir = mkdtempSync(join(tmpdir(), 'cg-ha-cover-'));
  const startGateway = (allowControl: boolean) =>
    startTestGateway({
      config: {
        mqtt: { url: broker.url, username: 'gateway', password: 'gateway-pw-1', protocolVersion: 5, devices, integrations },
        homeAssistant: { enabled: true, allowControl },
        cameras: { list: [] },
      },
    });
  const last = (topic: string) => messages.filter((m) => m.topic === topic).at(-1)?.payload;

  beforeAll(async () => {
    broker = await startMosquitto({ mqtt: mqttConfig, homeAssistant: { enabled: true, discoveryPrefix: 'homeassistant' } } as unknown as MosquittoSource);
    ha = await mqtt.connectAsync(broker.url, { clientId: 'homeassistant', username: 'homeassistant', password: 'ha-password-1', protocolVersion: 5, reconnectPeriod: 0 });
    ha.on('message', (topic, payload) => messages.push({ topic, payload: payload.toString() }));
    await ha.subscribeAsync(['homeassistant/#', 'community/#'], { qos: 1 });
    barrier = new SimulatedBarrier({ id: 'gate-north', password: 'pw-gate-north-1', baseTopic: 'community', dataDir: dir, log: silentLogger(), timing: { openMs: 50, closeMs: 50, passMs: 100 } });
    await barrier.start(broker.url);
  }, 30_000);

  afterAll(async () => {
    await barrier?.stop();
    await ha?.endAsync();
    await gw?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with allowControl off (the default) the cover has no command topic, and a command is refused without touching the barrier', async () => {
    gw = await startGateway(false);
    expect(gw.config.homeAssistant.allowControl).toBe(false);
    const cover = await waitFor(() => last('homeassistant/cover/community/gate-north/config'), 10_000, 'cover config');
    expect(JSON.parse(cover)).not.toHaveProperty('command_topic');
    await waitFor(() => last('community/barriers/gate-north/availability') === 'online' || undefined, 10_000, 'barrier online');
    const commands = barrier.counters.commands;
    await ha.publishAsync('community/ha/barriers/gate-north/set', 'OPEN', { qos: 1 });
    const refused = await waitFor(() => gw!.gateway.audit.list({ limit: 20 }).find((e) => e.action === 'barrier.open'), 5000, 'the refusal in the audit log');
    expect(refused).toMatchObject({ user: 'Home Assistant', outcome: 'refused', target: 'gate-north' });
    expect(barrier.counters.commands).toBe(commands);
    await gw.stop();
    gw = undefined;
  });

  it('with allowControl, OPEN on the command topic opens the barrier through the gateway\'s own command path, audited with reason "Home Assistant"', async () => {
    messages.length = 0;
    gw = await startGateway(true);
    const cover = JSON.parse(await waitFor(() => last('homeassistant/cover/community/gate-north/config'), 10_000, 'cover config')) as Record<string, unknown>;
    const valid = haComponentSchemas.cover.safeParse(cover);
    expect(valid.success, valid.success ? '' : valid.error.message).toBe(true);
    expect(cover).toMatchObject({ command_topic: 'community/ha/barriers/gate-north/set', payload_open: 'OPEN', payload_close: 'CLOSE', payload_stop: null });
    await waitFor(() => gw!.gateway.presence.get('barriers', 'gate-north')?.availability === 'online' || undefined, 10_000, 'barrier online at the gateway');
    const commands = barrier.counters.commands;
    await ha.publishAsync(cover.command_topic as string, 'OPEN', { qos: 1 });
    const audit = await waitFor(() => gw!.gateway.audit.list({ limit: 20 }).find((e) => e.action === 'barrier.open' && e.outcome !== 'pending'), 10_000, 'the audited open');
    expect(audit).toMatchObject({ user: 'Home Assistant', role: 'integration', outcome: 'ok', target: 'gate-north', detail: expect.objectContaining({ reason: 'Home Assistant' }) });
    expect(barrier.counters.commands).toBe(commands + 1);
    // The barrier carried it out: its state went to open (Home Assistant's cover reads this topic).
    await waitFor(() => messages.some((m) => m.topic === 'community/barriers/gate-north/state' && JSON.parse(m.payload).state === 'open') || undefined, 5000, 'the arm open');
    // Garbage on the command topic is refused by the contract and reported, and moves nothing.
    await ha.publishAsync(cover.command_topic as string, 'FLY', { qos: 1 });
    await waitFor(() => messages.some((m) => m.topic === 'community/gateway/errors' && m.payload.includes('ha/barriers/gate-north/set')) || undefined, 5000, 'the error report');
    expect(barrier.counters.commands).toBe(commands + 1);
  });

  it('publishes today\'s visitor entries for its sensor', async () => {
    const sensor = JSON.parse(await waitFor(() => last('homeassistant/sensor/community/visitor_entries_today/config'), 5000, 'visitor sensor config')) as Record<string, unknown>;
    expect(haComponentSchemas.sensor.safeParse(sensor).success).toBe(true);
    const officer = await gw!.login('officer');
    const pass = (await (
      await gw!.api('/api/visitors', {
        method: 'POST',
        token: officer,
        json: { name: '赵六', phone: '13900000000', building: '1', unit: '1', room: '101', validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 3_600_000).toISOString() },
      })
    ).json()) as { token: string };
    await waitFor(() => barrier.passes.size === 1 || undefined, 5000, 'the pass on the barrier');
    expect(await barrier.present({ credential: { type: 'qr', value: pass.token }, direction: 'in' })).toMatchObject({ result: 'granted' });
    await waitFor(() => {
      const counts = last('community/ha/visitors/counts');
      return counts && (JSON.parse(counts) as { entries: number }).entries === 1 ? counts : undefined;
    }, 5000, 'one visitor entry counted');
  });
});
