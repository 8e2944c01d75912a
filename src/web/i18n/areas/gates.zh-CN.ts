/** Strings of the gates area of the console (Simplified Chinese). */
export const gatesZh = {
  'gates.title': '出入口',
} as const;
