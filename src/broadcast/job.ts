import type { Message } from '../core/messages.js';
import type { AudioSource, BroadcastEvent, JobEventName, PriorityClass, SpeakerEvent } from '../../devices/mqtt-speaker/protocol.js';

export type PreemptPolicy = 'resume' | 'skip';

export type JobStatus =
  /** Waiting for its speakers (a scheduled job that found them busy). */
  | 'queued'
  | 'playing'
  /** Every speaker of the job was taken by a higher job; it continues when they are free. */
  | 'suspended'
  | 'finished'
  | 'stopped'
  | 'skipped'
  | 'failed';

export const ENDED_STATUSES: readonly JobStatus[] = ['finished', 'stopped', 'skipped', 'failed'];

/** What an officer or a schedule asked for: speakers by id and groups by name. */
export interface JobTargets {
  speakers: string[];
  groups: string[];
}

/** One broadcast as the API shows it. */
export interface JobView {
  id: string;
  class: PriorityClass;
  priority: number;
  source: AudioSource;
  status: JobStatus;
  label: string;
  text: string | null;
  language: string | null;
  voice: string | null;
  clipId: string | null;
  scheduleId: string | null;
  targets: JobTargets;
  /** Every speaker the targets reach. */
  speakers: string[];
  /** Speakers the job plays on now. */
  playingOn: string[];
  /** Speakers that were offline when the job started. */
  offline: string[];
  codec: string;
  repeat: number;
  volume: number | null;
  onPreempt: PreemptPolicy;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** How it ended, in English (for API users); `reasonMessage` is the same by message code, for the dashboards. */
  reason: string | null;
  reasonMessage: Message | null;
  events: BroadcastEvent[];
  speakerEvents: Array<SpeakerEvent & { speaker: string }>;
}

export function isEnded(status: JobStatus): boolean {
  return ENDED_STATUSES.includes(status);
}

export type { JobEventName };
