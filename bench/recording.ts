/**
 * `npm run bench -- recording [--cameras=8] [--window=30] [--only=export]`: N simulated 720p15
 * cameras (each in a process of its own, bench/lib/camera-child.ts) recorded at once by a gateway
 * in its own process. Baseline in the same run: the same gateway with the same cameras configured
 * and recording off (idle). Measures recording CPU per camera (tree minus idle), container
 * overhead (file bytes against the camera's H.264 payload), seek latency in Chromium (request ->
 * the picture at the requested instant shown, with the console's playback player;
 * bench/lib/recording-seek-browser.ts) at 20 random instants of a synthetic 24 h index
 * (bench/lib/recording-day-index.ts) while the cameras record, export speed on a 10-minute clip
 * (bench/lib/recording-export.ts: a synthetic index, remux only; wall and CPU time), the export of
 * the recorded window through the API, and the loss window after kill -9 (the repaired index's
 * end against the moment of the kill), with the part of it the cameras' own encoders took
 * (render -> picture sent, which no recorder can shorten). `--only=export`: the 10-minute export
 * alone (about 15 s; writes bench/results/recording-export.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/logger.js';
import { RecordingIndex } from '../src/recording/index-store.js';
import { recordingMigrations } from '../src/recording/migrations.js';
import { repairRecordings } from '../src/recording/repair.js';
import { readBoxes } from '../src/streaming/fmp4-splitter.js';
import { Database } from '../src/store/database.js';
import { startCameraProcess, type CameraProcess } from './lib/camera-process.js';
import { measureUsage } from './lib/process-usage.js';
import { buildDayIndex } from './lib/recording-day-index.js';
import { makeMinute, measureExport } from './lib/recording-export.js';
import { startSeekBrowser } from './lib/recording-seek-browser.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function arg(name: string, fallback: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : fallback;
}

function startGateway(sources: unknown[], dataDir: string, record: boolean): Promise<{ child: ChildProcess; url: string; token: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lib', 'recording-gateway-child.ts'), JSON.stringify({ sources, dataDir, record })], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ child, ...(JSON.parse(line!) as { url: string; token: string }) });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited ${code}`)));
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** The synthetic day of recording that the seeks play from (not one of the recorded cameras). */
const DAY_CAMERA = 'day';

function segmentFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mp4') && !f.startsWith('_') && !f.startsWith(`${DAY_CAMERA}/`) && statSync(join(root, f)).isFile());
}

/** File bytes and the bytes of H.264 payload (mdat bodies) in them. */
function overhead(root: string): { fileBytes: number; payloadBytes: number } {
  let fileBytes = 0;
  let payloadBytes = 0;
  for (const f of segmentFiles(root)) {
    const buf = readFileSync(join(root, f));
    fileBytes += buf.length;
    for (const b of readBoxes(buf)) if (b.type === 'mdat') payloadBytes += b.end - b.body;
  }
  return { fileBytes, payloadBytes };
}

function option(name: string): string | undefined {
  return process.argv.find((x) => x.startsWith(`--${name}=`))?.split('=')[1];
}

/** `--only=export`: the 10-minute export alone. */
async function exportOnly(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-rec-export-'));
  try {
    const minute = join(dir, 'minute.mp4');
    await makeMinute(minute);
    const load0 = loadavg()[0]!;
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await measureExport(10, minute));
    const best = [...runs].sort((a, b) => a.wallS - b.wallS)[1]!; // the median of 3
    const result = {
      export_speed_x: round(best.speedX, 1),
      export_seconds: best.seconds,
      export_wall_s: round(best.wallS, 2),
      export_cpu_s: round(best.cpuS, 3),
      export_speed_per_cpu_x: round(best.seconds / best.cpuS, 0),
      runs: runs.map((r) => round(r.speedX, 1)).join(' / '),
      load_average: `${round(load0, 1)} / ${round(loadavg()[0]!, 1)}`,
      notes: 'median of 3 exports of a 10-minute 720p15 clip (synthetic index, remux only, written by the gateway: no ffmpeg); export_cpu_s is the CPU it took',
    };
    printTable('recording export (10 minutes, 1280x720@15, 2 Mbit/s)', [result]);
    console.log(`written ${writeResult('recording-export', result)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function main(): Promise<void> {
  if (option('only') === 'export') return exportOnly();
  const n = arg('cameras', 8);
  const windowMs = arg('window', 30) * 1000;
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-bench-rec-'));
  const cams: CameraProcess[] = [];
  const children: ChildProcess[] = [];
  const began = Date.now();
  const load: number[] = [];
  try {
    // one minute of 720p15 H.264: the synthetic day the seeks play from, and the 10-minute export
    const minute = join(dataDir, 'minute.mp4');
    await makeMinute(minute);
    const day = await buildDayIndex(join(dataDir, 'rec'), DAY_CAMERA, minute);
    load.push(loadavg()[0]!);
    cams.push(...(await Promise.all(Array.from({ length: n }, (_, i) => startCameraProcess({ name: `Bench ${i + 1}`, main: { width: 1280, height: 720, fps: 15, bitrateKbps: 2048 }, encoderLingerMs: 60_000 })))));
    const sources = cams.map((c, i) => ({
      cameraId: `cam${i + 1}`,
      profile: 'main',
      rtspUrl: c.urls.rtsp.main!.replace('rtsp://', `rtsp://${c.credentials.username}:${c.credentials.password}@`),
      codec: 'h264',
      width: 1280,
      height: 720,
      fps: 15,
    }));
    // Baseline: the gateway with the same cameras, recording off.
    const idle = await startGateway(sources, join(dataDir, 'idle'), false);
    children.push(idle.child);
    await sleep(3000);
    const idleUsage = await measureUsage([idle.child.pid!], windowMs / 2);
    await stopChild(idle.child);

    const rec = await startGateway(sources, join(dataDir, 'rec'), true);
    children.push(rec.child);
    await sleep(5000); // every camera's stream started and recording
    const startedAt = Date.now();
    const recUsage = await measureUsage([rec.child.pid!], windowMs);
    const root = join(dataDir, 'rec', 'recordings');

    load.push(loadavg()[0]!);
    // seeks in Chromium: 20 random instants of the synthetic day, while the cameras record
    const seeks: number[] = [];
    const seekErrors: string[] = [];
    const browser = await startSeekBrowser(rec.url, rec.token, 1000 / 15);
    try {
      for (let i = 0; i < 20; i++) {
        const at = day.fromMs + Math.random() * (day.toMs - day.fromMs - 60_000);
        try {
          seeks.push(await browser.seek(DAY_CAMERA, Math.round(at)));
        } catch (err) {
          seekErrors.push((err as Error).message); // counted as missing (seeks_measured says how many came)
        }
      }
    } finally {
      await browser.close();
    }
    // export of everything recorded of camera 1 so far
    const exportFrom = startedAt - 4000;
    const exportTo = Date.now() - 1500;
    const login = await fetch(`${rec.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password: 'bench-admin-password' }) });
    const adminToken = ((await login.json()) as { token: string }).token;
    const t0 = performance.now();
    const res = await fetch(`${rec.url}/api/recordings/exports`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ cameras: ['cam1'], from: exportFrom, to: exportTo }) });
    const exportWall = (performance.now() - t0) / 1000;
    const exportBody = (await res.json()) as { exports?: Array<{ durationMs: number }>; error?: string };
    if (!res.ok) console.error(`export failed: ${res.status} ${exportBody.error}`);
    const exported = exportBody.exports?.[0];
    const exportSpeed = exported ? exported.durationMs / 1000 / exportWall : Number.NaN;

    // kill -9 while recording (after 3 s of recording only, not on the heels of the export) and
    // measure what the repair finds; the cameras' own encode times of the last pictures say how
    // much of it passed before a picture even left the camera
    await sleep(2000);
    await Promise.all(cams.map((c) => c.encodeMs()));
    await sleep(1000);
    const killedAt = Date.now();
    await stopChild(rec.child, 'SIGKILL');
    const encodeMs = await Promise.all(cams.map(async (c) => percentile(await c.encodeMs(), 50)));
    await sleep(500);
    const db = new Database({ dataDir: join(dataDir, 'rec'), migrations: [recordingMigrations], log: silentLogger() });
    await db.start();
    const index = new RecordingIndex(db);
    repairRecordings(root, index, silentLogger());
    const ends = sources.map((s) => index.lastSegment(s.cameraId)?.endMs ?? 0);
    await db.stop();
    const losses = ends.map((e) => killedAt - e);
    const lossWindow = Math.max(...losses);
    const gatewayLoss = Math.max(...losses.map((l, i) => l - encodeMs[i]!));
    const o = overhead(root);
    // after the cameras: the 10-minute export of the issue, on a synthetic index
    for (const c of cams.splice(0)) await c.stop();
    const tenMinutes = await measureExport(10, minute);
    load.push(loadavg()[0]!);

    const result = {
      cameras: n,
      cpu_pct_per_camera: round((recUsage.cpuPct - idleUsage.cpuPct) / n, 2),
      overhead_pct: round(((o.fileBytes - o.payloadBytes) / o.payloadBytes) * 100, 3),
      seek_p50_ms: round(percentile(seeks, 50), 1),
      seek_p95_ms: round(percentile(seeks, 95), 1),
      export_speed_x: round(tenMinutes.speedX, 1),
      loss_window_ms: lossWindow,
      loss_window_gateway_ms: gatewayLoss,
      camera_encode_ms_p50: round(percentile(encodeMs, 50), 0),
      loss_per_camera_ms: losses.join(' '),
      baseline_idle_cpu_pct: round(idleUsage.cpuPct, 2),
      recording_cpu_pct: round(recUsage.cpuPct, 2),
      seeks_measured: seeks.length,
      ...(seekErrors.length ? { seek_errors: [...new Set(seekErrors)].join('; ') } : {}),
      export_seconds: tenMinutes.seconds,
      export_wall_s: round(tenMinutes.wallS, 2),
      export_cpu_s: round(tenMinutes.cpuS, 3),
      window_export_speed_x: round(exportSpeed, 1),
      window_exported_seconds: exported ? exported.durationMs / 1000 : null,
      window_s: windowMs / 1000,
      run_s: Math.round((Date.now() - began) / 1000),
      load_average: load.map((l) => round(l, 1)).join(' / '),
      notes: 'baseline: the same gateway and cameras with recording off, in the same run; seek latency is request -> the picture at the requested instant shown in Chromium (the console playback player, requestVideoFrameCallback), at 20 random instants of a synthetic 24 h index (1,440 one-minute segments) while the cameras record; export_speed_x is a 10-minute clip (synthetic index, remux only, export_cpu_s its CPU); loss_window_ms is kill -> end of the repaired recording, worst camera; loss_window_gateway_ms takes off the own encode time of each camera (render -> sent, median of its last second); window_export_speed_x is the short recorded window through the API',
    };
    printTable(`recording benchmark (${n} cameras 1280x720@15, ${windowMs / 1000} s window)`, [result]);
    console.log(`written ${writeResult('recording', result)}`);
  } finally {
    for (const c of children) await stopChild(c, 'SIGKILL');
    for (const c of cams) await c.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
