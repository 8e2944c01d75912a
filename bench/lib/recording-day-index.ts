/**
 * A synthetic day of recording for the seek measure: one camera with 1,440 one-minute segments
 * ending now, each a hard link of the same one-minute fragmented MP4 (bench/lib/recording-export.ts
 * makeMinute), indexed directly (one scan of that file gives every row's keyframes), in the
 * database of `dataDir`, where a gateway started on that folder plays them back.
 */
import { linkSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { silentLogger } from '../../src/core/logger.js';
import { RecordingIndex } from '../../src/recording/index-store.js';
import { segmentPath } from '../../src/recording/layout.js';
import { recordingMigrations } from '../../src/recording/migrations.js';
import { scanSegment } from '../../src/recording/mp4-time.js';
import { describeInit } from '../../src/streaming/fmp4-splitter.js';
import { Database } from '../../src/store/database.js';

export async function buildDayIndex(dataDir: string, camera: string, minuteFile: string, minutes = 1440): Promise<{ fromMs: number; toMs: number }> {
  const buf = readFileSync(minuteFile);
  const scan = scanSegment(buf);
  if (!scan || scan.fragments.length === 0) throw new Error(`${minuteFile} is not a fragmented MP4`);
  const t0 = scan.fragments[0]!.tfdt;
  const keyframes = scan.fragments.filter((f) => f.keyframe).map((f): [number, number] => [Math.round(((f.tfdt - t0) / scan.timescale) * 1000), f.offset]);
  const last = scan.fragments[scan.fragments.length - 1]!;
  const lengthMs = Math.round(((last.tfdt + last.duration - t0) / scan.timescale) * 1000);
  const codec = describeInit(scan.init)?.codecs ?? 'unknown';
  const root = join(dataDir, 'recordings');
  const toMs = Date.now() - 60_000;
  const fromMs = toMs - minutes * 60_000;
  const db = new Database({ dataDir, migrations: [recordingMigrations], log: silentLogger() });
  await db.start();
  try {
    const index = new RecordingIndex(db);
    db.db.transaction(() => {
      for (let i = 0; i < minutes; i++) {
        const startMs = fromMs + i * 60_000;
        const file = segmentPath(camera, 'main', startMs);
        mkdirSync(dirname(join(root, file)), { recursive: true });
        linkSync(minuteFile, join(root, file));
        const id = index.openSegment({ camera, profile: 'main', startMs, endMs: startMs + lengthMs, file, bytes: buf.length, codec, keyframes });
        index.updateSegment(id, { endMs: startMs + lengthMs, bytes: buf.length, keyframes, state: 'closed' });
      }
    })();
  } finally {
    await db.stop();
  }
  return { fromMs, toMs };
}
