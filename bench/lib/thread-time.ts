/**
 * Where a thread's time goes, from Linux's /proc/<pid>/task/<tid>/schedstat (nanoseconds): running
 * on a core, runnable but waiting for a core (the machine is busy), and the rest of the wall time
 * asleep (waiting for work: for a detector thread, for this thread to hand it the next frame).
 */
import { readFileSync } from 'node:fs';

interface Sample { runNs: number; waitNs: number }

function read(tid: number): Sample | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${process.pid}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number) as [number, number];
    return { runNs: run, waitNs: wait };
  } catch {
    return undefined; // not Linux, or the thread ended
  }
}

export interface ThreadShare { tid: number; running: number; waiting_for_core: number; asleep: number }

/** Starts a measure on `tids`; the returned function gives each thread's shares of the wall time since. */
export function threadTimes(tids: readonly number[]): () => ThreadShare[] {
  const t0 = performance.now();
  const before = new Map(tids.map((t) => [t, read(t)]));
  return () => {
    const wallNs = (performance.now() - t0) * 1e6;
    return tids.flatMap((tid) => {
      const a = before.get(tid);
      const b = read(tid);
      if (!a || !b) return [];
      const running = (b.runNs - a.runNs) / wallNs;
      const waiting = (b.waitNs - a.waitNs) / wallNs;
      const r = (v: number): number => Math.round(v * 100) / 100;
      return [{ tid, running: r(running), waiting_for_core: r(waiting), asleep: r(Math.max(0, 1 - running - waiting)) }];
    });
  };
}

/** The shares of several threads added up (cores' worth of each). */
export function sumShares(shares: readonly ThreadShare[]): { running: number; waiting_for_core: number; asleep: number } {
  const r = (v: number): number => Math.round(v * 100) / 100;
  return { running: r(shares.reduce((s, t) => s + t.running, 0)), waiting_for_core: r(shares.reduce((s, t) => s + t.waiting_for_core, 0)), asleep: r(shares.reduce((s, t) => s + t.asleep, 0)) };
}
