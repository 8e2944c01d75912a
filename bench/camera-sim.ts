/**
 * `npm run bench -- camera-sim [--window 10] [--demo-count 8]`
 *
 * CPU (percent of one core) and peak RSS of the camera simulator together with its ffmpeg
 * encoders, measured as a process tree in a child process so that the viewers (ffmpeg
 * `-c copy` readers started here) are not counted:
 *   1. baseline: one camera, nobody watching (encoders off);
 *   2. one camera, one viewer of the 720p 15 fps main stream;
 *   3. the same while the head pans all the time (every frame rendered afresh);
 *   4. the demo set (startDemoCameras), one viewer of each sub stream.
 * Writes bench/results/camera-sim.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveFfmpeg } from '../src/core/ffmpeg.js';
import { measureUsage, type UsageResult } from './lib/process-usage.js';
import { printTable, round, writeResult } from './lib/report.js';

interface ChildCamera {
  rtsp: Record<string, string>;
  username: string;
  password: string;
}

const self = fileURLToPath(import.meta.url);

/** Child mode: start cameras, print their URLs as one JSON line, stop on SIGTERM. */
async function child(mode: string, count: number): Promise<void> {
  const { startCameraSimulator, startDemoCameras } = await import('../simulators/onvif-camera/index.js');
  const cams = mode === 'demo' ? await startDemoCameras(count) : [await startCameraSimulator({ encoderLingerMs: 500 })];
  let pan = 0;
  // worst case: the head pans all the time (30 deg/s), so every frame is rendered afresh
  const panner = mode === 'pan' ? setInterval(() => cams[0]!.control.setPosition({ panDeg: (pan += 2) % 360 }), 66) : undefined;
  console.log(JSON.stringify(cams.map((c) => ({ rtsp: c.urls.rtsp, ...c.credentials }))));
  process.on('SIGTERM', () => {
    if (panner) clearInterval(panner);
    void Promise.all(cams.map((c) => c.stop())).then(() => process.exit(0));
  });
}

type Mode = 'one' | 'pan' | 'demo';

async function startChild(mode: Mode, count: number): Promise<{ proc: ChildProcess; cameras: ChildCamera[] }> {
  // node with the tsx loader in-process: one node process plus its ffmpeg children, nothing else
  const proc = spawn(process.execPath, ['--import', 'tsx', self, '--child', mode, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    proc.once('exit', (code) => reject(new Error(`simulator child exited (${code})`)));
  });
  return { proc, cameras: JSON.parse(line) as ChildCamera[] };
}

async function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const force = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(force);
}

function viewer(url: string): ChildProcess {
  return spawn(resolveFfmpeg().path, ['-v', 'error', '-rtsp_transport', 'tcp', '-i', url, '-c', 'copy', '-f', 'null', '-'], { stdio: 'ignore' });
}

const withCreds = (c: ChildCamera, token: string): string => c.rtsp[token]!.replace('rtsp://', `rtsp://${c.username}:${c.password}@`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function scenario(mode: Mode, count: number, token: string | undefined, windowMs: number): Promise<UsageResult> {
  const { proc, cameras } = await startChild(mode, count);
  const viewers = token ? cameras.map((c) => viewer(withCreds(c, token))) : [];
  try {
    await sleep(token ? 4000 : 1500); // encoders up, first keyframes out
    return await measureUsage([proc.pid!], windowMs);
  } finally {
    for (const v of viewers) v.kill('SIGKILL');
    await stopChild(proc);
  }
}

export default async function bench(args: string[]): Promise<void> {
  const arg = (name: string, fallback: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const windowMs = arg('window', 10) * 1000;
  const demoCount = arg('demo-count', 8);
  const idle = await scenario('one', 1, undefined, Math.min(windowMs, 5000));
  const one = await scenario('one', 1, 'main', windowMs);
  const panning = await scenario('pan', 1, 'main', windowMs);
  const demo = await scenario('demo', demoCount, 'sub', windowMs);
  const rows = [
    { scenario: 'baseline: 1 camera, no viewer', cpu_pct: idle.cpuPct, rss_mb: idle.rssMb },
    { scenario: '1 camera, 1 viewer (main 1280x720 @ 15 fps)', cpu_pct: one.cpuPct, rss_mb: one.rssMb },
    { scenario: '1 camera panning 30 deg/s, 1 viewer (main)', cpu_pct: panning.cpuPct, rss_mb: panning.rssMb },
    { scenario: `demo: ${demoCount} cameras, 1 viewer each (sub 640x360 @ 10 fps)`, cpu_pct: demo.cpuPct, rss_mb: demo.rssMb },
  ];
  printTable('camera simulator + its ffmpeg encoders (cpu_pct: percent of one core)', rows);
  const file = writeResult('camera-sim', {
    one_camera_cpu_pct: round(one.cpuPct, 1),
    one_camera_rss_mb: round(one.rssMb, 1),
    demo_cameras: demoCount,
    demo_cpu_pct: round(demo.cpuPct, 1),
    baseline_idle_cpu_pct: round(idle.cpuPct, 1),
    baseline_idle_rss_mb: round(idle.rssMb, 1),
    demo_rss_mb: round(demo.rssMb, 1),
    one_camera_panning_cpu_pct: round(panning.cpuPct, 1),
    window_s: windowMs / 1000,
    budget: { one_camera_cpu_pct_max: 25, demo_cpu_pct_max: 200 },
  });
  console.log(`\nwritten ${file}`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url && process.argv[2] === '--child') {
  await child(process.argv[3] ?? 'one', Number(process.argv[4] ?? 1));
}
