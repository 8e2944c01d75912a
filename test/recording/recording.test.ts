/**
 * Recording end to end against the camera simulator and real ffmpeg: the recorder shares the live
 * MSE stream's ffmpeg, writes segments ffprobe reads, indexes spans and keyframes; playback from T
 * starts at the keyframe at or before T and the picture shown at T carries the stamp of T; an
 * export is a faststart MP4 with the camera's own codec parameters and the indexed duration; a
 * camera outage is a gap with its reason and recording resumes by itself.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import type { TestGateway } from '../helpers/gateway.js';
import { gatewayFfmpegProcesses, openViewer, sleep } from '../streaming/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { ffprobe, fragmentTimes, startRecordingGateway, stampsOf, writeStream } from './helpers.js';

const FPS = 15;
const FRAME_MS = 1000 / FPS;

interface Timeline {
  spans: Array<{ from: number; to: number }>;
  gaps: Array<{ from: number; to: number; reason: string }>;
  recording: { state: string } | null;
}

describe('recording', () => {
  let cam: RunningCamera;
  let gw: TestGateway;
  let token: string;
  let officer: string;
  const work = mkdtempSync(join(tmpdir(), 'cg-rec-'));

  beforeAll(async () => {
    cam = await startCameraSimulator({ name: 'Gate cam', main: { width: 640, height: 360, fps: FPS, bitrateKbps: 600 }, encoderLingerMs: 500 });
    gw = await startRecordingGateway({ cam });
    token = await gw.login('viewer');
    officer = await gw.login('officer');
  }, 30_000);

  afterAll(async () => {
    await gw?.stop();
    await cam?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const timeline = async (): Promise<Timeline> => (await (await gw.api('/api/recordings/cam/timeline', { token })).json()) as Timeline;

  it('records with the live viewer on the same ffmpeg, in segments ffprobe reads', async () => {
    await waitFor(async () => (await timeline()).spans.length > 0, 15_000);
    const viewer = openViewer(gw, '/api/streams/cam?format=mse', token, ['avc1.42E01E', 'avc1.640028']);
    await waitFor(() => viewer.binary.length > 5, 10_000);
    expect(gatewayFfmpegProcesses()).toHaveLength(1);
    await viewer.close();
    await sleep(4500);
    const status = (await (await gw.api('/api/recordings', { token })).json()) as { cameras: Array<{ camera: string; state: string; codec: string }>; usage: { totalBytes: number; bytesPerDay: number } };
    expect(status.cameras).toEqual([expect.objectContaining({ camera: 'cam', state: 'recording', codec: expect.stringMatching(/^avc1\./) })]);
    expect(status.usage.totalBytes).toBeGreaterThan(10_000);
    const segs = gw.gateway.database.db.prepare("SELECT file, start_ms AS startMs, end_ms AS endMs, keyframes FROM recording_segments WHERE state = 'closed' ORDER BY start_ms").all() as Array<{ file: string; startMs: number; endMs: number; keyframes: string }>;
    expect(segs.length).toBeGreaterThanOrEqual(2);
    for (const s of segs) {
      const p = await ffprobe(join(gw.dataDir, 'recordings', s.file));
      expect(p).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
      expect(Math.abs((p.duration - p.start_time) * 1000 - (s.endMs - s.startMs))).toBeLessThanOrEqual(FRAME_MS + 1);
      expect((JSON.parse(s.keyframes) as unknown[]).length).toBeGreaterThanOrEqual(1);
    }
    const metrics = await (await gw.api('/metrics')).text();
    expect(metrics).toMatch(/recording_state\{camera="cam",state="recording"\} 1/);
    expect(metrics).toMatch(/recording_bytes_per_day \d+/);
  }, 40_000);

  it('plays back from T: the first fragment is the keyframe at or before T, and the picture shown at T is stamped T', async () => {
    const tl = await timeline();
    const span = tl.spans[0]!;
    const T = Math.round(span.from + (span.to - span.from) / 2 + 333);
    const origin = T - 10_000;
    const v = openViewer(gw, `/api/playback/cam?at=${T}&origin=${origin}&speed=8`, token, ['avc1.42E01E', 'avc1.640028']);
    await waitFor(() => v.binary.length > 30, 10_000);
    await v.close();
    const mse = v.text.find((m) => m.type === 'mse') as { codecs: string; origin: number };
    const seeked = v.text.find((m) => m.type === 'seeked') as { at: number; keyframeAt: number };
    expect(mse.origin).toBe(origin);
    expect(seeked.at).toBe(T);
    expect(seeked.keyframeAt).toBeLessThanOrEqual(T);
    expect(T - seeked.keyframeAt).toBeLessThan(1100); // the simulator's GOP is 1 s
    const init = v.binary[0]!.data;
    const frags = v.binary.slice(1).map((b) => b.data);
    const times = fragmentTimes(init, frags).map((t) => origin + t);
    expect(Math.abs(times[0]! - seeked.keyframeAt)).toBeLessThanOrEqual(1);
    const file = join(work, 'playback.mp4');
    writeStream(file, init, frags);
    const stamps = await stampsOf(file, 640, 360);
    expect(stamps.length).toBe(frags.length);
    const shown = times.findLastIndex((t) => t <= T);
    expect(shown).toBeGreaterThanOrEqual(0);
    const stamp = stamps[shown]!;
    expect(stamp).toBeDefined();
    // Every picture from the keyframe on, none missing.
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]!.frame).toBe(stamps[i - 1]!.frame + 1);
    // Picture times are the camera's capture clock (its RTCP sender reports, read by the relay in
    // front of ffmpeg): the picture shown at T is the last one taken at or before T, so T lies
    // within its frame interval (the simulator's real one: its frame timer runs late under load).
    const next = stamps[shown + 1]!;
    expect(stamp.wallMs).toBeLessThanOrEqual(T + 1);
    expect(next.wallMs).toBeGreaterThan(T - 1);
    expect(T - stamp.wallMs).toBeLessThanOrEqual(Math.max(FRAME_MS, next.wallMs - stamp.wallMs) + 1);
    expect(next.frame).toBe(stamp.frame + 1);
  }, 30_000);

  it('exports a range as a faststart MP4 with the camera\'s codec parameters and the indexed duration', async () => {
    const tl = await timeline();
    const span = tl.spans[0]!;
    const from = span.from + 500;
    const to = Math.min(span.to, from + 3000);
    const res = await gw.api('/api/recordings/exports', { method: 'POST', token: officer, json: { cameras: ['cam'], from, to } });
    expect(res.status).toBe(201);
    const { exports } = (await res.json()) as { exports: Array<{ id: string; durationMs: number; fromMs: number }> };
    const ex = exports[0]!;
    expect(ex.fromMs).toBeLessThanOrEqual(from);
    const dl = await gw.api(`/api/recordings/exports/${ex.id}/file`, { token: officer });
    expect(dl.status).toBe(200);
    const file = join(work, 'export.mp4');
    const bytes = Buffer.from(await dl.arrayBuffer());
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, bytes);
    // faststart: moov before mdat
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    const probed = await ffprobe(file);
    expect(Math.abs(probed.duration * 1000 - ex.durationMs)).toBeLessThanOrEqual(FRAME_MS + 1);
    const seg = gw.gateway.database.db.prepare("SELECT file FROM recording_segments WHERE state = 'closed' LIMIT 1").get() as { file: string };
    const original = await ffprobe(join(gw.dataDir, 'recordings', seg.file));
    expect({ ...probed, duration: 0, start_time: 0, nb_frames: 0 }).toEqual({ ...original, duration: 0, start_time: 0, nb_frames: 0 });
    // same SPS/PPS bytes: the avcC record of the export equals the camera's
    const avcc = (b: Buffer): Buffer => {
      const at = b.indexOf('avcC');
      return b.subarray(at, at + b.readUInt32BE(at - 4) - 4);
    };
    expect(avcc(bytes).equals(avcc(readFileSync(join(gw.dataDir, 'recordings', seg.file))))).toBe(true);
    const list = (await (await gw.api('/api/recordings/exports', { token: officer })).json()) as { exports: Array<{ id: string; createdBy: string }> };
    expect(list.exports).toEqual([expect.objectContaining({ id: ex.id, createdBy: 'officer' })]);
    expect((await gw.api('/api/recordings/exports', { method: 'POST', token, json: { cameras: ['cam'], from, to } })).status).toBe(403);
    const audit = gw.gateway.database.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'recording.%'").all() as Array<{ action: string }>;
    expect(audit.map((a) => a.action)).toContain('recording.export');
    expect((await gw.api(`/api/recordings/exports/${ex.id}`, { method: 'DELETE', token: officer })).status).toBe(204);
    expect((await gw.api(`/api/recordings/exports/${ex.id}/file`, { token: officer })).status).toBe(404);
  }, 30_000);

  it('records a 30 s camera outage as a gap with its reason and resumes by itself', async () => {
    // the outage: the camera gone for 30 s (nobody reconnects it by hand)
    const offAt = Date.now();
    await cam.control.goOffline();
    await sleep(30_000);
    const onAt = Date.now();
    await cam.control.goOnline();
    await waitFor(async () => (await timeline()).gaps.some((g) => g.to > offAt), 20_000, 'the outage listed as a gap');
    const tl = await timeline();
    const gap = tl.gaps.find((g) => g.to > offAt)!;
    // the gap covers the outage: from about when the camera went (its last picture) to after it came back
    expect(gap.from).toBeLessThanOrEqual(offAt + 1000);
    expect(gap.to).toBeGreaterThanOrEqual(onAt);
    expect(gap.to - gap.from).toBeGreaterThan(29_000);
    expect(gap.reason).toMatch(/^(camera\.offline|stream\.)/);
    expect(tl.recording?.state).toBe('recording');
    expect(tl.spans[tl.spans.length - 1]!.from).toBeGreaterThanOrEqual(onAt);
    // and the recording after it grows: recording resumed, not only a segment opened
    const end = tl.spans[tl.spans.length - 1]!.to;
    await waitFor(async () => (await timeline()).spans.at(-1)!.to > end + 1000, 10_000, 'the recording after the outage to grow');
  }, 75_000);
});
