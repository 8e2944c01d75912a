/**
 * G.711 for the camera backchannel: A-law (ITU-T G.711, RTP payload type 8) here, mu-law
 * (payload type 0) shared with the speakers' codec.
 */
import { linearToMulaw } from '../mqtt-speaker/g711.js';
import type { G711Codec } from './backchannel-sdp.js';

const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** One 16-bit linear sample to one A-law byte. */
export function linearToAlaw(sample: number): number {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample))) >> 3; // 13 bits
  let mask = 0xd5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const segment = ALAW_SEGMENT_ENDS.findIndex((end) => pcm <= end);
  if (segment < 0) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

/** One A-law byte to a 16-bit linear sample. */
export function alawToLinear(byte: number): number {
  const a = (byte ^ 0x55) & 0xff;
  const segment = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  if (segment === 0) t += 8;
  else if (segment === 1) t += 0x108;
  else t = (t + 0x108) << (segment - 1);
  return a & 0x80 ? t : -t;
}

export function encodeG711(codec: G711Codec, samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length);
  const encode = codec === 'pcmu' ? linearToMulaw : linearToAlaw;
  for (let i = 0; i < samples.length; i++) out[i] = encode(samples[i]!);
  return out;
}
