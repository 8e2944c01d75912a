/**
 * Per-zone counts for MQTT (`vision/counts/<zoneId>`, retained): the watched objects inside each
 * active polygon zone now, and for a counting line the crossings of the current UTC hour. A zone's
 * message is published only when its numbers change.
 */
import type { Track } from './tracker.js';
import type { ZoneCountsPayload } from './topics.js';
import { classMatches, insidePolygon, type Zone } from './zones.js';

export interface HourCrossings {
  in: Record<string, number>;
  out: Record<string, number>;
}

export function hourOf(at: number): string {
  return `${new Date(at).toISOString().slice(0, 13)}:00Z`;
}

/** Objects of the zone's classes whose reference point is inside the polygon, by class. */
export function insideCounts(zone: Zone, tracks: readonly Track[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (zone.kind === 'line-crossing') return out;
  for (const t of tracks) if (classMatches(zone, t.label) && insidePolygon(t.point, zone.points)) out[t.label] = (out[t.label] ?? 0) + 1;
  return out;
}

export class ZoneCounts {
  private readonly last = new Map<string, string>();

  constructor(private readonly d: { crossings: (zoneId: string, hour: string) => HourCrossings; publish: (zoneId: string, payload: ZoneCountsPayload) => void }) {}

  /** After each analysed frame: `zones` are the zones active now on this camera. */
  update(cameraId: string, preset: string, zones: readonly Zone[], tracks: readonly Track[], at: number): void {
    const hour = hourOf(at);
    for (const zone of zones) {
      const crossings = zone.kind === 'line-crossing' ? this.d.crossings(zone.id, hour) : { in: {}, out: {} };
      const payload: ZoneCountsPayload = { cameraId, zoneId: zone.id, zone: zone.name, kind: zone.kind, preset, inside: insideCounts(zone, tracks), hour, in: crossings.in, out: crossings.out, at: new Date(at).toISOString() };
      const key = JSON.stringify({ ...payload, at: undefined });
      if (this.last.get(zone.id) === key) continue;
      this.last.set(zone.id, key);
      this.d.publish(zone.id, payload);
    }
  }
}
