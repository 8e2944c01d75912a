/** Strings of the cameras-admin area (Simplified Chinese). */
export const camerasAdminZh = {
} as const;
