/** Per-zone counts for MQTT: objects inside polygon zones, crossings of the hour for lines, published only on change and valid against the contract. */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { applyMigrations } from '../../src/store/database.js';
import { VisionStore, visionMigrations } from '../../src/vision/store.js';
import { zoneCounts, type ZoneCountsPayload } from '../../src/vision/topics.js';
import type { Track } from '../../src/vision/tracker.js';
import { ZoneCounts } from '../../src/vision/zone-counts.js';
import type { Zone } from '../../src/vision/zones.js';

const base = { cameraId: 'cam', preset: 'A', enabled: true, schedule: null, thresholdSec: 30, maxPersons: 5 } as const;
const lane: Zone = { ...base, id: 'lane', name: 'Fire lane', kind: 'intrusion', classes: ['person', 'car'], points: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] };
const line: Zone = { ...base, id: 'gate', name: 'Gate line', kind: 'line-crossing', classes: ['person', 'car'], points: [[0.5, 0], [0.5, 1]] };

function track(id: string, label: Track['label'], x: number): Track {
  return { id, label, box: { x: x - 0.05, y: 0.5, w: 0.1, h: 0.3 }, score: 0.8, firstSeen: 0, lastSeen: 0, stillSince: 0, point: { x, y: 0.8 }, previousPoint: null };
}

describe('zone counts on MQTT', () => {
  it('publishes what is inside each zone and the hour\'s crossings, again only when they change', () => {
    const db = new BetterSqlite3(':memory:');
    applyMigrations(db, [visionMigrations], silentLogger());
    const store = new VisionStore(() => db);
    const sent: Array<{ zoneId: string; payload: ZoneCountsPayload }> = [];
    const counts = new ZoneCounts({ crossings: (z, h) => store.hourCrossings(z, h), publish: (zoneId, payload) => sent.push({ zoneId, payload }) });
    const at = Date.parse('2026-12-01T08:41:07Z');
    counts.update('cam', 'A', [lane, line], [track('t1', 'person', 0.7), track('t2', 'person', 0.2), track('t3', 'car', 0.9)], at);
    expect(sent.map((s) => [s.zoneId, s.payload.inside])).toEqual([['lane', { person: 1, car: 1 }], ['gate', {}]]);
    counts.update('cam', 'A', [lane, line], [track('t1', 'person', 0.72), track('t2', 'person', 0.2), track('t3', 'car', 0.9)], at + 500);
    expect(sent).toHaveLength(2); // nothing changed
    store.countCrossing('gate', new Date(at + 900), 'in', 'person');
    store.countCrossing('gate', new Date(at + 900), 'in', 'person');
    store.countCrossing('gate', new Date(at + 900), 'out', 'car');
    store.countCrossing('gate', new Date(at - 3_600_000), 'in', 'person'); // the hour before: not this hour's
    counts.update('cam', 'A', [lane, line], [track('t2', 'person', 0.2)], at + 1000);
    expect(sent.slice(2).map((s) => [s.zoneId, s.payload.inside, s.payload.in, s.payload.out])).toEqual([['lane', {}, {}, {}], ['gate', {}, { person: 2 }, { car: 1 }]]);
    expect(sent[3]!.payload.hour).toBe('2026-12-01T08:00Z');
    for (const s of sent) expect(zoneCounts.payload.decode(Buffer.from(zoneCounts.payload.encode(s.payload)))).toEqual(s.payload);
    db.close();
  });
});
