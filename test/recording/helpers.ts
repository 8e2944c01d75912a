/** Recording test helpers: a gateway with simulator sources, streaming and recording; ffprobe; playback client. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { RunningCamera } from '../../simulators/onvif-camera/index.js';
import { decodeFrameStamp, type FrameStamp } from '../../simulators/onvif-camera/index.js';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';
import { createRecordingFeature, type RecordingFeatureOptions } from '../../src/recording/feature.js';
import { tfdtOf, timescaleOf } from '../../src/recording/mp4-time.js';
import { streamingFeature } from '../../src/streaming/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { simulatorSources } from '../streaming/helpers.js';

export const run = promisify(execFile);
export const ffmpegPath = resolveFfmpeg().path;
export const ffprobePath = ffmpegPath.replace(/ffmpeg$/, 'ffprobe');

export async function startRecordingGateway(
  cams: Record<string, RunningCamera>,
  recording: Record<string, unknown> = {},
  opts: RecordingFeatureOptions & { dataDir?: string; keepDataDir?: boolean } = {},
): Promise<TestGateway> {
  return startTestGateway({
    features: [simulatorSources(cams), streamingFeature, createRecordingFeature(opts)],
    config: { recording: { defaults: { enabled: true }, segmentSeconds: 2, fsyncIntervalMs: 200, retentionCheckMs: 500, ...recording }, streaming: { graceMs: 500 } },
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.keepDataDir ? { keepDataDir: true } : {}),
  });
}

export interface ProbedVideo {
  codec_name: string;
  profile: string;
  level: number;
  width: number;
  height: number;
  /** Seconds from the file's time zero to its last picture's end (ffprobe counts from zero, not from start_time). */
  duration: number;
  start_time: number;
  nb_frames: number;
  extradata?: string;
}

export async function ffprobe(file: string): Promise<ProbedVideo> {
  const { stdout } = await run(ffprobePath, ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=codec_name,profile,level,width,height,start_time,duration,nb_read_frames', '-show_entries', 'format=duration', '-of', 'json', file], { timeout: 30_000 });
  const j = JSON.parse(stdout) as { streams: Array<Record<string, string | number>>; format: { duration?: string } };
  const s = j.streams[0]!;
  return { codec_name: String(s.codec_name), profile: String(s.profile), level: Number(s.level), width: Number(s.width), height: Number(s.height), duration: Number(s.duration ?? j.format.duration), start_time: Number(s.start_time ?? 0), nb_frames: Number(s.nb_read_frames) };
}

/** Decodes an fMP4 (init + fragments) and reads the frame stamp of every picture, with its media time in seconds. */
export async function stampsOf(file: string, width: number, height: number): Promise<Array<FrameStamp | undefined>> {
  const { stdout } = await run(ffmpegPath, ['-v', 'error', '-i', file, '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 28, timeout: 60_000 });
  const size = width * height;
  const out: Array<FrameStamp | undefined> = [];
  for (let at = 0; at + size <= stdout.length; at += size) out.push(decodeFrameStamp(stdout.subarray(at, at + size), width, height));
  return out;
}

/** Media times (ms, relative to the stream's decode-time origin) of the fragments received over playback. */
export function fragmentTimes(init: Buffer, fragments: Buffer[]): number[] {
  const ts = timescaleOf(init);
  return fragments.map((f) => (tfdtOf(f) / ts) * 1000);
}

export function writeStream(file: string, init: Buffer, fragments: Buffer[]): void {
  writeFileSync(file, Buffer.concat([init, ...fragments]));
}
