import type { camerasAdminZh } from './cameras-admin.zh-CN.js';

/** Strings of the cameras-admin area (English). */
export const camerasAdminEn: Record<keyof typeof camerasAdminZh, string> = {
};
