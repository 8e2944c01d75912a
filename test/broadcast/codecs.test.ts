import { describe, expect, it } from 'vitest';
import { decodeMulaw, encodeMulaw, linearToMulaw, mulawToLinear } from '../../devices/mqtt-speaker/g711.js';
import { AUDIO_FRAME_HEADER_BYTES, decodeAudioFrame, encodeAudioFrame } from '../../devices/mqtt-speaker/protocol.js';
import { FrameEncoder } from '../../src/broadcast/codecs/frame-encoder.js';
import { StreamResampler, floatToInt16, resampleInt16 } from '../../src/broadcast/codecs/resampler.js';
import { goertzelShare, zeroCrossingFrequency } from './tone.js';

function sine(frequency: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate);
  return out;
}

describe('G.711 mu-law', () => {
  it('matches the standard code points', () => {
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToMulaw(-1)).toBe(0x7f);
    expect(linearToMulaw(32767)).toBe(0x80);
    expect(linearToMulaw(-32768)).toBe(0x00);
    expect(mulawToLinear(0xff)).toBe(0);
    expect(mulawToLinear(0x80)).toBe(32124);
    expect(mulawToLinear(0x00)).toBe(-32124);
  });

  it('round-trips every code and keeps the error within the companding step', () => {
    for (let code = 0; code < 256; code++) {
      if (code === 0x7f) continue; // -0 decodes to 0, which encodes as +0 (0xff)
      expect(linearToMulaw(mulawToLinear(code))).toBe(code);
    }
    for (const s of [0, 100, -100, 1000, -5000, 12000, -30000]) {
      const back = decodeMulaw(encodeMulaw(Int16Array.of(s)))[0]!;
      expect(Math.abs(back - s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) / 16));
    }
  });
});

describe('resampling', () => {
  for (const [inRate, outRate] of [[48000, 8000], [44100, 8000], [22050, 16000], [16000, 8000], [8000, 16000]] as const) {
    it(`${inRate} Hz -> ${outRate} Hz keeps a 1 kHz tone, its level and length`, () => {
      const input = sine(1000, inRate, 1);
      const resampler = new StreamResampler(inRate, outRate);
      // Odd chunk sizes, as a browser would send them.
      const parts: Float32Array[] = [];
      for (let i = 0; i < input.length; i += 333) parts.push(resampler.push(input.subarray(i, i + 333)));
      parts.push(resampler.flush());
      const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) out.set(p, (o += p.length) - p.length);
      expect(Math.abs(out.length - outRate)).toBeLessThanOrEqual(2);
      const samples = floatToInt16(out.subarray(200, out.length - 200));
      expect(Math.abs(zeroCrossingFrequency(samples, outRate) - 1000)).toBeLessThan(2);
      expect(goertzelShare(samples, outRate, 1000)).toBeGreaterThan(0.95);
      const peak = Math.max(...samples.map(Math.abs)) / 32768;
      expect(peak).toBeGreaterThan(0.45);
      expect(peak).toBeLessThan(0.55);
    });
  }

  it('filters out what the lower rate cannot carry (no aliasing of a 6 kHz tone into 8 kHz)', () => {
    const out = resampleInt16(floatToInt16(sine(6000, 48000, 1)), 48000, 8000);
    const rms = Math.sqrt(out.reduce((a, s) => a + (s / 32768) ** 2, 0) / out.length);
    expect(rms).toBeLessThan(0.01); // the input's rms is 0.35
  });
});

describe('audio frames', () => {
  it('encodes the versioned header and decodes it back', () => {
    const data = Buffer.alloc(160, 0x55);
    const buffer = encodeAudioFrame({ codec: 'pcmu', endOfStream: false, frameMs: 20, stream: 4_000_000_000, sequence: 77, capturedAt: 1795766400123.25, data });
    expect(buffer.length).toBe(AUDIO_FRAME_HEADER_BYTES + 160);
    expect(buffer[0]).toBe(1);
    expect(decodeAudioFrame(buffer)).toEqual({ codec: 'pcmu', endOfStream: false, frameMs: 20, stream: 4_000_000_000, sequence: 77, capturedAt: 1795766400123.25, data });
    const eos = decodeAudioFrame(encodeAudioFrame({ codec: 's16le', endOfStream: true, frameMs: 40, stream: 1, sequence: 2, capturedAt: 3, data: Buffer.alloc(0) }));
    expect(eos).toMatchObject({ codec: 's16le', endOfStream: true, frameMs: 40 });
  });

  it('refuses bad frames with a reason', () => {
    expect(() => decodeAudioFrame(Buffer.alloc(10))).toThrow(/shorter than its 20-byte header/);
    const v2 = encodeAudioFrame({ codec: 'pcmu', endOfStream: false, frameMs: 20, stream: 1, sequence: 0, capturedAt: 0, data: Buffer.alloc(4) });
    v2[0] = 2;
    expect(() => decodeAudioFrame(v2)).toThrow(/version 2 is not supported/);
    const badCodec = Buffer.from(v2);
    badCodec[0] = 1;
    badCodec[1] = 9;
    expect(() => decodeAudioFrame(badCodec)).toThrow(/unknown audio codec id 9/);
    const odd = encodeAudioFrame({ codec: 's16le', endOfStream: false, frameMs: 20, stream: 1, sequence: 0, capturedAt: 0, data: Buffer.alloc(3) });
    expect(() => decodeAudioFrame(odd)).toThrow(/not whole samples/);
  });

  it('cuts a stream into 20 ms frames (160 bytes of mu-law) whatever the chunk sizes', () => {
    const encoder = new FrameEncoder('pcmu', 20);
    const frames = [...encoder.push(new Int16Array(100), 1), ...encoder.push(new Int16Array(300), 2), ...encoder.push(new Int16Array(90), 3)];
    expect(frames.map((f) => [f.data.length, f.capturedAt])).toEqual([[160, 2], [160, 2], [160, 3]]);
    expect(encoder.flush(4)?.data.length).toBe(160);
    expect(encoder.flush(5)).toBeUndefined();
    expect(new FrameEncoder('s16le', 40).samplesPerFrame).toBe(640);
  });
});
