import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { nextFireOf, type Schedule, type ScheduleStore } from './schedule-store.js';

/** The longest single wait; the plan is recomputed at least this often (clock changes, DST). */
const MAX_WAIT_MS = 60_000;

/**
 * Fires publicity schedules at their cron times: one timer for the nearest fire time. A fire
 * missed while the gateway was down is not replayed (publicity is only worth hearing on time).
 */
export class Scheduler implements Service {
  readonly name = 'broadcast-scheduler';
  private timer: NodeJS.Timeout | undefined;
  private readonly next = new Map<string, Date>();
  private running = false;

  constructor(
    private readonly deps: {
      store: ScheduleStore;
      fire: (schedule: Schedule, scheduledFor: Date) => void;
      log: Logger;
      /** The clock (epoch ms); tests shift it to bring a fire time near. Timers stay real. */
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    this.running = true;
    this.reload();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.next.clear();
  }

  /** When each enabled schedule fires next. */
  plan(): Map<string, Date> {
    return new Map(this.next);
  }

  /** Re-reads the schedules (after a create, update or delete). */
  reload(): void {
    if (!this.running) return;
    const now = new Date(this.now());
    this.next.clear();
    for (const schedule of this.deps.store.list()) {
      if (!schedule.enabled) continue;
      try {
        const next = nextFireOf(schedule, now);
        if (next) this.next.set(schedule.id, next);
      } catch (err) {
        this.deps.log.error({ schedule: schedule.id, err: String(err) }, 'schedule has an invalid cron expression; it will not fire');
      }
    }
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running || this.next.size === 0) return;
    const soonest = Math.min(...[...this.next.values()].map((d) => d.getTime()));
    this.timer = setTimeout(() => this.tick(), Math.max(0, Math.min(MAX_WAIT_MS, soonest - this.now())));
  }

  private tick(): void {
    const now = this.now();
    for (const [id, at] of [...this.next]) {
      if (at.getTime() > now) continue;
      let schedule: Schedule | undefined;
      try {
        schedule = this.deps.store.get(id);
      } catch {
        this.next.delete(id);
        continue;
      }
      try {
        this.deps.store.markFired(id, at);
        this.deps.fire(schedule, at);
      } catch (err) {
        this.deps.log.error({ schedule: id, err: String(err) }, 'scheduled broadcast failed to start');
      }
      const next = schedule.when?.kind === 'once' ? null : nextFireOf(schedule, new Date(Math.max(now, at.getTime())));
      if (next) this.next.set(id, next);
      else {
        this.next.delete(id);
        this.deps.store.disable(id);
      }
    }
    this.arm();
  }
}
