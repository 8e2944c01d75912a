import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AckPayload, EntryConflict, StoredEntry } from '../../devices/mqtt-barrier/protocol.js';
import { INVALID_REPORTS_PER_MINUTE } from '../../src/mqtt/contract-router.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const GATE = 'gate-fb';
const PASSWORD = 'gate-fb-secret-1';
const integration = { name: 'observer', password: 'observer-secret-1' };

async function connect(url: string, username: string, password: string): Promise<MqttClient> {
  const client = mqtt.connect(url, { clientId: username, username, password, reconnectPeriod: 0, protocolVersion: 4 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

function entry(eventId: unknown, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { eventId, timestamp: new Date().toISOString(), direction: 'in', credential: { type: 'plate', value: '豫A12345' }, result: 'granted', ...over };
}

describe('feedback a barrier can see', () => {
  let gw: TestGateway;
  let barrier: MqttClient;
  let observer: MqttClient;
  const acks: AckPayload[] = [];
  const errors: Array<{ topic: string; reason: string }> = [];
  const topic = `community/barriers/${GATE}/entry`;
  const rejectionOf = (eventId: string) => acks.flatMap((a) => a.rejected ?? []).find((r) => r.eventId === eventId);
  const ackedIds = () => acks.flatMap((a) => a.eventIds);

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices: [{ id: GATE, kind: 'barriers', password: PASSWORD }], integrations: [integration] } } });
    barrier = await connect(gw.mqttUrl, GATE, PASSWORD);
    await barrier.subscribeAsync(`community/barriers/${GATE}/ack`, { qos: 1 });
    barrier.on('message', (_t, payload) => acks.push(JSON.parse(payload.toString()) as AckPayload));
    observer = await connect(gw.mqttUrl, integration.name, integration.password);
    await observer.subscribeAsync('community/gateway/errors', { qos: 1 });
    observer.on('message', (_t, payload) => errors.push(JSON.parse(payload.toString()) as { topic: string; reason: string }));
  });

  afterAll(async () => {
    barrier?.end(true);
    observer?.end(true);
    await gw?.stop();
  });

  it('rejects a 129-character eventId with a reason code, naming it as sent', async () => {
    const id = 'x'.repeat(129);
    await barrier.publishAsync(topic, JSON.stringify(entry(id)), { qos: 1 });
    const r = await waitFor(() => rejectionOf(id), 3000, 'rejection');
    expect(r.code).toBe('invalid-event-id');
    expect(r.reason).toMatch(/eventId/);
  });

  it('rejects a numeric eventId, naming it as text', async () => {
    await barrier.publishAsync(topic, JSON.stringify(entry(4242)), { qos: 1 });
    const r = await waitFor(() => rejectionOf('4242'), 3000, 'rejection');
    expect(r.code).toBe('invalid-event-id');
  });

  it('rejects invalid UTF-8 instead of storing replacement characters', async () => {
    const text = JSON.stringify(entry('utf8-bad-1', { credential: { type: 'plate', value: 'PLATEXX' } }));
    const raw = Buffer.from(text, 'utf8');
    const at = raw.indexOf('PLATEXX');
    raw[at + 5] = 0xff;
    raw[at + 6] = 0xfe;
    await barrier.publishAsync(topic, raw, { qos: 1 });
    const r = await waitFor(() => rejectionOf('utf8-bad-1'), 3000, 'rejection');
    expect(r.code).toBe('invalid-utf8');
    const n = gw.gateway.database.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM access_entries WHERE event_id = 'utf8-bad-1'").get()!.n;
    expect(n).toBe(0);
  });

  it('keeps the time zone offset the barrier wrote', async () => {
    await barrier.publishAsync(topic, JSON.stringify(entry('tz-1', { timestamp: '2026-11-24T08:01:02.345+08:00' })), { qos: 1 });
    await waitFor(() => ackedIds().includes('tz-1'), 3000, 'ack');
    const token = await gw.login('viewer');
    const page = (await (await gw.api('/api/access/entries?gate=gate-fb', { token })).json()) as { entries: StoredEntry[] };
    const stored = page.entries.find((e) => e.eventId === 'tz-1')!;
    expect(stored.utcOffset).toBe('+08:00');
    expect(stored.deviceTime).toBe('2026-11-24T00:01:02.345Z');
  });

  it('acknowledges a resend of the same entry, and flags a reused eventId with other content as a conflict the officer sees', async () => {
    const conflicts: EntryConflict[] = [];
    const off = gw.gateway.bus.on('access.conflict', (c) => conflicts.push(c));
    const first = entry('reuse-1', { timestamp: '2026-11-24T08:00:00.000+08:00' });
    await barrier.publishAsync(topic, JSON.stringify(first), { qos: 1 });
    await waitFor(() => ackedIds().includes('reuse-1'), 3000, 'first ack');
    await barrier.publishAsync(topic, JSON.stringify({ ...first, retransmission: true }), { qos: 1 });
    await waitFor(() => ackedIds().filter((id) => id === 'reuse-1').length === 2, 3000, 'resend acknowledged again');
    expect(rejectionOf('reuse-1')).toBeUndefined();

    const other = entry('reuse-1', { timestamp: '2026-11-24T09:30:00.000+08:00', direction: 'out', credential: { type: 'plate', value: '豫B54321' } });
    await barrier.publishAsync(topic, JSON.stringify(other), { qos: 1 });
    const r = await waitFor(() => rejectionOf('reuse-1'), 3000, 'conflict rejection');
    expect(r.code).toBe('event-id-conflict');
    await waitFor(() => conflicts.length === 1, 3000, 'conflict on the bus');
    off();
    const token = await gw.login('viewer');
    const list = (await (await gw.api('/api/access/conflicts', { token })).json()) as { conflicts: EntryConflict[]; total: number };
    expect(list.total).toBe(1);
    expect(list.conflicts[0]).toMatchObject({ gate: GATE, eventId: 'reuse-1', stored: { direction: 'in', credential_value: '豫A12345' }, received: { direction: 'out', credential_value: '豫B54321' } });
    // The first entry stays stored, once.
    const rows = gw.gateway.database.db.prepare<[], { direction: string }>("SELECT direction FROM access_entries WHERE event_id = 'reuse-1'").all();
    expect(rows).toEqual([{ direction: 'in' }]);
  });

  it('ignores a command/result with an unknown requestId (no error, nothing else affected)', async () => {
    const before = errors.length;
    await barrier.publishAsync(`community/barriers/${GATE}/command/result`, JSON.stringify({ requestId: 'r-nobody-asked', status: 'ok', state: 'open', at: new Date().toISOString() }), { qos: 1 });
    await barrier.publishAsync(topic, JSON.stringify(entry('after-result-1')), { qos: 1 });
    await waitFor(() => ackedIds().includes('after-result-1'), 3000, 'still serving');
    expect(errors.length).toBe(before);
  });

  it('reports at most a few malformed messages per device and minute, then one summary with the count', async () => {
    const invalid: string[] = [];
    const off = gw.gateway.bus.on('mqtt.invalid', ({ topic: t }) => invalid.push(t));
    gw.gateway.router.summarise(); // start a fresh minute
    const before = errors.length;
    const flood = 40;
    for (let i = 0; i < flood; i++) await barrier.publishAsync(topic, '{"not json', { qos: 1 });
    await waitFor(() => invalid.length === flood, 5000, 'every malformed message counted');
    off();
    await new Promise((r) => setTimeout(r, 200));
    expect(errors.length - before).toBe(INVALID_REPORTS_PER_MINUTE);
    gw.gateway.router.summarise(); // the minute ends
    const summary = await waitFor(() => errors.slice(before).find((e) => /more malformed messages/.test(e.reason)), 3000, 'summary');
    expect(summary.reason).toContain(`barriers/${GATE} sent ${flood - INVALID_REPORTS_PER_MINUTE} more malformed messages`);
  });
});
