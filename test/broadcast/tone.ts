import { execFileSync } from 'node:child_process';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';

/** Frequency of the dominant tone from the rate of upward zero crossings (samples above a noise floor). */
export function zeroCrossingFrequency(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  let first = -1;
  let last = -1;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1]! < 0 && samples[i]! >= 0) {
      crossings++;
      if (first < 0) first = i;
      last = i;
    }
  }
  if (crossings < 2) return 0;
  return ((crossings - 1) * sampleRate) / (last - first);
}

/** Relative power of one frequency (Goertzel), 0..1 of the signal's total power. */
export function goertzelShare(samples: Int16Array, sampleRate: number, frequency: number): number {
  const k = (2 * Math.cos((2 * Math.PI * frequency) / sampleRate));
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (const x of samples) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (samples.length * energy);
}

/** A mono 16-bit WAV with a sine tone, made by ffmpeg's sine source. */
export function makeToneWav(file: string, options: { frequency: number; seconds: number; sampleRate?: number }): void {
  execFileSync(resolveFfmpeg().path, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${options.frequency}:sample_rate=${options.sampleRate ?? 48000}:duration=${options.seconds}`, '-ac', '1', '-c:a', 'pcm_s16le', file]);
}
