import { SYSTEM_PRINCIPAL } from '../auth/principal.js';
import { capabilityKey } from '../core/capabilities.js';
import type { Message } from '../core/messages.js';
import type { BroadcastActions } from './broadcast-actions.js';
import type { BroadcastService } from './broadcast-service.js';
import type { SpeakerDirectory } from './speaker-directory.js';

/** What the alarms feature may do with speakers: a warning at alarm priority, stopped on acknowledge. */
export interface AlarmAnnouncer {
  knows(speakerId: string): boolean;
  isOnline(speakerId: string): boolean;
  announce(options: { speakers: string[]; groups: string[]; text: string; language?: string | undefined; repeat: number; by: string }): Promise<{ jobId: string; offline: string[] }>;
  stop(jobId: string, reason: Message): void;
}

export const ALARM_ANNOUNCER = capabilityKey<AlarmAnnouncer>('alarm-announcer');

export function alarmAnnouncer(deps: { actions: BroadcastActions; service: BroadcastService; directory: SpeakerDirectory }): AlarmAnnouncer {
  return {
    knows: (id) => deps.directory.list().some((s) => s.id === id),
    isOnline: (id) => deps.directory.isOnline(id),
    async announce(o) {
      const job = await deps.actions.speak({ targets: { speakers: o.speakers, groups: o.groups }, text: o.text, language: o.language, repeat: o.repeat, alarm: true, principal: { ...SYSTEM_PRINCIPAL, name: o.by } });
      return { jobId: job.id, offline: job.offline };
    },
    stop(jobId, reason) {
      try {
        if (deps.service.isRunning(jobId)) deps.service.stopJob(jobId, reason);
      } catch {
        // already ended
      }
    },
  };
}
