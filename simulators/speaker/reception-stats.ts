/**
 * What a speaker measures about the frames of one job: latency (arrival minus the frame's capture
 * time; sender and speaker share a clock on one machine), lost frames from sequence jumps, and the
 * RFC 3550 interarrival jitter.
 */
export class ReceptionStats {
  frames = 0;
  lost = 0;
  /** Frames that arrived out of order or twice. */
  late = 0;
  jitterMs = 0;
  private readonly latencies: number[] = [];
  private expected: number | undefined;
  private previous: { arrival: number; captured: number } | undefined;

  constructor(private readonly maxSamples = 50_000) {}

  /** Records one frame; returns its latency in ms. */
  record(sequence: number, capturedAt: number, arrival: number): number {
    this.frames++;
    if (this.expected !== undefined) {
      if (sequence > this.expected) this.lost += sequence - this.expected;
      else if (sequence < this.expected) this.late++;
    }
    if (this.expected === undefined || sequence >= this.expected) this.expected = sequence + 1;
    const latency = arrival - capturedAt;
    if (this.latencies.length < this.maxSamples) this.latencies.push(latency);
    if (this.previous) {
      const d = arrival - this.previous.arrival - (capturedAt - this.previous.captured);
      this.jitterMs += (Math.abs(d) - this.jitterMs) / 16;
    }
    this.previous = { arrival, captured: capturedAt };
    return latency;
  }

  percentile(p: number): number | null {
    if (this.latencies.length === 0) return null;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  }

  summary(): { frames: number; lost: number; latencyP50Ms: number | null; latencyP95Ms: number | null; jitterMs: number | null } {
    const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    return { frames: this.frames, lost: this.lost, latencyP50Ms: round(this.percentile(50)), latencyP95Ms: round(this.percentile(95)), jitterMs: this.frames > 1 ? round(this.jitterMs) : null };
  }
}
