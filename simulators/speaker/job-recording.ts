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

  get jobId(): string {
    return this.play.jobId;
  }

  get ended(): boolean {
    return this.end !== undefined;
  }

  get durationMs(): number {
    return (this.samples / this.play.sampleRate) * 1000;
  }

  append(samples: Int16Array): void {
    this.chunks.push(samples);
    this.samples += samples.length;
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
