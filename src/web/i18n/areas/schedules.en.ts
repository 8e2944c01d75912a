import type { schedulesZh } from './schedules.zh-CN.js';

/** Strings of the schedules area (English). */
export const schedulesEn: Record<keyof typeof schedulesZh, string> = {
};
