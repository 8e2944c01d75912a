/**
 * The simulator's encoder hands each picture on as soon as it is encoded, as an IP camera does
 * (no B-frames, no lookahead): picture N is out before picture N+1 is rendered. It used to wait
 * for the next picture's delimiter, a whole frame interval. With `timingSei` each picture carries
 * its render time and frame number for the benchmarks.
 */
import { describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../../src/core/ffmpeg.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { ProfileSpec } from '../../../simulators/onvif-camera/context.js';
import { VideoEncoder, type EncodedAccessUnit } from '../../../simulators/onvif-camera/encoder.js';
import { readTimingSei } from '../../../simulators/onvif-camera/timing-sei.js';

const profile: ProfileSpec = { token: 'main', name: 'Main', width: 320, height: 240, fps: 4, bitrateKbps: 300, codec: 'h264', encoderToken: 'e' };

describe('simulated camera encoder', () => {
  it('hands picture N on before picture N+1 is rendered, each with its render time and number in an SEI', async () => {
    let rendered = -1;
    const encoder = new VideoEncoder({
      ffmpegPath: resolveFfmpeg().path,
      profile,
      log: silentLogger(),
      timingSei: true,
      render: (p, i) => {
        rendered = i;
        return Buffer.alloc((p.width * p.height * 3) / 2, (i * 40) & 0xff);
      },
    });
    const got: Array<{ au: EncodedAccessUnit; renderedSoFar: number }> = [];
    const done = new Promise<void>((resolve) => {
      const off = encoder.subscribe((au) => {
        got.push({ au, renderedSoFar: rendered });
        if (got.length === 8) {
          off();
          resolve();
        }
      });
    });
    try {
      await done;
    } finally {
      await encoder.stop();
    }
    const timings = got.map(({ au }) => au.nals.map((n) => readTimingSei(n)).find((t) => t !== undefined));
    expect(timings.map((t) => t?.frame)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Once ffmpeg runs (the first picture or two wait for it to start), each picture is out while it is
    // still the newest one rendered (250 ms between pictures).
    expect(got.slice(2).map((g) => g.renderedSoFar)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(got.map((g) => g.au.renderedAt)).toEqual(timings.map((t) => t!.renderedAt));
    expect(got[0]!.au.keyframe).toBe(true);
    expect(got[0]!.au.nals.map((n) => n[0]! & 0x1f)).toEqual(expect.arrayContaining([7, 8, 5, 6]));
  }, 30_000);
});
