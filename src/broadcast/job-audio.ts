import type { AudioCodec } from '../../devices/mqtt-speaker/protocol.js';
import { encodeSamples } from './codecs/frame-encoder.js';

/** Sends one frame (or the end-of-stream marker) of a job to its targets. */
export type FrameSink = (data: Buffer, capturedAt: number, endOfStream: boolean) => void;

/** The audio side of a job: produces frames and says when it is done. */
export interface JobAudio {
  start(): void;
  /** Every speaker of the job was taken: stop sending, keep the position. */
  pause(): void;
  resume(): void;
  /** Ends at once (stopped, preempted with the skip policy); sends the end-of-stream marker. */
  stop(): void;
}

/**
 * Plays a prepared buffer (TTS or clip, already at the codec's rate) `repeat` times in real time:
 * each tick sends the frames that are due, `leadMs` ahead of the play-out clock so a speaker
 * always holds a little audio. Pausing stops the clock. `onDone` runs when the last frame's audio
 * has had time to play.
 */
export class PacedAudio implements JobAudio {
  private readonly frames: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private clockStartedAt = 0;
  private playedBeforePauseMs = 0;
  private running = false;
  private done = false;
  private endSent = false;

  constructor(
    private readonly options: {
      codec: AudioCodec;
      samples: Int16Array;
      samplesPerFrame: number;
      frameMs: number;
      repeat: number;
      leadMs: number;
      sink: FrameSink;
      onDone: () => void;
    },
  ) {
    const { samples, samplesPerFrame, repeat, codec } = options;
    const once: Buffer[] = [];
    for (let offset = 0; offset < samples.length; offset += samplesPerFrame) {
      const chunk = new Int16Array(samplesPerFrame);
      chunk.set(samples.subarray(offset, Math.min(samples.length, offset + samplesPerFrame)));
      once.push(encodeSamples(codec, chunk));
    }
    for (let r = 0; r < repeat; r++) this.frames.push(...once);
  }

  get totalMs(): number {
    return this.frames.length * this.options.frameMs;
  }

  start(): void {
    this.resume();
  }

  pause(): void {
    if (!this.running) return;
    this.running = false;
    this.playedBeforePauseMs += performance.now() - this.clockStartedAt;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    if (this.running || this.done) return;
    this.running = true;
    this.clockStartedAt = performance.now();
    this.tick();
    this.timer = setInterval(() => this.tick(), Math.max(5, Math.floor(this.options.frameMs / 2)));
  }

  stop(): void {
    if (this.done) return;
    this.finish(false);
  }

  private playedMs(): number {
    return this.playedBeforePauseMs + (this.running ? performance.now() - this.clockStartedAt : 0);
  }

  private tick(): void {
    const { frameMs, leadMs, sink } = this.options;
    const played = this.playedMs();
    const due = Math.min(this.frames.length, Math.floor((played + leadMs) / frameMs) + 1);
    while (this.sent < due) sink(this.frames[this.sent++]!, Date.now(), false);
    if (this.sent >= this.frames.length && !this.endSent) {
      // The speaker learns the end right away and plays out what it holds.
      this.endSent = true;
      sink(Buffer.alloc(0), Date.now(), true);
    }
    if (this.sent >= this.frames.length && played >= this.totalMs) this.finish(true);
  }

  private finish(complete: boolean): void {
    this.done = true;
    this.running = false;
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.endSent) this.options.sink(Buffer.alloc(0), Date.now(), true);
    this.endSent = true;
    if (complete) this.options.onDone();
  }
}

/**
 * Audio the speakers speak themselves (native TTS): nothing to send; the job is done when every
 * speaker reported the end, or after `timeoutMs`.
 */
export class NativeSpeech implements JobAudio {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: { timeoutMs: number; onTimeout: () => void }) {}

  start(): void {
    this.timer = setTimeout(this.options.onTimeout, this.options.timeoutMs);
  }

  pause(): void {}
  resume(): void {}

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
