import type { wordsZh } from './words.zh-CN.js';

/** Fixed phrases devices and the gateway send (entry reasons, job labels), in English. */
export const wordsEn: Record<keyof typeof wordsZh, string> = {
  'reason.allow-list': 'allow list',
  'reason.deny-list': 'deny list',
  'reason.visitor': 'visitor',
  'reason.visitor code': 'visitor code',
  'reason.remote open': 'remote open',
  'reason.opened by guard': 'opened by the guard',
  'reason.not on allow list': 'not on the allow list',
  'job.live': 'live call-out by {by}',
  'targets.group': '{name} (group)',
} as const;
