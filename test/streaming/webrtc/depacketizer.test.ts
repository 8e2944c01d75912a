/** The camera's RTP back into pictures (webrtc.cameraRtp): each picture at its marker, loss and garbage bounded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packetizeH264 } from '../../../src/streaming/webrtc/h264-packetizer.js';
import { H264Depacketizer, type RtpPicture } from '../../../src/streaming/webrtc/h264-depacketizer.js';

function rtp(payload: Buffer, seq: number, timestamp: number, marker: boolean): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = (marker ? 0x80 : 0) | 96;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(timestamp >>> 0, 4);
  h.writeUInt32BE(0x1234, 8);
  return Buffer.concat([h, payload]);
}

function packets(pictures: Buffer[][], startSeq = 65530, startTs = 0xfffff000): Buffer[] {
  const out: Buffer[] = [];
  let seq = startSeq;
  pictures.forEach((nals, i) => {
    for (const p of packetizeH264(nals, 1150)) out.push(rtp(p.payload, seq++, startTs + i * 6000, p.marker));
  });
  return out;
}

const nal = fc.uint8Array({ minLength: 2, maxLength: 5000 }).map((a) => {
  const b = Buffer.from(a);
  b[0] = (b[0]! & 0x60) | (1 + (b[0]! % 23)); // a NAL type of 1..23, F bit clear
  return b;
});

describe('H.264 RTP depacketizer (RFC 6184)', () => {
  it('gives back every picture, whole and at its own marker, across sequence and timestamp wrap (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(nal, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (pictures) => {
        const got: RtpPicture[] = [];
        const d = new H264Depacketizer((p) => got.push(p));
        const all = packets(pictures.map((p) => p.map((n) => Buffer.from(n))));
        let pictureCount = 0;
        for (const p of all) {
          d.push(p);
          if (p[1]! & 0x80) expect(got).toHaveLength(++pictureCount); // handed on at the marker, not at the next picture
        }
        expect(got.map((p) => p.nals)).toEqual(pictures.map((p) => p.map((n) => Buffer.from(n))));
        expect(got.map((p) => p.timestamp)).toEqual(pictures.map((_, i) => (0xfffff000 + i * 6000) >>> 0));
      }),
      { numRuns: 60 },
    );
  });

  it('drops a picture with a lost packet, hands on the next one, and finishes a picture whose marker was lost', () => {
    const idr = Buffer.concat([Buffer.from([0x65]), Buffer.alloc(4000, 7)]);
    const p1 = Buffer.concat([Buffer.from([0x41]), Buffer.alloc(3000, 9)]);
    const all = packets([[idr], [p1], [Buffer.from([0x41, 1, 2])]]);
    const got: RtpPicture[] = [];
    const d = new H264Depacketizer((p) => got.push(p));
    all.forEach((p, i) => {
      if (i !== 1) d.push(p); // a fragment of the keyframe is lost
    });
    expect(got.map((p) => p.nals[0]![0])).toEqual([0x41, 0x41]);
    expect(d.dropped).toBe(1);
    // marker lost: the picture ends when the next timestamp begins
    const got2: RtpPicture[] = [];
    const d2 = new H264Depacketizer((p) => got2.push(p));
    d2.push(rtp(Buffer.from([0x65, 1]), 1, 100, false));
    d2.push(rtp(Buffer.from([0x41, 2]), 2, 200, true));
    expect(got2.map((p) => [p.timestamp, p.keyframe])).toEqual([[100, true], [200, false]]);
  });

  it('survives garbage and bounds a picture\'s size', () => {
    const got: RtpPicture[] = [];
    const d = new H264Depacketizer((p) => got.push(p), 10_000);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (a) => d.push(Buffer.from(a))), { numRuns: 300 });
    const bounded = new H264Depacketizer((p) => got.push(p), 10_000);
    got.length = 0;
    for (const p of packets([[Buffer.concat([Buffer.from([0x65]), Buffer.alloc(20_000, 1)])], [Buffer.from([0x41, 5])]], 10, 0)) bounded.push(p);
    expect(got.map((p) => p.nals[0]!.length)).toEqual([2]);
    expect(bounded.dropped).toBe(1);
  });
});
