/**
 * A simple tracker: each detection is matched to the track of the same kind (person, vehicle,
 * bicycle) it overlaps most (IoU), else to the nearest one whose centre is close; unmatched
 * detections start tracks; a track not seen for `maxAgeMs` ends. Loitering, dwell and line
 * crossing count tracks, not detections.
 */
import { VEHICLE_CLASSES, type WatchedClass } from './coco.js';
import { iou, type Box, type Detection } from './detection.js';

export interface Track {
  id: string;
  label: WatchedClass;
  box: Box;
  score: number;
  firstSeen: number;
  lastSeen: number;
  /** Where the track was when it last moved more than `stillDistance`, and since when it is still. */
  stillSince: number;
  /** Reference point: bottom centre for persons and bicycles (the feet), centre for vehicles. */
  point: { x: number; y: number };
  previousPoint: { x: number; y: number } | null;
}

export interface TrackerOptions {
  maxAgeMs?: number;
  minIou?: number;
  /**
   * A detection that does not overlap continues a track when its reference point lies within this
   * many of the track's box sizes from where the track was heading (a walker at 2 fps moves more
   * than his own width between frames).
   */
  maxJumpInBoxes?: number;
  /** Movement under which the object counts as standing still. */
  stillDistance?: number;
}

function group(label: WatchedClass): string {
  return VEHICLE_CLASSES.includes(label) ? 'vehicle' : label;
}

export function referencePoint(label: WatchedClass, box: Box): { x: number; y: number } {
  return VEHICLE_CLASSES.includes(label) ? { x: box.x + box.w / 2, y: box.y + box.h / 2 } : { x: box.x + box.w / 2, y: box.y + box.h };
}

export class Tracker {
  private tracks: Track[] = [];
  private next = 1;
  private readonly anchors = new Map<string, { x: number; y: number }>();
  private readonly o: Required<TrackerOptions>;

  constructor(private readonly prefix: string, options: TrackerOptions = {}) {
    this.o = { maxAgeMs: 2500, minIou: 0.2, maxJumpInBoxes: 0.8, stillDistance: 0.03, ...options };
  }

  get active(): readonly Track[] {
    return this.tracks;
  }

  clear(): void {
    this.tracks = [];
    this.anchors.clear();
  }

  update(detections: readonly Detection[], at: number): Track[] {
    const pairs: Array<{ t: number; d: number; score: number }> = [];
    detections.forEach((d, di) => {
      this.tracks.forEach((t, ti) => {
        if (group(t.label) !== group(d.label)) return;
        const overlap = iou(t.box, d.box);
        if (overlap >= this.o.minIou) pairs.push({ t: ti, d: di, score: 1 + overlap });
        else {
          const b = referencePoint(d.label, d.box);
          const predicted = t.previousPoint ? { x: 2 * t.point.x - t.previousPoint.x, y: 2 * t.point.y - t.previousPoint.y } : t.point;
          const dist = Math.min(Math.hypot(t.point.x - b.x, t.point.y - b.y), Math.hypot(predicted.x - b.x, predicted.y - b.y));
          const reach = this.o.maxJumpInBoxes * Math.max(t.box.w, t.box.h, 0.05);
          if (dist <= reach) pairs.push({ t: ti, d: di, score: 1 - dist / reach });
        }
      });
    });
    pairs.sort((a, b) => b.score - a.score);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.t) || usedD.has(p.d)) continue;
      usedT.add(p.t);
      usedD.add(p.d);
      const t = this.tracks[p.t]!;
      const d = detections[p.d]!;
      t.previousPoint = t.point;
      t.box = d.box;
      t.score = d.score;
      t.label = d.label;
      t.lastSeen = at;
      t.point = referencePoint(d.label, d.box);
      const anchor = this.anchors.get(t.id)!;
      if (Math.hypot(anchor.x - t.point.x, anchor.y - t.point.y) > this.o.stillDistance) {
        this.anchors.set(t.id, t.point);
        t.stillSince = at;
      }
    }
    detections.forEach((d, di) => {
      if (usedD.has(di)) return;
      const point = referencePoint(d.label, d.box);
      const t: Track = { id: `${this.prefix}-${this.next++}`, label: d.label, box: d.box, score: d.score, firstSeen: at, lastSeen: at, stillSince: at, point, previousPoint: null };
      this.anchors.set(t.id, point);
      this.tracks.push(t);
    });
    this.tracks = this.tracks.filter((t) => {
      const keep = at - t.lastSeen <= this.o.maxAgeMs;
      if (!keep) this.anchors.delete(t.id);
      return keep;
    });
    return this.tracks.filter((t) => t.lastSeen === at);
  }
}
