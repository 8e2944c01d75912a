import type { broadcastZh } from './broadcast.zh-CN.js';

/** Strings of the broadcast area of the console (English); same keys as the Chinese catalog. */
export const broadcastEn: Record<keyof typeof broadcastZh, string> = {
  'broadcast.title': 'Broadcast',
};
