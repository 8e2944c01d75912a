import type { SEVERITIES, SOURCES } from './config.js';

export type AlarmSource = (typeof SOURCES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type AlarmStatus = 'raised' | 'acknowledged' | 'closed';
export type ClosedAs = 'false' | 'handled' | 'work-order';

/** One alarm, whatever raised it: the one event model every source maps into. */
export interface AlarmInput {
  source: AlarmSource;
  /** What happened: press, open, motion, tamper, vision/intrusion, fault, denied-burst, offline, manual, watch-breach... */
  kind: string;
  severity: Severity;
  location: string | null;
  device: string | null;
  /** When it happened (ISO 8601). */
  occurredAt: string;
  /** What the source sent, for the record (bounded by the source). */
  raw: unknown;
  /** Unique per event forever (zero-loss sources: `<kind>/<device>/<eventId>`); a second insert is a duplicate. */
  dedupeKey?: string | undefined;
  cameraId?: string | undefined;
  /** Zone of a video-AI detection (rules may match on it). */
  zone?: string | undefined;
}

export interface ActionOutcome {
  rule: string;
  action: string;
  target: string | null;
  status: 'running' | 'ok' | 'failed' | 'skipped';
  detail: string | null;
  startedAt: string;
  endedAt: string | null;
}

export interface Alarm {
  id: number;
  source: AlarmSource;
  kind: string;
  severity: Severity;
  status: AlarmStatus;
  location: string | null;
  device: string | null;
  occurredAt: string;
  receivedAt: string;
  raw: unknown;
  groupKey: string;
  /** The alarm this one was grouped into (a storm), or null. */
  groupId: number | null;
  groupCount: number;
  cameraId: string | null;
  /** The seam for recording: a clip of cameraId from clipFrom to clipTo belongs to this alarm. */
  clip: { cameraId: string; from: string; to: string } | null;
  rules: string[];
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  closedBy: string | null;
  closedAt: string | null;
  closedAs: ClosedAs | null;
  note: string | null;
  workOrderId: number | null;
  escalationLevel: number;
  escalatedAt: string | null;
  actions?: ActionOutcome[];
}

export function groupKeyOf(input: Pick<AlarmInput, 'source' | 'kind' | 'device' | 'location'>): string {
  return `${input.source}|${input.kind}|${input.device ?? input.location ?? ''}`;
}
