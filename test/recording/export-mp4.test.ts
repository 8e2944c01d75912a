/**
 * The export's own MP4 writer (src/recording/progressive-mp4.ts) against ffmpeg's reading of the
 * same pictures: a recording with B-frames (composition offsets, non-keyframes) and one without,
 * each laid down as two consecutive segments, indexed by the repair and exported; ffprobe must
 * list the same pictures (sizes, keyframe flags, presentation order) in the export as in the
 * recording, with the index first, and the export decodes without an error.
 */
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { Exporter } from '../../src/recording/export.js';
import { RecordingIndex } from '../../src/recording/index-store.js';
import { segmentPath } from '../../src/recording/layout.js';
import { recordingMigrations } from '../../src/recording/migrations.js';
import { repairRecordings } from '../../src/recording/repair.js';
import { Database } from '../../src/store/database.js';
import { ffmpegPath, ffprobePath, run } from './helpers.js';

interface Packet {
  size: number;
  key: boolean;
  ptsMs: number;
}

/** The video packets in decode order: size, keyframe flag, presentation time relative to the first picture shown. */
async function packets(file: string): Promise<Packet[]> {
  const { stdout } = await run(ffprobePath, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=size,flags,pts_time', '-of', 'json', file], { timeout: 30_000, maxBuffer: 1 << 26 });
  const list = (JSON.parse(stdout) as { packets: Array<{ size: string; flags: string; pts_time: string }> }).packets;
  const t0 = Math.min(...list.map((p) => Number(p.pts_time)));
  return list.map((p) => ({ size: Number(p.size), key: p.flags.startsWith('K'), ptsMs: Math.round((Number(p.pts_time) - t0) * 1000) }));
}

describe('export writes a standard MP4 itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-export-mp4-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const bframes of [0, 2]) {
    it(`keeps every picture, its keyframe flag and its order (${bframes} B-frames)`, async () => {
      const src = join(dir, `src-${bframes}.mp4`);
      // 4 s of 10 fps H.264 as the recorder writes it: fragmented, one picture per fragment
      await run(ffmpegPath, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-bf', String(bframes), '-pix_fmt', 'yuv420p',
        '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame+skip_trailer', src], { timeout: 60_000 });
      const root = join(dir, `rec-${bframes}`, 'recordings');
      const start = Date.now() - 3600_000;
      for (let i = 0; i < 2; i++) {
        const file = join(root, segmentPath('cam', 'main', start + i * 4000));
        mkdirSync(dirname(file), { recursive: true });
        linkSync(src, file);
      }
      const db = new Database({ dataDir: join(dir, `rec-${bframes}`), migrations: [recordingMigrations], log: silentLogger() });
      await db.start();
      try {
        const index = new RecordingIndex(db);
        repairRecordings(root, index, silentLogger());
        const exporter = new Exporter({ root, index, maxExportMinutes: 10 });
        const row = await exporter.create({ camera: 'cam', fromMs: start, toMs: start + 8000, by: 'test' });
        const out = exporter.pathOf(row.id);
        const bytes = readFileSync(out);
        expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
        const original = await packets(src);
        const exported = await packets(out);
        // both segments, picture for picture
        expect(exported.map(({ size, key }) => ({ size, key }))).toEqual([...original, ...original].map(({ size, key }) => ({ size, key })));
        // presentation order and times: the second segment 4 s after the first
        expect(exported.map((p) => p.ptsMs)).toEqual([...original.map((p) => p.ptsMs), ...original.map((p) => p.ptsMs + 4000)]);
        expect(row.durationMs).toBe(8000);
        // and it decodes without an error
        await run(ffmpegPath, ['-v', 'error', '-xerror', '-i', out, '-f', 'null', '-'], { timeout: 60_000 });
      } finally {
        await db.stop();
      }
    }, 60_000);
  }
});
