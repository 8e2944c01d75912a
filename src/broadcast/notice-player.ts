import { capabilityKey } from '../core/capabilities.js';
import { UserError } from '../core/errors.js';
import type { BroadcastActions } from './broadcast-actions.js';
import type { ClipStore } from './clip-store.js';
import type { SpeakerDirectory } from './speaker-directory.js';

export interface NoticePlayRequest {
  /** A clip by its id at this site (`clipId`, e.g. one imported from the district), else by its name. */
  content: { kind: 'tts'; text: string; language?: 'zh' | 'en' | undefined } | { kind: 'clip'; clipName: string; clipId?: string | undefined };
  /** Speaker groups; empty: every speaker of the site. */
  groups: readonly string[];
  /** Urgent notices play with the alarm priority, others as manual announcements. */
  urgent: boolean;
  repeat: number;
  /** Who sent it (for the job's history). */
  sentBy: string;
}

/** Plays a notice that came from outside the site (the district) through the site's broadcast jobs. */
export interface NoticePlayer {
  /** Answers the id of the job started. */
  play(request: NoticePlayRequest): Promise<string>;
  /** Keeps audio that came with a notice as one of the site's clips (converted as an upload is); answers its id. */
  importClip(input: { name: string; data: Buffer; sentBy: string }): Promise<string>;
  /** Whether the site still has this clip (an admin may have deleted it). */
  hasClip(id: string): boolean;
}

export const NOTICE_PLAYER = capabilityKey<NoticePlayer>('broadcast.notice-player');

export function noticePlayer(deps: { actions: BroadcastActions; clips: ClipStore; directory: SpeakerDirectory }): NoticePlayer {
  return {
    async play(request) {
      const targets = request.groups.length ? { speakers: [], groups: [...request.groups] } : { speakers: deps.directory.list().map((s) => s.id), groups: [] };
      const principal = { name: `district:${request.sentBy}`, role: 'officer' as const, via: 'system' as const };
      const common = { targets, repeat: request.repeat, alarm: request.urgent, principal };
      if (request.content.kind === 'tts') return (await deps.actions.speak({ ...common, text: request.content.text, language: request.content.language })).id;
      const name = request.content.clipName;
      const clipId = request.content.clipId ?? deps.clips.list().find((c) => c.name === name)?.id;
      if (!clipId) throw new UserError('notice.clip-missing', { name }, 404, 'clip-not-found');
      return deps.actions.playClip({ ...common, clipId }).id;
    },
    async importClip(input) {
      return (await deps.clips.add({ name: input.name, originalName: null, data: input.data, uploadedBy: `district:${input.sentBy}` })).id;
    },
    hasClip(id) {
      try {
        deps.clips.get(id);
        return true;
      } catch {
        return false;
      }
    },
  };
}
