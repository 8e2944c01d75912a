/**
 * A streaming sample-rate converter: windowed-sinc interpolation (Hann window, 8 zero crossings,
 * 64 precomputed phases) with the cutoff just below the lower of the two Nyquist frequencies, so
 * 48 kHz microphone audio becomes 8 kHz G.711 input without aliasing. Chunks of any size may be
 * pushed; the filter state carries over between them (about 1 ms of delay at 48 kHz -> 8 kHz).
 */
export class StreamResampler {
  private readonly step: number;
  private readonly half: number;
  private readonly phases = 64;
  private readonly table: Float32Array;
  private buffer: Float32Array;
  /** Absolute input index of buffer[0]. */
  private bufferStart: number;
  private bufferLength: number;
  /** Absolute input position of the next output sample. */
  private position = 0;

  constructor(
    readonly inRate: number,
    readonly outRate: number,
  ) {
    if (!(inRate > 0 && outRate > 0)) throw new Error(`sample rates must be positive (got ${inRate} -> ${outRate})`);
    this.step = inRate / outRate;
    const cutoff = (0.45 * Math.min(inRate, outRate)) / inRate; // cycles per input sample
    this.half = inRate === outRate ? 1 : Math.ceil(8 / (2 * cutoff));
    const taps = 2 * this.half;
    this.table = new Float32Array(this.phases * taps);
    for (let p = 0; p < this.phases; p++) {
      let sum = 0;
      for (let j = 0; j < taps; j++) {
        const d = p / this.phases + this.half - 1 - j;
        const x = 2 * cutoff * d;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const window = Math.abs(d) < this.half ? 0.5 * (1 + Math.cos((Math.PI * d) / this.half)) : 0;
        const h = sinc * window;
        this.table[p * taps + j] = h;
        sum += h;
      }
      for (let j = 0; j < taps; j++) this.table[p * taps + j]! /= sum;
    }
    // Zeros before the first sample, so the first output needs no special case.
    this.buffer = new Float32Array(4096);
    this.bufferStart = -this.half;
    this.bufferLength = this.half;
  }

  /** Converts one chunk; returns the output samples that are complete (-1..1 floats). */
  push(input: Float32Array): Float32Array {
    if (this.inRate === this.outRate) return input.slice();
    this.append(input);
    return this.drain(this.bufferStart + this.bufferLength - 1);
  }

  /** Outputs what is left, as if silence followed. */
  flush(): Float32Array {
    if (this.inRate === this.outRate) return new Float32Array(0);
    const end = this.bufferStart + this.bufferLength - 1;
    this.append(new Float32Array(this.half + 1));
    return this.drain(end + this.half);
  }

  private append(input: Float32Array): void {
    if (this.bufferLength + input.length > this.buffer.length) {
      const grown = new Float32Array(Math.max(this.buffer.length * 2, this.bufferLength + input.length));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(input, this.bufferLength);
    this.bufferLength += input.length;
  }

  private drain(lastIndex: number): Float32Array {
    const taps = 2 * this.half;
    const count = Math.max(0, Math.floor((lastIndex - this.half - this.position) / this.step) + 1);
    const out = new Float32Array(count);
    const { buffer, table, phases } = this;
    for (let n = 0; n < count; n++) {
      const base = Math.floor(this.position);
      const phase = Math.min(phases - 1, Math.round((this.position - base) * phases));
      const first = base - this.half + 1 - this.bufferStart;
      const row = phase * taps;
      let acc = 0;
      for (let j = 0; j < taps; j++) acc += buffer[first + j]! * table[row + j]!;
      out[n] = acc;
      this.position += this.step;
    }
    // Keep only the history the next output needs.
    const keepFrom = Math.floor(this.position) - this.half + 1 - this.bufferStart;
    if (keepFrom > 0) {
      this.buffer.copyWithin(0, keepFrom, this.bufferLength);
      this.bufferLength -= keepFrom;
      this.bufferStart += keepFrom;
    }
    return out;
  }
}

export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768)));
  return out;
}

/** Converts a whole clip at once. */
export function resampleInt16(samples: Int16Array, inRate: number, outRate: number): Int16Array {
  if (inRate === outRate) return samples.slice();
  const resampler = new StreamResampler(inRate, outRate);
  const head = resampler.push(int16ToFloat(samples));
  const tail = resampler.flush();
  const all = new Float32Array(head.length + tail.length);
  all.set(head);
  all.set(tail, head.length);
  return floatToInt16(all.subarray(0, Math.round((samples.length * outRate) / inRate)));
}
