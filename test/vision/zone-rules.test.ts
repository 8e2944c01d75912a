import { describe, expect, it } from 'vitest';
import type { Track } from '../../src/vision/tracker.js';
import { ZoneRules } from '../../src/vision/zone-rules.js';
import { scheduleAllows, sideOfLine, zoneInput, type Zone } from '../../src/vision/zones.js';

const square: Zone = { id: 'z', cameraId: 'c', preset: 'A', name: 'Lane', kind: 'crowding', enabled: true, points: [[0, 0], [1, 0], [1, 1], [0, 1]], classes: ['person', 'car'], schedule: null, thresholdSec: 5, maxPersons: 2 };

function track(id: string, label: Track['label'], x: number, stillSince = 0): Track {
  return { id, label, box: { x: x - 0.05, y: 0.4, w: 0.1, h: 0.2 }, score: 0.8, firstSeen: 0, lastSeen: 0, stillSince, point: { x, y: 0.6 }, previousPoint: null };
}

describe('zone rules', () => {
  it('raises crowding when more than N persons are inside, once until the crowd thins out', () => {
    const rules = new ZoneRules(0);
    expect(rules.evaluate([square], [track('1', 'person', 0.2), track('2', 'person', 0.4)], 0)).toEqual([]);
    const e = rules.evaluate([square], [track('1', 'person', 0.2), track('2', 'person', 0.4), track('3', 'person', 0.6)], 100);
    expect(e.map((x) => [x.kind, x.count])).toEqual([['crowding', 3]]);
    expect(rules.evaluate([square], [track('1', 'person', 0.2), track('2', 'person', 0.4), track('3', 'person', 0.6)], 200)).toEqual([]);
    rules.evaluate([square], [track('1', 'person', 0.2)], 300);
    expect(rules.evaluate([square], [track('1', 'person', 0.2), track('2', 'person', 0.4), track('4', 'person', 0.7)], 400)).toHaveLength(1);
  });

  it('raises vehicle dwell for a car standing still longer than T, not for one that moves on', () => {
    const dwell: Zone = { ...square, kind: 'vehicle-dwell', classes: ['car'] };
    const rules = new ZoneRules(0);
    expect(rules.evaluate([dwell], [track('car', 'car', 0.5, 0)], 0)).toEqual([]);
    expect(rules.evaluate([dwell], [track('car', 'car', 0.5, 0), track('moving', 'car', 0.3, 4500)], 4900)).toEqual([]);
    const e = rules.evaluate([dwell], [track('car', 'car', 0.5, 0), track('moving', 'car', 0.35, 5000)], 5000);
    expect(e.map((x) => x.tracks[0]!.id)).toEqual(['car']);
  });

  it('keeps to the zone schedule, also over midnight', () => {
    const night = { days: [1], from: '22:00', to: '06:00' }; // Monday night
    expect(scheduleAllows(night, new Date(2026, 10, 30, 23, 0))).toBe(true); // Mon 23:00
    expect(scheduleAllows(night, new Date(2026, 11, 1, 5, 59))).toBe(true); // Tue 05:59
    expect(scheduleAllows(night, new Date(2026, 11, 1, 6, 0))).toBe(false);
    expect(scheduleAllows(night, new Date(2026, 11, 1, 23, 0))).toBe(false); // Tue 23:00
  });

  it('validates zones: a line has two points, a polygon at least three', () => {
    expect(zoneInput.safeParse({ cameraId: 'c', preset: 'A', name: 'Gate', kind: 'line-crossing', points: [[0, 0], [1, 1]] }).success).toBe(true);
    expect(zoneInput.safeParse({ cameraId: 'c', preset: 'A', name: 'Gate', kind: 'intrusion', points: [[0, 0], [1, 1]] }).success).toBe(false);
    expect(zoneInput.safeParse({ cameraId: 'c', preset: 'A', name: 'Gate', kind: 'intrusion', points: [[0, 0], [2, 1], [1, 0]] }).success).toBe(false);
    expect(sideOfLine({ x: 0.7, y: 0.5 }, [0.5, 0], [0.5, 1])).toBe(-1);
  });
});
