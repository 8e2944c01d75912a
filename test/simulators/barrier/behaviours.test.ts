import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEntry } from '../../../devices/mqtt-barrier/protocol.js';
import { parseBarrierBehaviours, type BarrierBehaviour } from '../../../simulators/barrier/behaviours.js';
import { BarrierFleet } from '../../../simulators/barrier/fleet.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { waitFor } from '../../helpers/wait.js';

const HOURS_3 = 3 * 3600_000;
const TO_9999 = Date.parse('9999-06-01T00:00:00Z') - Date.now();
const barriers: Array<{ id: string; password: string; kind: 'vehicle'; behaviours: BarrierBehaviour[] }> = [
  { id: 'skewed', password: 'skewed-secret-1', kind: 'vehicle', behaviours: parseBarrierBehaviours(`clock-skew=${HOURS_3}`) },
  { id: 'year-9999', password: 'year-9999-secret', kind: 'vehicle', behaviours: parseBarrierBehaviours(`clock-skew=${TO_9999}`) },
  { id: 'right', password: 'right-secret-1', kind: 'vehicle', behaviours: [] },
  { id: 'long-ids', password: 'long-ids-secret', kind: 'vehicle', behaviours: parseBarrierBehaviours('long-event-id') },
];

describe('gateway against the barrier simulator behaviours', () => {
  const simDir = mkdtempSync(join(tmpdir(), 'cg-sim-behaviours-'));
  let gw: TestGateway;
  let fleet: BarrierFleet;
  let token = '';
  const stored: StoredEntry[] = [];
  const entriesOf = (gate: string) => stored.filter((e) => e.gate === gate);

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices: barriers.map((b) => ({ id: b.id, kind: 'barriers', password: b.password })) } } });
    gw.gateway.bus.on('access.entry', (e) => stored.push(e));
    fleet = new BarrierFleet({ barriers, baseTopic: 'community', dataDir: simDir, log: silentLogger(), traffic: { mode: 'manual' }, timing: { openMs: 20, closeMs: 20, passMs: 40 }, retransmitMs: 60_000, seed: 5 });
    await fleet.start(gw.mqttUrl);
    await waitFor(() => fleet.barriers.every((b) => b.connected), 5000, 'barriers connected');
    token = await gw.login('officer');
  });

  afterAll(async () => {
    await fleet?.stop();
    await gw?.stop();
    rmSync(simDir, { recursive: true, force: true });
  });

  it('parses behaviours as data and refuses unknown ones', () => {
    expect(parseBarrierBehaviours('clock-skew=-5000,long-event-id=200')).toEqual([
      { name: 'clock-skew', offsetMs: -5000 },
      { name: 'long-event-id', length: 200 },
    ]);
    expect(() => parseBarrierBehaviours('teleport')).toThrow(/known: clock-skew, long-event-id/);
  });

  it('clock 3 h ahead: live entries stored at the gateway time with both times, the offset shown to the officer', async () => {
    const before = Date.now();
    await fleet.passage('skewed');
    await waitFor(() => entriesOf('skewed').length === 1, 3000, 'stored');
    const e = entriesOf('skewed')[0]!;
    expect(Math.abs(Date.parse(e.occurredAt) - before)).toBeLessThan(2000);
    expect(Math.abs(Date.parse(e.deviceTime) - (before + HOURS_3))).toBeLessThan(2000);
    expect(Math.abs(e.clockOffsetMs! - HOURS_3)).toBeLessThan(2000);
    const list = (await (await gw.api('/api/barriers', { token })).json()) as { barriers: Array<{ id: string; clock: { offsetMs: number; corrected: boolean } | null }> };
    const clock = list.barriers.find((b) => b.id === 'skewed')!.clock!;
    expect(clock.corrected).toBe(true);
    expect(Math.abs(clock.offsetMs - HOURS_3)).toBeLessThan(2000);
    expect(list.barriers.find((b) => b.id === 'right')!.clock?.corrected ?? false).toBe(false);
    // On MQTT too (retained, mirrored to the dashboards' feed).
    const retained = gw.gateway.mirror.snapshot().find((m) => m.topic === 'access/clocks/skewed');
    expect(retained?.payload).toMatchObject({ corrected: true });
    expect(Math.abs((retained!.payload as { offsetMs: number }).offsetMs - HOURS_3)).toBeLessThan(2000);
    const metrics = await (await gw.api('/metrics', { token })).text();
    expect(metrics).toMatch(/gateway_barrier_clock_offset_seconds\{gate="skewed"\} 10[78]\d\d/);
  });

  it('clock 3 h ahead: an entry held while offline keeps its true age after the correction', async () => {
    const b = fleet.get('skewed');
    b.goOffline(1500);
    await waitFor(() => !b.connected, 2000, 'offline');
    const madeAt = Date.now();
    await fleet.passage('skewed');
    await waitFor(() => entriesOf('skewed').length === 2, 5000, 'replayed and stored');
    const e = entriesOf('skewed')[1]!;
    expect(e.retransmission).toBe(true);
    expect(Date.parse(e.receivedAt) - madeAt).toBeGreaterThan(1000);
    expect(Math.abs(Date.parse(e.occurredAt) - madeAt)).toBeLessThan(500);
    expect(Math.abs(Date.parse(e.deviceTime) - (madeAt + HOURS_3))).toBeLessThan(2000);
  });

  it('right clock: an entry held while offline keeps its own old time, uncorrected', async () => {
    const b = fleet.get('right');
    b.goOffline(1500);
    await waitFor(() => !b.connected, 2000, 'offline');
    const madeAt = Date.now();
    await fleet.passage('right');
    await waitFor(() => entriesOf('right').length === 1, 5000, 'replayed and stored');
    const e = entriesOf('right')[0]!;
    expect(e.retransmission).toBe(true);
    expect(e.clockOffsetMs).toBeNull();
    expect(e.occurredAt).toBe(e.deviceTime);
    expect(Math.abs(Date.parse(e.occurredAt) - madeAt)).toBeLessThan(100);
    expect(Date.parse(e.receivedAt) - Date.parse(e.occurredAt)).toBeGreaterThan(1000);
  });

  it('year 9999: stored at the gateway time, not at the top of every list, not inside forever', async () => {
    await fleet.passage('year-9999');
    await waitFor(() => entriesOf('year-9999').length === 1, 3000, 'stored');
    const e = entriesOf('year-9999')[0]!;
    expect(e.deviceTime.startsWith('9999-')).toBe(true);
    expect(Math.abs(Date.parse(e.occurredAt) - Date.now())).toBeLessThan(5000);
    await fleet.passage('right');
    await waitFor(() => entriesOf('right').length === 2, 3000, 'a later entry');
    const page = (await (await gw.api('/api/access/entries?limit=1', { token })).json()) as { entries: StoredEntry[] };
    expect(page.entries[0]!.gate).toBe('right');
    const inside = (await (await gw.api('/api/access/inside?limit=100', { token })).json()) as { vehicles: Array<{ since: string }> };
    for (const v of inside.vehicles) expect(v.since.startsWith('9999')).toBe(false);
  });

  it('long event ids: rejected with a reason code, the barrier stops resending, nothing stored', async () => {
    const b = fleet.get('long-ids');
    await fleet.passage('long-ids');
    await waitFor(() => b.snapshot().rejected === 1, 3000, 'rejected');
    expect(b.snapshot().held).toBe(0);
    expect(b.journal.rejected[0]!.eventId.length).toBe(129);
    expect(b.journal.rejected[0]!.reason).toMatch(/eventId/);
    expect(entriesOf('long-ids')).toHaveLength(0);
  });
});
