/** Recall and precision of detections against hand-drawn boxes (a match: same class, IoU >= 0.5). */
import { iou, type Box, type Detection } from './detection.js';

export interface LabelledObject {
  label: string;
  box: Box;
}

export interface AccuracyCount {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** IoU of each matched object. */
  matchedIou: number[];
}

export function scoreImage(expected: readonly LabelledObject[], found: readonly Detection[], minIou = 0.5): AccuracyCount {
  const used = new Set<number>();
  const matchedIou: number[] = [];
  for (const e of expected) {
    let best = -1;
    let bestIou = 0;
    found.forEach((d, i) => {
      if (used.has(i) || d.label !== e.label) return;
      const v = iou(d.box, e.box);
      if (v > bestIou) { bestIou = v; best = i; }
    });
    if (best >= 0 && bestIou >= minIou) {
      used.add(best);
      matchedIou.push(bestIou);
    }
  }
  return { truePositives: matchedIou.length, falseNegatives: expected.length - matchedIou.length, falsePositives: found.length - used.size, matchedIou };
}

export function summarise(counts: readonly AccuracyCount[]): { recall: number; precision: number; truePositives: number; falsePositives: number; falseNegatives: number } {
  const tp = counts.reduce((s, c) => s + c.truePositives, 0);
  const fp = counts.reduce((s, c) => s + c.falsePositives, 0);
  const fn = counts.reduce((s, c) => s + c.falseNegatives, 0);
  return { recall: tp + fn ? tp / (tp + fn) : 1, precision: tp + fp ? tp / (tp + fp) : 1, truePositives: tp, falsePositives: fp, falseNegatives: fn };
}
