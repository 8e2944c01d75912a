import { encodeMulaw } from '../../../devices/mqtt-speaker/g711.js';
import { CODEC_SAMPLE_RATE, type AudioCodec } from '../../../devices/mqtt-speaker/protocol.js';

export interface EncodedFrame {
  data: Buffer;
  /** Capture time of the frame's audio (when its last sample was available), ms since epoch. */
  capturedAt: number;
}

/** Encodes 16-bit PCM at the codec's rate into one codec's payload. */
export function encodeSamples(codec: AudioCodec, samples: Int16Array): Buffer {
  if (codec === 'pcmu') return encodeMulaw(samples);
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}

/**
 * Cuts a continuous stream of samples (already at the codec's rate) into frames of `frameMs` and
 * encodes each. A frame carries the capture time of the chunk that completed it.
 */
export class FrameEncoder {
  readonly samplesPerFrame: number;
  private pending: Int16Array;
  private filled = 0;

  constructor(
    readonly codec: AudioCodec,
    readonly frameMs: number,
  ) {
    this.samplesPerFrame = Math.round((CODEC_SAMPLE_RATE[codec] * frameMs) / 1000);
    this.pending = new Int16Array(this.samplesPerFrame);
  }

  push(samples: Int16Array, capturedAt: number): EncodedFrame[] {
    const frames: EncodedFrame[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.samplesPerFrame - this.filled, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.samplesPerFrame) {
        frames.push({ data: encodeSamples(this.codec, this.pending), capturedAt });
        this.filled = 0;
      }
    }
    return frames;
  }

  /** The last, partial frame (padded with silence), if any. */
  flush(capturedAt: number): EncodedFrame | undefined {
    if (this.filled === 0) return undefined;
    this.pending.fill(0, this.filled);
    this.filled = 0;
    return { data: encodeSamples(this.codec, this.pending), capturedAt };
  }
}
