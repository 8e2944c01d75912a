/**
 * One spelling per licence plate: `京a 88888`, `京A·88888` and `京Ａ８８８８８` are all `京A88888`.
 * Full-width letters and digits become ASCII (NFKC), letters upper case, and spaces, middle dots
 * and hyphens (as typed by people and some recognisers) are dropped. Chinese characters have no
 * case and are kept as they are. The same rule runs in the browser (src/web/lib/plate.ts).
 */
const SEPARATORS = /[\s\u00B7\u2022\u2027\u30FB\u318D\uFF65.\-_]/gu;

export function normalisePlate(raw: string): string {
  return raw.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
}

/** The SQL expression of the same rule for values already stored (migration of older rows; ASCII case only, as SQLite's upper()). */
export function normalisePlateSql(column: string): string {
  let expr = column;
  for (const ch of [' ', '\u3000', '\u00B7', '\u2022', '\u2027', '\u30FB', '\uFF65', '.', '-', '_', '\t']) expr = `replace(${expr}, '${ch}', '')`;
  return `upper(${expr})`;
}
