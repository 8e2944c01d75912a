/** Sums events into short buckets and reports the rate over a sliding window. */
export class RateMeter {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(
    private readonly windowMs = 5000,
    private readonly bucketMs = 250,
    private readonly now: () => number = Date.now,
  ) {
    const n = Math.ceil(windowMs / bucketMs);
    this.buckets = new Array<number>(n).fill(0);
    this.stamps = new Array<number>(n).fill(-1);
  }

  add(amount: number): void {
    const slot = Math.floor(this.now() / this.bucketMs);
    const i = slot % this.buckets.length;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.buckets[i] = 0;
    }
    this.buckets[i]! += amount;
  }

  /** Events per second over the window. */
  perSecond(): number {
    const current = Math.floor(this.now() / this.bucketMs);
    let sum = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      if (this.stamps[i]! > current - this.buckets.length) sum += this.buckets[i]!;
    }
    return sum / (this.windowMs / 1000);
  }
}
