import { lookup, t } from '../i18n/index.js';
import { deviceName, groupName } from './site.js';

/** An entry's reason as the officer reads it: the known phrases barriers send, translated; others as sent. */
export function entryReason(reason: string): string {
  return lookup(`reason.${reason.trim().toLowerCase()}`) ?? reason;
}

/** A job's label: a live call-out in the UI language with who talks; TTS text and clip names as they are. */
export function jobLabel(job: { class: string; source?: string; label: string; createdBy: string }): string {
  return /^live call-out by /.test(job.label) ? t('job.live', { by: job.createdBy }) : job.label;
}

/** Speaker groups and speakers by name: 全部音柱（分组）、东门音柱. */
export function targetNames(targets: { groups: readonly string[]; speakers: readonly string[] }, separator = '、'): string {
  return [...targets.groups.map((g) => t('targets.group', { name: groupName(g) })), ...targets.speakers.map(deviceName)].join(separator);
}
