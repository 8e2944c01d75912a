/**
 * kill -9 of a recording gateway: at the next start the interrupted segment is cut back to its
 * last complete fragment and indexed; every segment file is readable; at most 1 s before the kill
 * is lost; the time the gateway was down is listed as a gap.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import type { TestGateway } from '../helpers/gateway.js';
import { alive, descendants } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { ffprobe, startRecordingGateway } from './helpers.js';

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mp4') && statSync(join(dir, f)).isFile());
}

describe('recording survives kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-rec-crash-'));
  let cam: RunningCamera | undefined;
  let gw: TestGateway | undefined;

  afterAll(async () => {
    await gw?.stop();
    await cam?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses at most 1 s, leaves no unreadable segment and lists the downtime as a gap', async () => {
    cam = await startCameraSimulator({ name: 'Crash cam', main: { width: 640, height: 360, fps: 15, bitrateKbps: 600 } });
    const arg = { id: 'cam', rtsp: cam.urls.rtsp, username: cam.credentials.username, password: cam.credentials.password, main: cam.options.main, sub: cam.options.sub };
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/recording-child.ts', import.meta.url)), dataDir, JSON.stringify(arg)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await waitFor(() => out.includes('recording '), 30_000, 'the child to record');
    await new Promise((r) => setTimeout(r, 2500));
    const orphans = descendants(child.pid!).map((p) => p.pid);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    for (const pid of orphans) if (alive(pid)) process.kill(pid, 'SIGKILL');
    // The gateway stays down longer than recording.gapThresholdMs (2 s): a shorter pause is not a gap by
    // design, and on an idle machine the restart below takes less than that.
    await new Promise((r) => setTimeout(r, 3000));

    gw = await startRecordingGateway({ cam }, { segmentSeconds: 60 }, { dataDir, keepDataDir: true });
    const db = gw.gateway.database.db;
    const repaired = db.prepare("SELECT end_ms AS endMs, file FROM recording_segments WHERE state = 'repaired'").all() as Array<{ endMs: number; file: string }>;
    expect(repaired).toHaveLength(1);
    const loss = killedAt - repaired[0]!.endMs;
    expect(loss).toBeLessThanOrEqual(1000);
    await waitFor(() => db.prepare("SELECT COUNT(*) AS n FROM recording_segments WHERE state = 'open'").get() as { n: number }, 15_000);
    await waitFor(async () => {
      const tl = (await (await gw!.api('/api/recordings/cam/timeline', { token: await gw!.login('viewer') })).json()) as { gaps: Array<{ from: number; to: number; reason: string }> };
      return tl.gaps.find((g) => g.reason === 'gateway.down');
    }, 15_000, 'the downtime gap');
    const root = join(dataDir, 'recordings');
    for (const f of files(root)) {
      const p = await ffprobe(join(root, f));
      expect(p.codec_name).toBe('h264');
    }
    console.log(`kill -9 loss window: ${loss} ms`);
  }, 90_000);
});
