import { CODEC_SAMPLE_RATE, type AudioCodec } from '../../devices/mqtt-speaker/protocol.js';
import { FrameEncoder } from './codecs/frame-encoder.js';
import { StreamResampler, floatToInt16 } from './codecs/resampler.js';
import type { FrameSink, JobAudio } from './job-audio.js';

/**
 * Microphone audio of a live call-out: PCM chunks from the browser at its own rate are resampled
 * to the codec's rate, cut into frames and sent at once (the browser paces them).
 */
export class LiveAudio implements JobAudio {
  private readonly resampler: StreamResampler;
  private readonly encoder: FrameEncoder;
  private paused = false;
  private ended = false;
  private lastCapturedAt = Date.now();
  /** Chunks received, for the API and the bench. */
  chunks = 0;

  constructor(
    inputRate: number,
    codec: AudioCodec,
    frameMs: number,
    private readonly sink: FrameSink,
  ) {
    this.resampler = new StreamResampler(inputRate, CODEC_SAMPLE_RATE[codec]);
    this.encoder = new FrameEncoder(codec, frameMs);
  }

  start(): void {}

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** One chunk of mono samples (-1..1) captured at `capturedAt` (ms since epoch). */
  push(samples: Float32Array, capturedAt: number): void {
    if (this.ended) return;
    this.chunks++;
    this.lastCapturedAt = capturedAt;
    const frames = this.encoder.push(floatToInt16(this.resampler.push(samples)), capturedAt);
    if (this.paused) return;
    for (const frame of frames) this.sink(frame.data, frame.capturedAt, false);
  }

  stop(): void {
    if (this.ended) return;
    this.ended = true;
    const tail = this.encoder.push(floatToInt16(this.resampler.flush()), this.lastCapturedAt);
    const last = this.encoder.flush(this.lastCapturedAt);
    if (!this.paused) for (const frame of [...tail, ...(last ? [last] : [])]) this.sink(frame.data, frame.capturedAt, false);
    this.sink(Buffer.alloc(0), Date.now(), true);
  }
}
