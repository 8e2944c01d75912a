/** Strings of the schedules area (Simplified Chinese). */
export const schedulesZh = {
} as const;
