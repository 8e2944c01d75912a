/**
 * Export speed on a 10-minute clip without recording for 10 minutes: one minute of 1280x720 15 fps
 * H.264 at 2 Mbit/s is made by ffmpeg (testsrc2, fragmented MP4 as the recorder writes it), laid
 * down as ten consecutive one-minute segments (hard links of that file), indexed by the repair
 * (as after a crash: from file names and contents), then exported by the gateway's Exporter
 * (remux only, faststart, written by the gateway itself). Speed = seconds of video per second of
 * wall time; the CPU time it took is measured too (the wall time on a loaded machine is mostly
 * waiting for a core).
 */
import { execFile } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';
import { silentLogger } from '../../src/core/logger.js';
import { Exporter } from '../../src/recording/export.js';
import { RecordingIndex } from '../../src/recording/index-store.js';
import { segmentPath } from '../../src/recording/layout.js';
import { recordingMigrations } from '../../src/recording/migrations.js';
import { repairRecordings } from '../../src/recording/repair.js';
import { Database } from '../../src/store/database.js';

const run = promisify(execFile);

/** One minute of 1280x720 15 fps H.264 at 2 Mbit/s as the recorder writes it (fragmented MP4, one picture per fragment). */
export async function makeMinute(file: string): Promise<void> {
  await run(resolveFfmpeg().path, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=15', '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-bf', '0', '-b:v', '2M', '-pix_fmt', 'yuv420p',
    '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame+skip_trailer', file], { timeout: 300_000 });
}

export interface ExportMeasure {
  seconds: number;
  wallS: number;
  speedX: number;
  bytes: number;
  /** CPU seconds of the export (the gateway's process: the export runs in it, no child process). */
  cpuS: number;
}

export async function measureExport(minutes = 10, minuteFile?: string): Promise<ExportMeasure> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-export-'));
  try {
    const minute = minuteFile ?? join(dir, 'minute.mp4');
    if (!minuteFile) await makeMinute(minute);
    const root = join(dir, 'recordings');
    const start = Date.now() - 2 * 3600_000;
    for (let i = 0; i < minutes; i++) {
      const file = join(root, segmentPath('bench', 'main', start + i * 60_000));
      mkdirSync(dirname(file), { recursive: true });
      linkSync(minute, file);
    }
    const db = new Database({ dataDir: dir, migrations: [recordingMigrations], log: silentLogger() });
    await db.start();
    try {
      const index = new RecordingIndex(db);
      repairRecordings(root, index, silentLogger());
      const exporter = new Exporter({ root, index, maxExportMinutes: 60 });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const row = await exporter.create({ camera: 'bench', fromMs: start, toMs: start + minutes * 60_000, by: 'bench' });
      const wallS = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      return { seconds: row.durationMs / 1000, wallS, speedX: row.durationMs / 1000 / wallS, bytes: row.bytes, cpuS: (cpu.user + cpu.system) / 1e6 };
    } finally {
      await db.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/lib/recording-export.ts`: this measure alone
if (process.argv[1]?.endsWith('recording-export.ts')) {
  measureExport().then((r) => console.log(JSON.stringify(r)), (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
