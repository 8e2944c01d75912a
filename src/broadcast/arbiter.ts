/**
 * Who owns each speaker: among the running jobs that include it, the one with the highest
 * priority (the earlier job on a tie). Speakers apply the same rule to the `play` messages they
 * receive, so gateway and speakers agree without a round trip. Every change of ownership is
 * reported per job as speakers lost (preempted) and gained (started or resumed).
 */
export interface ArbitratedJob {
  id: string;
  priority: number;
  speakers: ReadonlySet<string>;
}

export interface OwnershipChange {
  jobId: string;
  lost: string[];
  gained: string[];
  /** For lost speakers: the job that took them. */
  takenBy: Map<string, string>;
}

export class Arbiter {
  private readonly jobs = new Map<string, ArbitratedJob & { order: number; speakers: Set<string> }>();
  private owners = new Map<string, string>();
  private order = 0;

  /** Jobs that own one of these speakers with a priority at least `priority` (they would refuse a new job). */
  blockers(speakers: Iterable<string>, priority: number): ArbitratedJob[] {
    const found = new Map<string, ArbitratedJob>();
    for (const speaker of speakers) {
      const owner = this.owners.get(speaker);
      const job = owner ? this.jobs.get(owner) : undefined;
      if (job && job.priority >= priority) found.set(job.id, job);
    }
    return [...found.values()];
  }

  add(job: ArbitratedJob): OwnershipChange[] {
    if (this.jobs.has(job.id)) throw new Error(`job ${job.id} is already arbitrated`);
    this.jobs.set(job.id, { ...job, speakers: new Set(job.speakers), order: this.order++ });
    return this.recompute();
  }

  remove(jobId: string): OwnershipChange[] {
    if (!this.jobs.delete(jobId)) return [];
    return this.recompute();
  }

  /** Takes speakers out of a job (a skip-policy job gives up the speakers it lost). */
  release(jobId: string, speakers: readonly string[]): OwnershipChange[] {
    const job = this.jobs.get(jobId);
    if (!job) return [];
    for (const s of speakers) job.speakers.delete(s);
    return this.recompute();
  }

  /** Speakers the job owns now. */
  owned(jobId: string): string[] {
    return [...this.owners].filter(([, owner]) => owner === jobId).map(([speaker]) => speaker);
  }

  ownerOf(speaker: string): string | undefined {
    return this.owners.get(speaker);
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  private recompute(): OwnershipChange[] {
    const next = new Map<string, string>();
    const best = new Map<string, { priority: number; order: number }>();
    for (const job of this.jobs.values()) {
      for (const speaker of job.speakers) {
        const current = best.get(speaker);
        if (!current || job.priority > current.priority || (job.priority === current.priority && job.order < current.order)) {
          best.set(speaker, { priority: job.priority, order: job.order });
          next.set(speaker, job.id);
        }
      }
    }
    const changes = new Map<string, OwnershipChange>();
    const change = (jobId: string): OwnershipChange => {
      let c = changes.get(jobId);
      if (!c) changes.set(jobId, (c = { jobId, lost: [], gained: [], takenBy: new Map() }));
      return c;
    };
    for (const speaker of new Set([...this.owners.keys(), ...next.keys()])) {
      const before = this.owners.get(speaker);
      const after = next.get(speaker);
      if (before === after) continue;
      if (before && this.jobs.has(before)) {
        const c = change(before);
        c.lost.push(speaker);
        if (after) c.takenBy.set(speaker, after);
      }
      if (after) change(after).gained.push(speaker);
    }
    this.owners = next;
    return [...changes.values()];
  }
}
