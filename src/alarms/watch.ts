import type { Db } from '../store/database.js';
import type { HomeConfig } from './config.js';
import type { AlarmInput } from './model.js';
import { inWindow, localDay, localMinutes } from './trigger.js';

/** A home as the watch reads it: from the configuration file or the page, maybe ended early. */
export type WatchedHome = HomeConfig & { endedAt?: number | null; origin?: 'config' | 'page' };

export interface HomeView extends WatchedHome {
  /** Whether the home is under watch today (site time). */
  watched: boolean;
  label: string;
}

export interface DailyLogDay {
  day: string;
  openings: number;
  closings: number;
  outsideHours: number;
  /** Opening times. */
  times: string[];
  /** Openings and closings in order (as the sensor timed them). */
  events: Array<{ at: string; kind: 'open' | 'closed'; allowed: boolean }>;
}

/**
 * Homes under watch (e.g. home quarantine): a door opening inside the watch period and outside
 * the allowed hours raises a warning; every opening is logged per home and day. The watch ends by
 * itself after its last day.
 */
export class HomeWatch {
  private indexed: { homes: readonly WatchedHome[]; bySensor: Map<string, WatchedHome> } | undefined;

  /** `homes` is read on every event (the directory caches it): homes added on the page count at once. */
  constructor(private readonly deps: { homes: () => readonly WatchedHome[]; db: () => Db; utcOffsetMinutes: number }) {}

  private get bySensor(): Map<string, WatchedHome> {
    const homes = this.deps.homes();
    if (this.indexed?.homes !== homes) {
      const bySensor = new Map<string, WatchedHome>();
      for (const home of homes) for (const s of home.sensors) bySensor.set(s, home);
      this.indexed = { homes, bySensor };
    }
    return this.indexed.bySensor;
  }

  homeOf(sensor: string): WatchedHome | undefined {
    return this.bySensor.get(sensor);
  }

  /** Building-unit-room (3-2-701), as residents and property staff write it; the same in every language. */
  static label(home: Pick<HomeConfig, 'building' | 'unit' | 'room'>): string {
    return `${home.building}-${home.unit}-${home.room}`;
  }

  isWatched(home: WatchedHome, at: number): boolean {
    if (!home.watch) return false;
    if (home.endedAt != null && at >= home.endedAt) return false;
    const day = localDay(at, this.deps.utcOffsetMinutes);
    return day >= home.watch.from && day <= home.watch.to;
  }

  list(at: number): HomeView[] {
    return this.deps.homes().map((h) => ({ ...h, watched: this.isWatched(h, at), label: HomeWatch.label(h) }));
  }

  /**
   * A door opened: logged; returns the warning to raise when it is outside the allowed hours of a
   * watched home (undefined otherwise).
   */
  opened(sensor: string, eventId: string, openedAt: string): AlarmInput | undefined {
    const home = this.bySensor.get(sensor);
    if (!home) return undefined;
    const at = Date.parse(openedAt);
    const watched = this.isWatched(home, at);
    const minutes = localMinutes(at, this.deps.utcOffsetMinutes);
    const allowed = !watched || home.allowedHours.some((w) => inWindow(minutes, w));
    this.deps
      .db()
      .prepare('INSERT INTO door_openings (home, sensor, event_id, opened_at, local_day, allowed) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sensor, event_id) DO NOTHING')
      .run(home.id, sensor, eventId, openedAt, localDay(at, this.deps.utcOffsetMinutes), allowed ? 1 : 0);
    if (allowed) return undefined;
    return {
      source: 'watch',
      kind: 'watch-breach',
      severity: 'warning',
      location: HomeWatch.label(home),
      device: sensor,
      occurredAt: openedAt,
      raw: { home: home.id, sensor, eventId },
      dedupeKey: `watch/${sensor}/${eventId}`,
      cameraId: home.cameraId,
    };
  }

  /** A door closed: logged beside the openings (the daily log shows both); never raises anything. */
  closed(sensor: string, eventId: string, closedAt: string): void {
    const home = this.bySensor.get(sensor);
    if (!home) return;
    const at = Date.parse(closedAt);
    this.deps
      .db()
      .prepare(`INSERT INTO door_openings (home, sensor, event_id, opened_at, local_day, allowed, kind) VALUES (?, ?, ?, ?, ?, 1, 'closed') ON CONFLICT (sensor, event_id) DO NOTHING`)
      .run(home.id, sensor, eventId, closedAt, localDay(at, this.deps.utcOffsetMinutes));
  }

  /** The daily log per home and local day: openings (and how many outside the hours), closings, every event in order. */
  dailyLog(homeId: string, days = 14): DailyLogDay[] {
    const rows = this.deps
      .db()
      .prepare<[{ home: string; days: number }], { local_day: string; opened_at: string; allowed: number; kind: string }>(
        `SELECT local_day, opened_at, allowed, kind FROM door_openings WHERE home = @home AND local_day IN (SELECT DISTINCT local_day FROM door_openings WHERE home = @home ORDER BY local_day DESC LIMIT @days) ORDER BY opened_at, id`,
      )
      .all({ home: homeId, days });
    const byDay = new Map<string, DailyLogDay>();
    for (const r of rows) {
      let d = byDay.get(r.local_day);
      if (!d) byDay.set(r.local_day, (d = { day: r.local_day, openings: 0, closings: 0, outsideHours: 0, times: [], events: [] }));
      const kind = r.kind === 'closed' ? 'closed' : 'open';
      d.events.push({ at: r.opened_at, kind, allowed: r.allowed === 1 });
      if (kind === 'closed') {
        d.closings++;
        continue;
      }
      d.openings++;
      if (!r.allowed) d.outsideHours++;
      d.times.push(r.opened_at);
    }
    return [...byDay.values()].sort((a, b) => b.day.localeCompare(a.day));
  }
}
