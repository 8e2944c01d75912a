import { readFileSync, readdirSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux
const PAGE_SIZE = 4096;

interface ProcSample {
  cpuTicks: number;
  rssBytes: number;
}

function readStat(pid: number): { ppid: number; ticks: number; rssPages: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
      rssPages: Number(fields[21]),
    };
  } catch {
    return undefined;
  }
}

/** The given processes and all their descendants (children such as ffmpeg included). */
export function processTree(roots: readonly number[]): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) parents.set(pid, stat.ppid);
  }
  const tree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

function sample(roots: readonly number[]): ProcSample {
  let cpuTicks = 0;
  let rssBytes = 0;
  for (const pid of processTree(roots)) {
    const stat = readStat(pid);
    if (!stat) continue;
    cpuTicks += stat.ticks;
    rssBytes += stat.rssPages * PAGE_SIZE;
  }
  return { cpuTicks, rssBytes };
}

/** The processes of these trees whose command name is `name` (e.g. the ffmpeg children of a server). */
export function namedInTree(roots: readonly number[], name: string): number[] {
  return processTree(roots).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
    } catch {
      return false;
    }
  });
}

/** Resident memory of the given process trees now, MiB. */
export function residentMb(roots: readonly number[]): number {
  return sample(roots).rssBytes / (1024 * 1024);
}

export interface UsageResult {
  /** Percent of one core over the window (100 = one core busy). */
  cpuPct: number;
  /** Peak resident memory of the whole tree during the window, MiB. */
  rssMb: number;
}

/**
 * Measures CPU and peak RSS of process trees over a window. CPU of processes that exit during
 * the window is not counted, so keep the window inside their lifetime.
 */
export async function measureUsage(roots: readonly number[], windowMs: number, sampleEveryMs = 500): Promise<UsageResult> {
  const first = sample(roots);
  const startedAt = performance.now();
  let peakRss = first.rssBytes;
  let last = first;
  while (performance.now() - startedAt < windowMs) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(sampleEveryMs, windowMs)));
    last = sample(roots);
    peakRss = Math.max(peakRss, last.rssBytes);
  }
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    cpuPct: ((last.cpuTicks - first.cpuTicks) / CLOCK_TICKS / seconds) * 100,
    rssMb: peakRss / (1024 * 1024),
  };
}

/** CPU seconds (user + system) used so far by the given process trees, the living ones. */
export function cpuSeconds(roots: readonly number[]): number {
  return sample(roots).cpuTicks / CLOCK_TICKS;
}
