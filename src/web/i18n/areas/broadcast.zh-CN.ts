/** Strings of the broadcast area of the console (Simplified Chinese). */
export const broadcastZh = {
  'broadcast.title': '广播喊话',
} as const;
