import type { toursZh } from './tours.zh-CN.js';

/** Strings of the tours area (English). */
export const toursEn: Record<keyof typeof toursZh, string> = {
};
