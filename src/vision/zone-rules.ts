/**
 * Turns tracks into zone events: intrusion (a watched object inside), loitering (a person inside
 * longer than T), crowding (more than N persons inside), vehicle dwell (a vehicle inside and
 * standing still longer than T) and line crossing (a track's reference point crosses the line:
 * one count per crossing, with its direction). Each (zone, track) raises an event once; crowding
 * re-arms when the count falls back; `debounceMs` bounds how often one zone raises an event
 * (line crossings are counts: each one is reported).
 */
import type { WatchedClass } from './coco.js';
import type { Track } from './tracker.js';
import { classMatches, insidePolygon, segmentsCross, sideOfLine, type Zone, type ZoneKind } from './zones.js';

export interface ZoneEvent {
  kind: ZoneKind;
  zone: Zone;
  tracks: Track[];
  classes: WatchedClass[];
  confidence: number;
  /** Line crossing: 'in' (to the right of A->B) or 'out'. */
  direction?: 'in' | 'out';
  count?: number;
}

interface ZoneMemory {
  /** Track id -> when it entered. */
  inside: Map<string, number>;
  fired: Set<string>;
  /** When the zone last raised an event (intrusion, loitering, dwell: at most one per debounce). */
  lastEvent: number;
  crowded: boolean;
  lastCrowdEvent: number;
  /** Line crossing: the last side (not 0) each track was on, and where it was then. */
  sides: Map<string, { side: -1 | 1; point: { x: number; y: number } }>;
}

export class ZoneRules {
  private readonly memory = new Map<string, ZoneMemory>();

  constructor(private readonly debounceMs = 10_000) {}

  private mem(zone: Zone): ZoneMemory {
    let m = this.memory.get(zone.id);
    if (!m) {
      m = { inside: new Map(), fired: new Set(), lastEvent: -Infinity, crowded: false, lastCrowdEvent: -Infinity, sides: new Map() };
      this.memory.set(zone.id, m);
    }
    return m;
  }

  /** Forget what was seen (after a move: the objects of the old view are not those of the new one). */
  reset(): void {
    this.memory.clear();
  }

  /** `zones`: the zones active now (camera at their preset, enabled, within their schedule). `tracks`: the tracks alive now. */
  evaluate(zones: readonly Zone[], tracks: readonly Track[], at: number): ZoneEvent[] {
    const events: ZoneEvent[] = [];
    const alive = new Set(tracks.map((t) => t.id));
    for (const zone of zones) {
      const m = this.mem(zone);
      for (const id of [...m.inside.keys()]) if (!alive.has(id)) m.inside.delete(id);
      for (const id of [...m.sides.keys()]) if (!alive.has(id)) m.sides.delete(id);
      const relevant = tracks.filter((t) => classMatches(zone, t.label));
      if (zone.kind === 'line-crossing') {
        events.push(...this.crossings(zone, m, relevant));
        continue;
      }
      const inside = relevant.filter((t) => insidePolygon(t.point, zone.points));
      const insideIds = new Set(inside.map((t) => t.id));
      for (const id of [...m.inside.keys()]) if (!insideIds.has(id)) m.inside.delete(id);
      for (const t of inside) if (!m.inside.has(t.id)) m.inside.set(t.id, at);
      if (zone.kind === 'crowding') {
        const persons = inside.filter((t) => t.label === 'person');
        if (persons.length > zone.maxPersons) {
          if (!m.crowded && at - m.lastCrowdEvent >= this.debounceMs) {
            m.crowded = true;
            m.lastCrowdEvent = at;
            events.push({ kind: 'crowding', zone, tracks: persons, classes: ['person'], confidence: mean(persons.map((t) => t.score)), count: persons.length });
          }
        } else m.crowded = false;
        continue;
      }
      for (const t of inside) {
        if (m.fired.has(t.id)) continue;
        const since = m.inside.get(t.id)!;
        const due =
          zone.kind === 'intrusion' ||
          (zone.kind === 'loitering' && t.label === 'person' && at - since >= zone.thresholdSec * 1000) ||
          (zone.kind === 'vehicle-dwell' && t.label !== 'person' && t.label !== 'bicycle' && at - Math.max(since, t.stillSince) >= zone.thresholdSec * 1000);
        if (!due) continue;
        m.fired.add(t.id);
        if (at - m.lastEvent < this.debounceMs) continue;
        m.lastEvent = at;
        events.push({ kind: zone.kind, zone, tracks: [t], classes: [t.label], confidence: t.score });
      }
    }
    return events;
  }

  private crossings(zone: Zone, m: ZoneMemory, tracks: readonly Track[]): ZoneEvent[] {
    const [a, b] = zone.points as [[number, number], [number, number]];
    const out: ZoneEvent[] = [];
    for (const t of tracks) {
      const side = sideOfLine(t.point, a, b);
      if (side === 0) continue;
      const before = m.sides.get(t.id);
      m.sides.set(t.id, { side, point: t.point });
      if (before === undefined || before.side === side) continue;
      // The side changed: count it only if the path went through the segment, not around its end.
      if (!segmentsCross(before.point, t.point, a, b) && !nearSegment(t.point, a, b)) continue;
      out.push({ kind: 'line-crossing', zone, tracks: [t], classes: [t.label], confidence: t.score, direction: side === 1 ? 'in' : 'out' });
    }
    return out;
  }
}

function nearSegment(p: { x: number; y: number }, a: readonly [number, number], b: readonly [number, number]): boolean {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((p.x - a[0]) * dx + (p.y - a[1]) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(p.x - (a[0] + t * dx), p.y - (a[1] + t * dy)) < 0.05;
}

function mean(values: number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
}
