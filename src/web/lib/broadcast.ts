import { t } from '../i18n/index.js';
import { apiError } from './api.js';
import { deviceName } from './site.js';
import { forgetLogin, token } from './session.js';

export interface Speaker {
  id: string;
  /** `camera`: a camera's own loudspeaker (ONVIF backchannel), named after its camera. */
  kind?: 'speaker' | 'camera';
  name?: string;
  groups: string[];
  availability: string;
}

/** A camera loudspeaker as GET /api/broadcast/camera-speakers lists it. */
export interface CameraSpeaker {
  id: string;
  cameraId: string;
  name: string;
  backchannel: 'available' | 'unsupported' | 'unknown';
  codec: string | null;
  audioOutputs: number | null;
  reason: string | null;
  online: boolean;
}

/** What a person reads for a speaker: its display name, or its camera's name for a camera loudspeaker. */
export function speakerLabel(s: Pick<Speaker, 'id' | 'kind' | 'name'>): string {
  return s.kind === 'camera' && s.name ? t('cameraSpeakers.label', { name: s.name }) : deviceName(s.id);
}

export interface SpeakerGroup {
  name: string;
  speakers: string[];
}

export interface Targets {
  speakers: string[];
  groups: string[];
}

export interface Clip {
  id: string;
  name: string;
  durationMs: number;
  uploadedBy: string;
  uploadedAt: string;
}

export interface Job {
  id: string;
  class: string;
  source: string;
  status: string;
  label: string;
  text: string | null;
  speakers: string[];
  playingOn: string[];
  createdBy: string;
  createdAt: string;
  /** How it ended, in English; `reasonMessage` by message code (rendered from the catalogs). */
  reason: string | null;
  reasonMessage?: { messageCode: string; params: Record<string, string | number> } | null;
}

export type ScheduleContent = { kind: 'tts'; text: string; language?: string } | { kind: 'clip'; clipId: string };

/** When a schedule plays without cron (docs/broadcast.md); days 0 = Sunday .. 6 = Saturday. */
export type ScheduleWhen =
  | { kind: 'daily'; time: string }
  | { kind: 'weekdays'; time: string }
  | { kind: 'weekly'; time: string; days: number[] }
  | { kind: 'once'; time: string; date: string };

export interface ScheduleInput {
  name: string;
  /** For experts; absent when `when` says it. */
  cron?: string;
  when: ScheduleWhen | null;
  timezone: string | null;
  targets: Targets;
  content: ScheduleContent;
  repeat: number;
  volume: number | null;
  quietHours: { start: string; end: string } | null;
  onPreempt: 'resume' | 'skip';
  enabled: boolean;
}

export interface Schedule extends ScheduleInput {
  id: string;
  cron: string;
  nextFireAt: string | null;
  /** The next few fire times (ISO). */
  nextRuns?: string[];
  lastFiredAt: string | null;
}

export const RUNNING_STATUSES = ['queued', 'playing', 'suspended'];

/** `group:<name>` entries become groups, the rest speaker ids (the cameras' `speakers` field). */
export function targetsFromList(list: readonly string[]): Targets {
  return {
    speakers: list.filter((s) => !s.startsWith('group:')),
    groups: list.filter((s) => s.startsWith('group:')).map((s) => s.slice('group:'.length)),
  };
}

export function hasTargets(targets: Targets): boolean {
  return targets.speakers.length + targets.groups.length > 0;
}

/** Uploads an audio file as the request body (admin); errors carry the gateway's message. */
export async function uploadClip(name: string, file: File): Promise<Clip> {
  const query = new URLSearchParams({ name, filename: file.name });
  const res = await fetch(`/api/broadcast/clips?${query}`, {
    method: 'POST',
    headers: { ...(token.value ? { authorization: `Bearer ${token.value}` } : {}), 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const body = (await res.json().catch(() => undefined)) as (Clip & { error?: string; code?: string }) | undefined;
  if (!res.ok) {
    if (res.status === 401) forgetLogin();
    throw apiError(res, body);
  }
  return body!;
}
