import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { H264RtpPayload } from 'werift';
import { describe, expect, it } from 'vitest';
import { Fmp4Splitter } from '../../../src/streaming/fmp4-splitter.js';
import type { InitSegment, MediaUnit } from '../../../src/streaming/types.js';
import { fragmentSamples, h264Config, splitNals } from '../../../src/streaming/webrtc/fmp4-samples.js';
import { packetizeH264 } from '../../../src/streaming/webrtc/h264-packetizer.js';

/** Reassembles RTP payloads with werift's own H.264 depacketizer (an independent implementation). */
function depacketize(payloads: Buffer[]): Buffer[] {
  const nals: Buffer[] = [];
  let fragment: Buffer | undefined;
  for (const p of payloads) {
    const h = H264RtpPayload.deSerialize(p, fragment);
    fragment = h.fragment;
    if (h.payload?.length) {
      // werift returns Annex-B (start code + NAL) for complete units
      const parts = h.payload.toString('hex').split('00000001').filter(Boolean).map((x) => Buffer.from(x, 'hex'));
      nals.push(...parts);
    }
  }
  return nals;
}

describe('H.264 RTP packetizer (RFC 6184, mode 1)', () => {
  it('small NAL units go alone; large ones as FU-A; the marker ends the picture; werift reassembles them', () => {
    const nals = [Buffer.from([0x67, 1, 2, 3]), Buffer.from([0x68, 9]), Buffer.concat([Buffer.from([0x65]), Buffer.alloc(5000, 0x11)])];
    const packets = packetizeH264(nals, 1150);
    expect(packets.every((p) => p.payload.length <= 1150)).toBe(true);
    expect(packets.filter((p) => p.marker)).toHaveLength(1);
    expect(packets.at(-1)!.marker).toBe(true);
    expect(packets[0]!.payload).toEqual(nals[0]);
    expect(packets[1]!.payload).toEqual(nals[1]);
    expect(packets[2]!.payload[0]! & 0x1f).toBe(28);
    expect(depacketize(packets.slice(2).map((p) => p.payload))).toEqual([nals[2]]);
  });

  it('any NAL units survive the round trip (fast-check)', () => {
    const nal = fc.uint8Array({ minLength: 2, maxLength: 4000 }).map((a) => {
      const b = Buffer.from(a);
      b[0] = (b[0]! & 0x60) | 1; // forbidden bit 0, a slice type
      // no start-code lookalikes, so the Annex-B split above stays exact
      for (let i = 0; i + 3 < b.length; i++) if (b[i] === 0 && b[i + 1] === 0) b[i + 1] = 1;
      return b;
    });
    fc.assert(
      fc.property(fc.array(nal, { minLength: 1, maxLength: 5 }), fc.integer({ min: 100, max: 1400 }), (nals, max) => {
        const packets = packetizeH264(nals, max);
        expect(packets.every((p) => p.payload.length <= max)).toBe(true);
        expect(depacketize(packets.map((p) => p.payload))).toEqual(nals);
      }),
      { numRuns: 60 },
    );
  });
});

describe('samples out of the live fMP4', () => {
  it('reads SPS/PPS, timescale and every frame\'s NAL units from ffmpeg\'s frag_every_frame output', () => {
    const out = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10', '-t', '2', '-c:v', 'libx264', '-profile:v', 'baseline', '-g', '10', '-bf', '0',
      '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame+skip_trailer', 'pipe:1'], { maxBuffer: 32 * 1024 * 1024 });
    expect(out.status).toBe(0);
    let init: InitSegment | undefined;
    const units: MediaUnit[] = [];
    new Fmp4Splitter((i) => (init = i), (u) => units.push(u)).push(out.stdout);
    const config = h264Config(init!.data)!;
    expect(config).toMatchObject({ nalLengthSize: 4, profileLevelId: expect.stringMatching(/^42[0-9a-f]{4}$/) });
    expect(config.sps[0]![0]! & 0x1f).toBe(7);
    expect(config.pps[0]![0]! & 0x1f).toBe(8);
    expect(units).toHaveLength(20);
    const samples = units.map((u) => fragmentSamples(u.data, config.nalLengthSize));
    expect(samples.every((s) => s.length === 1 && s[0]!.nals.length >= 1)).toBe(true);
    const times = samples.map((s) => s[0]!.time);
    expect(times[1]! - times[0]!).toBe(config.timescale / 10);
    const idr = samples.map((s, i) => (s[0]!.nals.some((n) => (n[0]! & 0x1f) === 5) ? i : -1)).filter((i) => i >= 0);
    expect(idr).toEqual([0, 10]);
    expect(units.map((u, i) => (u.keyframe ? i : -1)).filter((i) => i >= 0)).toEqual(idr);
  });

  it('never throws on hostile bytes, and stops at a length that overruns', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      const buf = Buffer.from(bytes);
      expect(() => splitNals(buf, 4)).not.toThrow();
      expect(() => h264Config(buf)).not.toThrow();
    }), { numRuns: 300 });
    expect(splitNals(Buffer.from([0, 0, 0, 9, 1, 2]), 4)).toEqual([]);
  });
});
