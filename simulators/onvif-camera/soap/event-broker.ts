/**
 * PullPoint subscriptions: a queue per subscription, long-polled PullMessages that answer as
 * soon as a message arrives or the client's Timeout ends, Renew, Unsubscribe and expiry.
 * Times are kept on the host's monotonic clock and reported on the camera's clock.
 */
import { randomUUID } from 'node:crypto';

export interface CameraEvent {
  topic: string;
  /** Camera-clock time of the event, ms since epoch. */
  utcTime: number;
  propertyOperation: 'Initialized' | 'Changed' | 'Deleted';
  source: Record<string, string>;
  data: Record<string, string>;
}

interface Waiter {
  limit: number;
  resolve: (messages: CameraEvent[]) => void;
  timer: NodeJS.Timeout;
}

export interface Subscription {
  id: string;
  expiresAt: number;
  queue: CameraEvent[];
  waiter: Waiter | undefined;
}

const QUEUE_LIMIT = 200;
const MAX_PULL_TIMEOUT_MS = 120_000;

export class EventBroker {
  private readonly subs = new Map<string, Subscription>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Properties whose current state is sent as "Initialized" messages to each new subscriber. */
  private readonly properties = new Map<string, CameraEvent>();
  private published = 0;
  private peak = 0;
  private created = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get subscriptionCount(): number {
    return this.subs.size;
  }

  get publishedCount(): number {
    return this.published;
  }

  /** The most subscriptions held at once since start (or resetPeak()). */
  get peakSubscriptionCount(): number {
    return this.peak;
  }

  /** Subscriptions created since start (a client that keeps re-subscribing shows here). */
  get createdCount(): number {
    return this.created;
  }

  resetPeak(): void {
    this.peak = this.subs.size;
  }

  /** Sets a property's current state without sending it (what new subscribers get as Initialized). */
  setProperty(event: CameraEvent, propertyKey: string): void {
    this.properties.set(propertyKey, event);
  }

  create(lifetimeMs: number): Subscription {
    const sub: Subscription = { id: randomUUID(), expiresAt: this.now() + lifetimeMs, queue: [], waiter: undefined };
    for (const p of this.properties.values()) sub.queue.push({ ...p, propertyOperation: 'Initialized' });
    this.subs.set(sub.id, sub);
    this.created++;
    this.peak = Math.max(this.peak, this.subs.size);
    this.sweeper ??= setInterval(() => this.sweep(), 1000);
    return sub;
  }

  get(id: string): Subscription | undefined {
    const sub = this.subs.get(id);
    if (sub && sub.expiresAt <= this.now()) {
      this.remove(id);
      return undefined;
    }
    return sub;
  }

  /** Remaining lifetime of a subscription, ms. */
  remaining(sub: Subscription): number {
    return Math.max(0, sub.expiresAt - this.now());
  }

  renew(sub: Subscription, lifetimeMs: number): void {
    sub.expiresAt = this.now() + lifetimeMs;
  }

  remove(id: string): boolean {
    const sub = this.subs.get(id);
    if (!sub) return false;
    this.subs.delete(id);
    this.release(sub, []);
    if (this.subs.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
    return true;
  }

  /** Sends an event to every subscription; property events also become the state new subscribers see. */
  publish(event: CameraEvent, propertyKey?: string): void {
    this.published++;
    if (propertyKey) this.properties.set(propertyKey, event);
    for (const sub of this.subs.values()) {
      sub.queue.push(event);
      if (sub.queue.length > QUEUE_LIMIT) sub.queue.shift();
      if (sub.waiter) this.release(sub, sub.queue.splice(0, sub.waiter.limit));
    }
  }

  /** Long poll: resolves with up to `limit` messages, or [] after `timeoutMs`. */
  pull(sub: Subscription, timeoutMs: number, limit: number): Promise<CameraEvent[]> {
    if (sub.waiter) this.release(sub, []); // a newer pull replaces an older one
    if (sub.queue.length > 0) return Promise.resolve(sub.queue.splice(0, limit));
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.release(sub, []), Math.min(Math.max(0, timeoutMs), MAX_PULL_TIMEOUT_MS));
      sub.waiter = { limit, resolve, timer };
    });
  }

  /** Cancels a pending pull (client went away). */
  cancel(sub: Subscription): void {
    this.release(sub, []);
  }

  /** Ends every subscription and answers pending pulls (camera stopping or rebooting). */
  clear(): void {
    for (const id of [...this.subs.keys()]) this.remove(id);
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private release(sub: Subscription, messages: CameraEvent[]): void {
    const w = sub.waiter;
    if (!w) return;
    sub.waiter = undefined;
    clearTimeout(w.timer);
    w.resolve(messages);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, sub] of this.subs) if (sub.expiresAt <= now && !sub.waiter) this.remove(id);
  }
}
