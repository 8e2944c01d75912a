import { SEVERITIES } from './config.js';
import type { AlarmInput } from './model.js';
import type { LinkageRule, Trigger } from './rules.js';
import { message, type Message } from '../core/messages.js';

/** Minutes since local midnight of an instant, in a UTC offset. */
export function localMinutes(at: number, utcOffsetMinutes: number): number {
  const d = new Date(at + utcOffsetMinutes * 60_000);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

/** The local date (YYYY-MM-DD) of an instant, in a UTC offset. */
export function localDay(at: number, utcOffsetMinutes: number): string {
  return new Date(at + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Whether a minute of the day is inside from-to (a window may pass midnight: 22:00-06:00). */
export function inWindow(minutes: number, window: { from: string; to: string }): boolean {
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const from = m(window.from);
  const to = m(window.to);
  return from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}

/** Whether an alarm is of the kind a trigger names (time, debounce and counts aside). */
export function matchesStatic(trigger: Trigger, alarm: AlarmInput): boolean {
  if (trigger.source && trigger.source !== alarm.source) return false;
  if (trigger.kind && trigger.kind !== '*' && trigger.kind !== alarm.kind) return false;
  if (trigger.device && trigger.device !== alarm.device) return false;
  if (trigger.location && !(alarm.location ?? '').includes(trigger.location)) return false;
  if (trigger.zone && trigger.zone !== alarm.zone) return false;
  if (trigger.minSeverity && SEVERITIES.indexOf(alarm.severity) < SEVERITIES.indexOf(trigger.minSeverity)) return false;
  return true;
}

/**
 * Decides which rules fire for an alarm: kind, time window (site time, by when it happened),
 * "N within M minutes" and debounce, per rule and device. State is in memory (bounded).
 */
export class TriggerState {
  private readonly seen = new Map<string, number[]>();
  private readonly fired = new Map<string, number>();

  constructor(private readonly utcOffsetMinutes: number) {}

  /** Whether the rule fires; `commit` false (a dry run) leaves the state as it was. */
  fires(rule: LinkageRule, alarm: AlarmInput, now: number, commit = true): { fires: boolean; why: Message } {
    const t = rule.trigger;
    if (!rule.enabled) return { fires: false, why: message('rule-why.off') };
    if (!matchesStatic(t, alarm)) return { fires: false, why: message('rule-why.other-kind') };
    const at = Date.parse(alarm.occurredAt);
    if (t.window && !inWindow(localMinutes(at, this.utcOffsetMinutes), t.window)) return { fires: false, why: message('rule-why.outside-window', { from: t.window.from, to: t.window.to }) };
    const key = `${rule.id}|${alarm.device ?? alarm.location ?? ''}`;
    if (t.count) {
      const horizon = now - t.count.withinMin * 60_000;
      const times = (this.seen.get(key) ?? []).filter((x) => x >= horizon);
      times.push(now);
      if (commit) this.remember(this.seen, key, times.slice(-1000));
      if (times.length < t.count.n) return { fires: false, why: message('rule-why.count', { seen: times.length, n: t.count.n, minutes: t.count.withinMin }) };
    }
    const last = this.fired.get(key);
    if (t.debounceS > 0 && last !== undefined && now - last < t.debounceS * 1000) return { fires: false, why: message('rule-why.debounced', { seconds: Math.round((now - last) / 1000) }) };
    if (commit) {
      this.remember(this.fired, key, now);
      if (t.count) this.seen.delete(key);
    }
    return { fires: true, why: message('rule-why.matches') };
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > 10_000) map.delete(map.keys().next().value!);
  }
}
