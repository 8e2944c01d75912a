/** Exponential backoff with full jitter for reconnecting to a camera. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: how much of each delay is randomised. */
  jitter?: number;
}

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly opts: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; grows 2x per failure up to maxMs, with jitter. */
  next(): number {
    const ceiling = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.attempt);
    this.attempt++;
    const jitter = this.opts.jitter ?? 0.5;
    return Math.round(ceiling * (1 - jitter) + ceiling * jitter * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
