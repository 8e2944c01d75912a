import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HopSummary } from '../../src/district/ingest-lag.js';
import type { PublisherCommand, PublisherHop, PublisherReport, PublisherSite } from './district-publishers-child.js';

const CHILD = fileURLToPath(new URL('./district-publishers-child.ts', import.meta.url));

/** One forked process of light publishers, driven by request/answer messages over IPC. */
class PublisherProcess {
  readonly child: ChildProcess;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    readonly siteIds: readonly string[],
    nodeArgs: readonly string[],
  ) {
    this.child = fork(CHILD, [], { execArgv: [...nodeArgs, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: { seq: number; ok: boolean; data?: unknown; error?: string }) => {
      const w = this.waiting.get(m.seq);
      this.waiting.delete(m.seq);
      if (m.ok) w?.resolve(m.data);
      else w?.reject(new Error(m.error));
    });
    this.child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`publisher process exited (${code})`));
      this.waiting.clear();
    });
  }

  request<T>(cmd: PublisherCommand, timeoutMs = 60_000): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => (this.waiting.delete(seq), reject(new Error(`publisher: no answer to ${cmd.op}`))), timeoutMs);
      this.waiting.set(seq, { resolve: (v) => (clearTimeout(timer), resolve(v as T)), reject: (e) => (clearTimeout(timer), reject(e)) });
      this.child.send({ seq, cmd });
    });
  }
}

/** The publishers of every site, spread over `processes` forked processes. */
export class PublisherPool {
  private readonly procs: PublisherProcess[];

  /** `nodeArgs`: e.g. --cpu-prof for each process. */
  constructor(siteIds: readonly string[], processes: number, nodeArgs: readonly string[] = []) {
    const n = Math.max(1, Math.min(processes, siteIds.length));
    this.procs = Array.from({ length: n }, (_, i) => new PublisherProcess(siteIds.filter((_, j) => j % n === i), nodeArgs));
  }

  get pids(): number[] {
    return this.procs.map((p) => p.child.pid!).filter(Boolean);
  }

  async init(sites: Record<string, { user: string; password: string }>, servers: string[], dir: string, rate: number): Promise<void> {
    await Promise.all(this.procs.map((p) => p.request({ op: 'init', sites: p.siteIds.map((id): PublisherSite => ({ id, ...sites[id]! })), servers, dir, rate })));
  }

  private each(make: (ids: string[]) => PublisherCommand, ids?: readonly string[]): Promise<unknown[]> {
    return Promise.all(this.procs.map((p) => p.request(make(ids ? p.siteIds.filter((x) => ids.includes(x)) : [...p.siteIds]))));
  }

  generate(ids?: readonly string[]) {
    return this.each((sites) => ({ op: 'generate', sites }), ids);
  }
  halt() {
    return this.each(() => ({ op: 'halt' }));
  }
  unlink(ids: readonly string[]) {
    return this.each((sites) => ({ op: 'unlink', sites }), ids);
  }
  link(ids: readonly string[]) {
    return this.each((sites) => ({ op: 'link', sites }), ids);
  }

  /** Every process's report merged: counts per site, CPU summed (percent of one core), the worst loop delay. */
  async report(): Promise<{ generated: Map<string, number>; outbox: Map<string, number>; cpuPct: number; perProcessCpuPct: number[]; loopP99Ms: number; loopMaxMs: number; behind: number; hops: Partial<Record<PublisherHop, HopSummary>> }> {
    const rs = (await this.each(() => ({ op: 'report' }))) as PublisherReport[];
    const perProcessCpuPct = rs.map((r) => (r.cpuMs / Math.max(1, r.wallMs)) * 100);
    return {
      generated: new Map(rs.flatMap((r) => Object.entries(r.generated))),
      outbox: new Map(rs.flatMap((r) => Object.entries(r.outbox))),
      cpuPct: perProcessCpuPct.reduce((a, b) => a + b, 0),
      perProcessCpuPct,
      loopP99Ms: Math.max(...rs.map((r) => r.loopP99Ms)),
      loopMaxMs: Math.max(...rs.map((r) => r.loopMaxMs)),
      behind: rs.reduce((n, r) => n + r.behind, 0),
      hops: worstHops(rs.map((r) => r.hops)),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.procs.map(async (p) => {
        if (p.child.exitCode !== null) return;
        const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
        await p.request({ op: 'close' }).catch(() => p.child.kill('SIGKILL'));
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

/** Per hop, the worst of the processes' percentiles (summaries cannot be merged exactly), counts summed. */
function worstHops<H extends string>(list: Array<Partial<Record<H, HopSummary>>>): Partial<Record<H, HopSummary>> {
  const out: Partial<Record<H, HopSummary>> = {};
  for (const hops of list) {
    for (const [hop, h] of Object.entries(hops) as Array<[H, HopSummary]>) {
      const o = out[hop];
      out[hop] = o ? { n: o.n + h.n, p50: Math.max(o.p50, h.p50), p99: Math.max(o.p99, h.p99), max: Math.max(o.max, h.max) } : { ...h };
    }
  }
  return out;
}
