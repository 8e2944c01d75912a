/**
 * A once-only schedule plays once and then turns itself off; a daily one at the same time stays
 * on for the next day. The real scheduler and store, with the scheduler's clock shifted so that
 * the fire time (two days ahead, so that the store accepts it) comes 1.2 s after the start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { broadcastMigrations } from '../../src/broadcast/migrations.js';
import { ScheduleStore, type Schedule } from '../../src/broadcast/schedule-store.js';
import { Scheduler } from '../../src/broadcast/scheduler.js';
import { silentLogger } from '../../src/core/logger.js';
import { Database } from '../../src/store/database.js';
import { waitFor } from '../helpers/wait.js';

describe('a once-only schedule', () => {
  let dir: string;
  let db: Database;
  let scheduler: Scheduler | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cg-once-'));
    db = new Database({ dataDir: dir, migrations: [broadcastMigrations], log: silentLogger() });
    await db.start();
  });
  afterEach(async () => {
    await scheduler?.stop();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays once at its time, then is off; a daily schedule at that time stays on', async () => {
    const store = new ScheduleStore(db, 'UTC');
    const at = new Date(Math.ceil((Date.now() + 2 * 86_400_000) / 60_000) * 60_000);
    const base = { timezone: null, targets: { speakers: ['lobby'], groups: [] }, content: { kind: 'tts' as const, text: '今晚八点停水' }, repeat: 1, volume: null, quietHours: null, onPreempt: 'resume' as const, enabled: true };
    const time = at.toISOString().slice(11, 16);
    const once = store.create({ ...base, name: 'once', when: { kind: 'once', date: at.toISOString().slice(0, 10), time } }, 'admin');
    const daily = store.create({ ...base, name: 'daily', when: { kind: 'daily', time } }, 'admin');
    const offset = at.getTime() - Date.now() - 1200;
    const fired: Array<{ id: string; at: string }> = [];
    scheduler = new Scheduler({ store, log: silentLogger(), fire: (s: Schedule, when: Date) => fired.push({ id: s.id, at: when.toISOString() }), now: () => Date.now() + offset });
    await scheduler.start();
    expect(scheduler.plan().get(once.id)?.toISOString()).toBe(at.toISOString());

    await waitFor(() => fired.length >= 2, 5000, 'both schedules fired');
    expect(fired.sort((a, b) => a.id.localeCompare(b.id))).toEqual([once, daily].map((s) => ({ id: s.id, at: at.toISOString() })).sort((a, b) => a.id.localeCompare(b.id)));
    expect(store.get(once.id)).toMatchObject({ enabled: false, lastFiredAt: at.toISOString() });
    expect(store.get(daily.id)).toMatchObject({ enabled: true, lastFiredAt: at.toISOString() });
    expect(scheduler.plan().has(once.id)).toBe(false);
    expect(scheduler.plan().get(daily.id)?.toISOString()).toBe(new Date(at.getTime() + 86_400_000).toISOString());
    // Reloaded (as after an edit or a restart), it stays off and does not fire again.
    scheduler.reload();
    await new Promise((r) => setTimeout(r, 300));
    expect(fired).toHaveLength(2);
    expect(scheduler.plan().has(once.id)).toBe(false);
  });
});
