/**
 * Retention with a fake free-space probe (the disk is the bytes of the segment files against a
 * tiny budget): below the floor the oldest segments of any camera go first, event spans last;
 * the camera's days remove old video except where an event still keeps it; events-only cameras
 * keep only event spans and pre-roll.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { CameraRecordingConfig, RecordingConfig } from '../../src/config/schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { RecordingIndex } from '../../src/recording/index-store.js';
import { segmentPath } from '../../src/recording/layout.js';
import { recordingMigrations } from '../../src/recording/migrations.js';
import { Retention, type DiskSpace } from '../../src/recording/retention.js';
import { Database } from '../../src/store/database.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const SEG_BYTES = 100_000;

describe('recording retention', () => {
  let dir: string;
  let db: Database;
  let index: RecordingIndex;
  let now: number;
  let used = 0;
  const disk = { total: 10 * SEG_BYTES };

  const probe = (): DiskSpace => ({ freeBytes: disk.total - used, totalBytes: disk.total });
  const settings: Record<string, Partial<CameraRecordingConfig>> = {};
  let config: RecordingConfig;

  function addSegment(camera: string, startMs: number): number {
    const file = segmentPath(camera, 'main', startMs);
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), Buffer.alloc(SEG_BYTES));
    used += SEG_BYTES;
    const id = index.openSegment({ camera, profile: 'main', startMs, endMs: startMs + MINUTE, file, bytes: SEG_BYTES, codec: 'avc1.42E01E', keyframes: [[0, 0]] });
    index.updateSegment(id, { endMs: startMs + MINUTE, bytes: SEG_BYTES, keyframes: [[0, 0]], state: 'closed' });
    return startMs;
  }

  function retention(): Retention {
    return new Retention({
      root: dir,
      config,
      settingsOf: (c) => ({ ...config.defaults, ...settings[c] }),
      index,
      probe: () => {
        // the fake disk follows the files really on it
        used = index.usage().reduce((n, r) => n + r.bytes, 0);
        return probe();
      },
      log: silentLogger(),
      now: () => now,
    });
  }

  const starts = (camera: string): number[] => index.segments(camera, 0, Number.MAX_SAFE_INTEGER).map((s) => s.startMs);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cg-ret-'));
    db = new Database({ dataDir: dir, migrations: [recordingMigrations], log: silentLogger() });
    await db.start();
    index = new RecordingIndex(db);
    now = Date.UTC(2026, 11, 1, 12);
    used = 0;
    for (const k of Object.keys(settings)) delete settings[k];
    config = { ...loadConfig({ env: {}, overrides: { storage: { dataDir: dir } } }).config.recording, minFreeGb: 0, minFreePercent: 50 };
  });

  afterEach(async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('below the floor removes the oldest segments of any camera first and keeps event spans longest', async () => {
    const t0 = now - 8 * MINUTE;
    // a: minutes 0, 2, 4, 6; b: minutes 1, 3, 5, 7 (8 x 100 kB on a 1 MB disk: 200 kB free, floor 500 kB)
    for (let i = 0; i < 8; i++) addSegment(i % 2 ? 'b' : 'a', t0 + i * MINUTE);
    // an event inside a's first minute keeps it
    index.addEvent({ camera: 'a', atMs: t0 + 30_000, kind: 'gate-entry', label: null, keepFromMs: t0 + 20_000, keepToMs: t0 + 40_000, keepUntilMs: now + 60 * DAY });
    const r = retention();
    const report = await r.run();
    expect(report.byFloor).toBe(3); // b@1, a@2, b@3: a@0 is inside an event span
    expect(starts('a')).toEqual([t0, t0 + 4 * MINUTE, t0 + 6 * MINUTE]);
    expect(starts('b')).toEqual([t0 + 5 * MINUTE, t0 + 7 * MINUTE]);
    expect(existsSync(join(dir, segmentPath('b', 'main', t0 + MINUTE)))).toBe(false);
    expect(r.lastSpace!.freeBytes).toBeGreaterThanOrEqual(r.floorBytes(r.lastSpace!));
  });

  it('removes video older than the camera\'s days, except what an event still keeps', async () => {
    settings.a = { retentionDays: 1 };
    const old = addSegment('a', now - 2 * DAY);
    const kept = addSegment('a', now - 2 * DAY + 5 * MINUTE);
    const fresh = addSegment('a', now - MINUTE * 2);
    index.addEvent({ camera: 'a', atMs: kept + 1000, kind: 'bookmark', label: 'scratched car', keepFromMs: kept, keepToMs: kept + 2000, keepUntilMs: now + DAY });
    const report = await retention().run();
    expect(report.byAge).toBe(1);
    expect(starts('a')).toEqual([kept, fresh]);
    expect(starts('a')).not.toContain(old);
    // once the event's own retention is over, its span goes too
    now += 2 * DAY;
    await retention().run();
    expect(starts('a')).toEqual([]);
  });

  it('events-only cameras keep event spans and the pre-roll only', async () => {
    settings.a = { mode: 'events', preSeconds: 10 };
    const a = addSegment('a', now - 10 * MINUTE);
    addSegment('a', now - 8 * MINUTE);
    const recent = addSegment('a', now - MINUTE + 1000);
    index.addEvent({ camera: 'a', atMs: a + 5000, kind: 'motion', label: null, keepFromMs: a, keepToMs: a + 35_000, keepUntilMs: now + DAY });
    const report = await retention().run();
    expect(report.byEventsMode).toBe(1);
    expect(starts('a')).toEqual([a, recent]);
  });

  it('frees space at once when a write hits a full disk', () => {
    for (let i = 0; i < 5; i++) addSegment('a', now - (10 - i) * MINUTE);
    const r = retention();
    expect(r.freeNow(2)).toBe(true);
    expect(starts('a')).toEqual([now - 8 * MINUTE, now - 7 * MINUTE, now - 6 * MINUTE]);
    expect(statSync(dir).isDirectory()).toBe(true);
  });
});
