/**
 * The gateway's plate spelling (src/access/plate.ts), for matching in the browser: `京a 88888`,
 * `京A·88888` and `京Ａ８８８８８` are `京A88888`.
 */
const SEPARATORS = /[\s\u00B7\u2022\u2027\u30FB\u318D\uFF65.\-_]/gu;

export function normalisePlate(raw: string): string {
  return raw.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
}
