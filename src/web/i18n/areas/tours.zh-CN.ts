/** Strings of the tours area (Simplified Chinese). */
export const toursZh = {
} as const;
