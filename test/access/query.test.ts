import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntryWriter } from '../../src/access/entry-writer.js';
import { parseCsv } from '../../src/access/csv.js';
import type { EntryRecord } from '../../devices/mqtt-barrier/driver.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const HOUR = 3600_000;
const T0 = Date.parse('2026-11-24T00:00:00+08:00');

function entry(i: number, over: Partial<EntryRecord> = {}): EntryRecord {
  const occurredAt = over.occurredAt ?? T0 + i * 10 * 60_000;
  return {
    deviceTime: occurredAt,
    clockOffsetMs: null,
    utcOffset: '+08:00',
    gate: i % 2 ? 'gate-1' : 'gate-2',
    eventId: `e-${i}`,
    occurredAt: T0 + i * 10 * 60_000, // every 10 minutes
    direction: i % 3 === 0 ? 'out' : 'in',
    lane: 'lane-1',
    credentialType: i % 5 === 0 ? 'card' : 'plate',
    credentialValue: i % 5 === 0 ? `card-${i}` : `豫A${String(10000 + (i % 7)).slice(-5)}`,
    result: i % 4 === 0 ? 'denied' : 'granted',
    reason: i % 4 === 0 ? 'deny-list' : 'allow-list',
    plateColor: 'blue',
    vehicleType: 'car',
    snapshot: i === 1 ? 'snap, "quoted"\nname.jpg' : null,
    confidence: 95,
    retransmission: false,
    source: 'native',
    ...over,
  };
}

describe('entry queries, CSV, statistics', () => {
  let gw: TestGateway;
  let token: string;
  const all = Array.from({ length: 60 }, (_, i) => entry(i + 1));

  beforeAll(async () => {
    gw = await startTestGateway();
    const writer = new EntryWriter(gw.gateway.database.file);
    writer.open();
    writer.write(all.map((e) => ({ entry: e, receivedAt: e.occurredAt + 5 })));
    writer.close();
    token = await gw.login('viewer');
  });
  afterAll(() => gw?.stop());

  it('pages newest first with a stable cursor through every match', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await gw.api(`/api/access/entries?gate=gate-1&limit=7${cursor ? `&cursor=${cursor}` : ''}`, { token });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { entries: Array<{ eventId: string; occurredAt: string; gate: string }>; nextCursor: string | null };
      for (const e of page.entries) expect(e.gate).toBe('gate-1');
      seen.push(...page.entries.map((e) => e.eventId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    const expected = all.filter((e) => e.gate === 'gate-1').sort((a, b) => b.occurredAt - a.occurredAt).map((e) => e.eventId);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it('filters by time range, direction, credential type and value, and result', async () => {
    const q = new URLSearchParams({ from: '2026-11-24T01:00:00+08:00', to: '2026-11-24T05:00:00+08:00', direction: 'in', credentialType: 'plate', result: 'granted', limit: '1000' });
    const body = (await (await gw.api(`/api/access/entries?${q}`, { token })).json()) as { entries: Array<{ eventId: string }> };
    const expected = all.filter((e) => e.occurredAt >= T0 + HOUR && e.occurredAt < T0 + 5 * HOUR && e.direction === 'in' && e.credentialType === 'plate' && e.result === 'granted');
    expect(body.entries.map((e) => e.eventId).sort()).toEqual(expected.map((e) => e.eventId).sort());
    const one = (await (await gw.api(`/api/access/entries?credential=${encodeURIComponent('card-5')}`, { token })).json()) as { entries: Array<{ eventId: string }> };
    expect(one.entries.map((e) => e.eventId)).toEqual(['e-5']);
  });

  it('answers bad filters with a 400 naming the parameter, and needs a login', async () => {
    const bad = await gw.api('/api/access/entries?from=yesterday&direction=up', { token });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('from');
    expect(text).toContain('direction');
    expect((await gw.api('/api/access/entries?cursor=nonsense', { token })).status).toBe(400);
    expect((await gw.api('/api/access/entries')).status).toBe(401);
    expect((await gw.api('/api/access/entries/999999', { token })).status).toBe(404);
  });

  it('exports CSV that a parser reads back exactly (quotes, commas, newlines)', async () => {
    const res = await gw.api('/api/access/entries.csv?gate=gate-1', { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = parseCsv(await res.text());
    expect(rows[0]![0]).toBe('id');
    const data = rows.slice(1);
    expect(data).toHaveLength(30);
    const first = data.find((r) => r[2] === 'e-1')!;
    expect(first[13]).toBe('snap, "quoted"\nname.jpg');
    expect(first[3]).toBe(new Date(T0 + 10 * 60_000).toISOString());
    const times = data.map((r) => r[3]!);
    expect([...times].sort()).toEqual(times);
  });

  it('counts in/out/denied per gate per hour and day, and vehicles inside', async () => {
    const res = await gw.api('/api/access/stats?bucket=hour&from=2026-11-24T00:00:00%2B08:00&to=2026-11-24T12:00:00%2B08:00', { token });
    const stats = (await res.json()) as { buckets: Array<{ gate: string; start: string; in: number; out: number; denied: number }>; totals: { in: number; out: number; denied: number }; vehiclesInside: number };
    const expectIn = all.filter((e) => e.direction === 'in' && e.result === 'granted').length;
    const expectOut = all.filter((e) => e.direction === 'out' && e.result === 'granted').length;
    const expectDenied = all.filter((e) => e.result === 'denied').length;
    expect(stats.totals).toEqual({ in: expectIn, out: expectOut, denied: expectDenied });
    // 6 entries per hour (every 10 min), split over two gates; the first hour's bucket starts at local midnight.
    expect(stats.buckets[0]!.start).toBe(new Date(T0).toISOString());
    const firstHour = stats.buckets.filter((b) => b.start === new Date(T0).toISOString());
    expect(firstHour.reduce((n, b) => n + b.in + b.out + b.denied, 0)).toBe(5); // e-1..e-5
    const day = (await (await gw.api('/api/access/stats?bucket=day&from=2026-11-23T00:00:00%2B08:00&to=2026-11-25T00:00:00%2B08:00', { token })).json()) as typeof stats;
    expect(day.buckets.map((b) => b.start)).toEqual([new Date(T0).toISOString(), new Date(T0).toISOString()]);
    // Inside: plates whose last granted passage was inward.
    const last = new Map<string, string>();
    for (const e of [...all].sort((a, b) => a.occurredAt - b.occurredAt)) if (e.credentialType === 'plate' && e.result === 'granted') last.set(e.credentialValue, e.direction);
    const inside = [...last.values()].filter((d) => d === 'in').length;
    expect(stats.vehiclesInside).toBe(inside);
    const list = (await (await gw.api('/api/access/inside', { token })).json()) as { count: number; vehicles: unknown[] };
    expect(list.count).toBe(inside);
    expect(list.vehicles).toHaveLength(inside);
  });
});
