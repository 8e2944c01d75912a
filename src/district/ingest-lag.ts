/**
 * How far behind the district's ingest runs, hop by hop, over a period: for every record stored,
 * site commit -> stored in the cluster (the stream's timestamp; includes the site's outbox and
 * publish, and the two clocks' offset), cluster -> pulled by the district, pulled -> PostgreSQL
 * COMMIT (of which batch_write, one sample per batch: the batch's own transaction), and the whole
 * site commit -> PostgreSQL COMMIT. Bounded: at most SAMPLES samples per hop per period (a uniform reservoir beyond that).
 */
export const LAG_HOPS = ['commit_to_stream', 'stream_to_fetch', 'fetch_to_commit', 'batch_write', 'commit_to_commit'] as const;
export type LagHop = (typeof LAG_HOPS)[number];

const SAMPLES = 20_000;

export interface HopSummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Latency samples per named hop over a period (bounded reservoir per hop). */
export class HopLag<H extends string> {
  private samples = new Map<H, number[]>();
  private seen = new Map<H, number>();
  private maxes = new Map<H, number>();

  constructor(private readonly hops: readonly H[]) {}

  add(hop: H, ms: number): void {
    const seen = (this.seen.get(hop) ?? 0) + 1;
    this.seen.set(hop, seen);
    if (ms > (this.maxes.get(hop) ?? -Infinity)) this.maxes.set(hop, ms);
    let list = this.samples.get(hop);
    if (!list) this.samples.set(hop, (list = []));
    if (list.length < SAMPLES) list.push(ms);
    else {
      const j = Math.floor(Math.random() * seen);
      if (j < SAMPLES) list[j] = ms;
    }
  }

  /** The period's summary per hop (ms), and a new period begins. Empty when nothing was stored. */
  take(): Partial<Record<H, HopSummary>> {
    const out: Partial<Record<H, HopSummary>> = {};
    for (const hop of this.hops) {
      const list = this.samples.get(hop);
      if (!list?.length) continue;
      list.sort((a, b) => a - b);
      const at = (p: number) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]!;
      out[hop] = { n: this.seen.get(hop)!, p50: at(50), p99: at(99), max: this.maxes.get(hop)! };
    }
    this.samples.clear();
    this.seen.clear();
    this.maxes.clear();
    return out;
  }
}

/** The district ingest's hops. */
export class IngestLag extends HopLag<LagHop> {
  constructor() {
    super(LAG_HOPS);
  }
}
