import { createHash } from 'node:crypto';
import type { PlayMessage } from '../../devices/mqtt-speaker/protocol.js';
import { ReceptionStats } from './reception-stats.js';

export type RecordingEnd = 'finished' | 'stopped' | 'failed';

/** One job as a simulated speaker heard it: what it was told, what it played, how frames arrived. */
export class JobRecording {
  readonly stats = new ReceptionStats();
  readonly chunks: Int16Array[] = [];
  samples = 0;
  /** Frames that arrived while another job had the speaker. */
  dropped = 0;
  /** Frames received a second time (the speaker is in two of the job's groups): not played again. */
  duplicates = 0;
  private readonly recentSequences = new Set<number>();
  startedAt: number | undefined;
  endedAt: number | undefined;
  end: RecordingEnd | undefined;
  endReason: string | undefined;
  wavPath: string | undefined;
  /** Play periods (ms since epoch), one per stretch this job had the speaker. */
  readonly segments: Array<{ from: number; to: number | undefined }> = [];

  constructor(
    readonly play: PlayMessage,
    /** Order of announcement, to break priority ties (earlier wins). */
    readonly order: number,
  ) {}

  /** True the first time a frame's sequence number arrives (a window of the last 256 frames). */
  firstArrival(sequence: number): boolean {
    if (this.recentSequences.has(sequence)) {
      this.duplicates++;
      return false;
    }
    this.recentSequences.add(sequence);
    if (this.recentSequences.size > 256) this.recentSequences.delete(this.recentSequences.values().next().value!);
    return true;
  }

  get jobId(): string {
    return this.play.jobId;
  }

  get ended(): boolean {
    return this.end !== undefined;
  }

  get durationMs(): number {
    return (this.samples / this.play.sampleRate) * 1000;
  }

  /** Samples beyond the recording limit, not kept. */
  truncated = 0;

  /** Keeps samples up to `maxSamples` in all; counts the rest as truncated. */
  append(samples: Int16Array, maxSamples = Number.POSITIVE_INFINITY): void {
    const room = Math.max(0, maxSamples - this.samples);
    const kept = samples.length <= room ? samples : samples.subarray(0, room);
    this.truncated += samples.length - kept.length;
    if (kept.length === 0) return;
    this.chunks.push(kept);
    this.samples += kept.length;
  }

  openSegment(at: number): void {
    this.startedAt ??= at;
    this.segments.push({ from: at, to: undefined });
  }

  closeSegment(at: number): void {
    const last = this.segments.at(-1);
    if (last && last.to === undefined) last.to = at;
  }
}

/** The job a speaker plays: highest priority among those not ended, earlier announcement on a tie. */
export function chooseCurrent(jobs: Iterable<JobRecording>): JobRecording | undefined {
  let best: JobRecording | undefined;
  for (const job of jobs) {
    if (job.ended) continue;
    if (!best || job.play.priority > best.play.priority || (job.play.priority === best.play.priority && job.order < best.order)) best = job;
  }
  return best;
}

/**
 * The WAV file name for a job id the gateway sent: only letters, digits, `.`, `_` and `-` (so a
 * hostile id such as `../../x` cannot name another folder), plus a short hash of the id when
 * anything had to be replaced, so that two different ids never share a file.
 */
export function recordingFileName(jobId: string): string {
  const safe = jobId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 64) || '_';
  if (safe === jobId) return `${safe}.wav`;
  return `${safe}-${createHash('sha256').update(jobId).digest('hex').slice(0, 8)}.wav`;
}
