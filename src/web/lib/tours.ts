/** Patrol tours as GET/PUT /api/cameras/:id/tours speak them (docs/cameras.md). */

export interface TourWindow {
  from: string;
  to: string;
  /** 0 = Sunday .. 6 = Saturday; absent: every day. */
  days?: number[];
}

export interface TourDefinition {
  name: string;
  steps: Array<{ presetToken: string; presetName: string; dwellMs: number; speed?: number }>;
  loop: boolean;
  windows: TourWindow[];
}

/** One step as the editor holds it (dwell in seconds, as typed). */
export interface EditorStep {
  key: number;
  preset: string;
  dwellSeconds: string;
  /** '' = the camera's default speed. */
  speed: string;
}

let nextKey = 1;
export const stepKey = () => nextKey++;

/** Moves the item at `from` to `to` (drag and drop, or the up/down buttons). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(Math.max(0, Math.min(next.length, to)), 0, item!);
  return next;
}

/** The PUT body of the editor's state. */
export function tourBody(steps: readonly EditorStep[], loop: boolean, windows: readonly TourWindow[]): Record<string, unknown> {
  return {
    steps: steps.map((s) => ({ preset: s.preset, dwellMs: Math.round(Number(s.dwellSeconds) * 1000), ...(s.speed ? { speed: Number(s.speed) } : {}) })),
    loop,
    windows: windows.map((w) => ({ from: w.from, to: w.to, ...(w.days && w.days.length > 0 && w.days.length < 7 ? { days: [...w.days].sort() } : {}) })),
  };
}
