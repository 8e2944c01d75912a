/**
 * The format pieces on real ffmpeg output: the fMP4 splitter finds init segment, one fragment per
 * picture and the keyframes ffmpeg made (every 10th); the TS splitter finds MPEG1 I-pictures the
 * same way; the jsmpeg header and MPEG1 rate rules; credentials never survive redaction.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';
import { pipelineArgs, redactCredentials } from '../../src/streaming/ffmpeg-args.js';
import { Fmp4Splitter } from '../../src/streaming/fmp4-splitter.js';
import { jsmpegHeader, mpeg1OutputRate, parseJsmpegHeader } from '../../src/streaming/jsmpeg-format.js';
import { TsSplitter } from '../../src/streaming/ts-splitter.js';
import type { InitSegment, MediaUnit } from '../../src/streaming/types.js';

const run = promisify(execFile);
const ffmpeg = resolveFfmpeg().path;
const source = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-frames:v', '30'];

async function encode(args: string[]): Promise<Buffer> {
  const { stdout } = await run(ffmpeg, [...source, ...args, 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 26, timeout: 20_000 });
  return stdout;
}

/** Feeds the bytes in odd-sized chunks, as a pipe would deliver them. */
function feed(data: Buffer, push: (chunk: Buffer) => void): void {
  for (let at = 0, step = 1000; at < data.length; at += step, step = (step * 7) % 5003 + 100) push(data.subarray(at, at + step));
}

describe('fMP4 splitter', () => {
  it('cuts H.264 fMP4 into init + one fragment per picture and flags every keyframe', async () => {
    const mp4 = await encode(['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', '-g', '10', '-bf', '0', '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame+skip_trailer']);
    const inits: InitSegment[] = [];
    const units: MediaUnit[] = [];
    const splitter = new Fmp4Splitter((i) => inits.push(i), (u) => units.push(u));
    feed(mp4, (c) => splitter.push(c));
    expect(inits).toHaveLength(1);
    expect(inits[0]).toMatchObject({ codecs: expect.stringMatching(/^avc1\.42C0[0-9A-F]{2}$/), width: 320, height: 180 });
    expect(inits[0]!.mime).toBe(`video/mp4; codecs="${inits[0]!.codecs}"`);
    expect(units).toHaveLength(30);
    expect(units.map((u, i) => (u.keyframe ? i : -1)).filter((i) => i >= 0)).toEqual([0, 10, 20]);
    expect(inits[0]!.data.length + units.reduce((n, u) => n + u.data.length, 0)).toBe(mp4.length);
  });
});

describe('TS splitter', () => {
  it('cuts MPEG-TS/MPEG1 at pictures and flags the I-pictures', async () => {
    const ts = await encode(['-c:v', 'mpeg1video', '-g', '10', '-bf', '0', '-f', 'mpegts']);
    const units: MediaUnit[] = [];
    const splitter = new TsSplitter((u) => units.push(u));
    feed(ts, (c) => splitter.push(c));
    const pictures = units.filter((u) => u.frameStart);
    expect(pictures).toHaveLength(30);
    expect(pictures.map((u, i) => (u.keyframe ? i : -1)).filter((i) => i >= 0)).toEqual([0, 10, 20]);
    expect(units.reduce((n, u) => n + u.data.length, 0)).toBe(ts.length);
  });
});

describe('jsmpeg format', () => {
  it('writes the node-rtsp-stream header and picks a standard MPEG1 rate', () => {
    const header = jsmpegHeader(1280, 720);
    expect(header.toString('hex')).toBe('6a736d70050002d0');
    expect(parseJsmpegHeader(header)).toEqual({ width: 1280, height: 720 });
    expect([10, 15, 24, 25, 29.97, 30, 50].map(mpeg1OutputRate)).toEqual([24, 24, 24, 25, 30, 30, 50]);
  });
});

describe('redaction', () => {
  it('removes RTSP credentials from ffmpeg messages', () => {
    const src = { rtspUrl: 'rtsp://admin:s3cr%40t@10.0.0.5:554/main' };
    const text = redactCredentials('rtsp://admin:s3cr%40t@10.0.0.5:554/main: Connection refused; password s3cr@t', src);
    expect(text).not.toMatch(/s3cr/);
    expect(text).toContain('rtsp://***@10.0.0.5:554/main');
  });
});

describe('input list on stdin (the camera URL off the command line)', () => {
  const opts = { rtspTransport: 'tcp' as const, inputTimeoutMs: 5000, jsmpegBitrateKbps: null };
  const src = (rtspUrl: string) => ({ cameraId: 'c', profile: 'main' as const, rtspUrl, codec: 'h264' as const, width: 640, height: 360, fps: 15 });

  it('puts the URL only in the stdin list, one file line, quotes and line breaks neutralised', () => {
    const { args, stdin } = pipelineArgs('mse', src("rtsp://admin:it's%0Afile 'x'@10.0.0.5/main"), opts);
    expect(args.join(' ')).not.toMatch(/rtsp:|admin|it's/);
    expect(args).toEqual(expect.arrayContaining(['-f', 'concat', '-safe', '0', '-i', 'pipe:0']));
    const bad = pipelineArgs('jsmpeg', src('rtsp://u:p\nfile /etc/passwd\n@10.0.0.5/main'), opts).stdin;
    expect(bad.split('\n').filter((l) => l.startsWith('file '))).toHaveLength(1);
    expect(bad).toContain('%0Afile /etc/passwd%0A');
    expect(stdin).toContain("file 'rtsp://admin:it'\\''s%0Afile '\\''x'\\''@10.0.0.5/main'");
    expect(stdin).toContain('option rtsp_transport tcp\noption timeout 5000000\n');
  });

  it("ffmpeg reads the list as one URL (quotes and all): its own error names the URL we meant", async () => {
    const { args, stdin } = pipelineArgs('mse', src("rtsp://u:it's@127.0.0.1:1/main"), opts);
    const child = execFile(ffmpeg, args, { timeout: 10000 });
    child.stdin!.end(stdin);
    const stderr = await new Promise<string>((resolve) => {
      let text = '';
      child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
      child.once('close', () => resolve(text));
    });
    expect(stderr).toContain("Impossible to open 'rtsp://u:it's@127.0.0.1:1/main'");
    expect(stderr).toMatch(/Connection refused/);
  });
});
