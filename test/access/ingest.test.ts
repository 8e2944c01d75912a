import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { barrierDevices, makeFleet, storedIds } from './helpers.js';

describe('entry ingest (driver + access service against the simulator)', () => {
  let gw: TestGateway;
  let fleet: BarrierFleet;
  const { barriers, devices } = barrierDevices(3);
  const errors: Array<{ topic: string; reason: string }> = [];
  let watcher: mqtt.MqttClient;

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices: [...devices, { id: 'anpr-1', kind: 'barriers', password: 'anpr-secret-1' }] } } });
    fleet = makeFleet(barriers);
    await fleet.start(gw.mqttUrl);
    await waitFor(() => fleet.barriers.every((b) => b.connected), 5000, 'barriers connected');
    // A privileged client watching the error topic, as an installer would.
    watcher = mqtt.connect(gw.mqttUrl, { username: '__gateway__', clientId: '__gateway__:watcher', password: (gw.gateway as unknown as { mqtt: { options: { password: string } } }).mqtt.options.password });
    await new Promise<void>((resolve) => watcher.once('connect', () => resolve()));
    await watcher.subscribeAsync('community/gateway/errors', { qos: 0 });
    watcher.on('message', (_t, p) => errors.push(JSON.parse(p.toString()) as { topic: string; reason: string }));
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await fleet?.stop();
    await gw?.stop();
  });

  it('stores duplicates once and acknowledges them again', async () => {
    const gate = fleet.get('gate-1');
    gate.faults.duplicateRate = 1; // every entry published twice
    for (let i = 0; i < 50; i++) await fleet.passage('gate-1');
    await waitFor(() => gate.snapshot().held === 0, 5000, 'all acknowledged');
    gate.faults.duplicateRate = 0;
    expect(gate.snapshot().duplicatesSent).toBe(50);
    const metrics = await (await gw.api('/metrics')).text();
    expect(metrics).toMatch(/gateway_access_entries_duplicate_total \d+/);
    expect(Number(/gateway_access_entries_duplicate_total (\d+)/.exec(metrics)![1])).toBeGreaterThanOrEqual(1);
    const stored = storedIds(gw.gateway.database.db);
    expect(stored.rows).toBe(gate.snapshot().generated);
  });

  it('refuses a malformed entry with a message on gateway/errors and a counter; the barrier\'s next entries go through', async () => {
    const gate = fleet.get('gate-2');
    const before = storedIds(gw.gateway.database.db).rows;
    const badId = gate.sendMalformed('bad-field');
    gate.sendMalformed('not-json');
    await waitFor(() => errors.filter((e) => e.topic === 'community/barriers/gate-2/entry').length >= 2, 5000, 'two errors published');
    const reasons = errors.filter((e) => e.topic.endsWith('gate-2/entry')).map((e) => e.reason);
    expect(reasons.some((r) => r.includes('direction'))).toBe(true);
    expect(reasons.some((r) => r.includes('not valid JSON'))).toBe(true);
    const metrics = await (await gw.api('/metrics')).text();
    expect(metrics).toMatch(/gateway_mqtt_invalid_messages_total\{topic_name="barrier.entry"\} 2/);
    for (let i = 0; i < 10; i++) await fleet.passage('gate-2');
    await waitFor(() => gate.snapshot().held === 0, 5000, 'next entries acknowledged');
    expect(storedIds(gw.gateway.database.db).rows).toBe(before + 10);
    expect(storedIds(gw.gateway.database.db).ids.has(`gate-2/${badId}`)).toBe(false);
  });

  it('answers a refused entry that the barrier holds with a rejection, so it stops resending it', async () => {
    const gate = fleet.get('gate-3');
    // An entry that passes the barrier's own checks but not the contract (a denied entry without a reason).
    const entry = await gate.present({ credential: { type: 'card', value: '0012345678' }, direction: 'in' });
    expect(entry.result).toBe('granted');
    const client = mqtt.connect(gw.mqttUrl, { username: 'gate-3', password: barriers[2]!.password, clientId: 'gate-3:raw' });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const acks: unknown[] = [];
    await client.subscribeAsync('community/barriers/gate-3/ack', { qos: 1 });
    client.on('message', (_t, p) => acks.push(JSON.parse(p.toString())));
    await client.publishAsync('community/barriers/gate-3/entry', JSON.stringify({ ...entry, eventId: 'x-denied-1', result: 'denied', reason: undefined }), { qos: 1 });
    await waitFor(() => acks.some((a) => JSON.stringify(a).includes('x-denied-1')), 5000, 'rejection');
    const rejection = acks.find((a) => JSON.stringify(a).includes('x-denied-1')) as { eventIds: string[]; rejected: Array<{ eventId: string; reason: string }> };
    expect(rejection.eventIds).toEqual([]);
    expect(rejection.rejected[0]!.eventId).toBe('x-denied-1');
    expect(rejection.rejected[0]!.reason).toMatch(/reason/);
    await client.endAsync();
  });

  it('maps a Hikvision ANPR alert through its adapter and acknowledges it by UUID', async () => {
    const client = mqtt.connect(gw.mqttUrl, { username: 'anpr-1', password: 'anpr-secret-1', clientId: 'anpr-1' });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const acks: Array<{ eventIds: string[] }> = [];
    await client.subscribeAsync('community/barriers/anpr-1/ack', { qos: 1 });
    client.on('message', (_t, p) => acks.push(JSON.parse(p.toString()) as { eventIds: string[] }));
    const alert = {
      ipAddress: '192.168.1.64',
      dateTime: '2026-11-24T08:01:02+08:00',
      channelName: 'lane-1',
      UUID: '6f1c2b9e-2f65-4a1e-9c4d-3f1c0e8a9b10',
      isDataRetransmission: true,
      ANPR: { licensePlate: '豫B66666', direction: 'reverse', confidenceLevel: 88, plateColor: 'yellow', vehicleType: 'truck', vehicleListName: 'blockList', pictures: [{ resourcesContent: 'http://192.168.1.64/pic/9.jpg' }] },
    };
    await client.publishAsync('community/barriers/anpr-1/vendor/hikvision-anpr', JSON.stringify(alert), { qos: 1 });
    await client.publishAsync('community/barriers/anpr-1/vendor/acme-lpr', JSON.stringify({ plate: 'x' }), { qos: 1 });
    await waitFor(() => acks.some((a) => a.eventIds.includes(alert.UUID)), 5000, 'ack by UUID');
    const token = await gw.login('viewer');
    const res = await gw.api('/api/access/entries?gate=anpr-1', { token });
    const { entries } = (await res.json()) as { entries: Array<Record<string, unknown>> };
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      eventId: alert.UUID,
      occurredAt: '2026-11-24T00:01:02.000Z',
      direction: 'out',
      lane: 'lane-1',
      credential: { type: 'plate', value: '豫B66666' },
      result: 'denied',
      reason: 'deny-list',
      plateColor: 'yellow',
      vehicleType: 'truck',
      snapshot: 'http://192.168.1.64/pic/9.jpg',
      confidence: 88,
      retransmission: true,
      source: 'hikvision-anpr',
    });
    await waitFor(() => errors.some((e) => e.topic.endsWith('vendor/acme-lpr') && e.reason.includes('unknown vendor format')), 5000, 'unknown format refused');
    await client.endAsync();
  });
});
