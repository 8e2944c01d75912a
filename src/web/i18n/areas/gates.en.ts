import type { gatesZh } from './gates.zh-CN.js';

/** Strings of the gates area of the console (English); same keys as the Chinese catalog. */
export const gatesEn: Record<keyof typeof gatesZh, string> = {
  'gates.title': 'Gates',
};
