/** Times as the site's clock shows them (access.utcOffsetMinutes), for CSV files and logs meant for people. */
const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-01 20:00:00` at the site for an instant (ISO string, ms or Date); '' when it is not a time. */
export function siteLocalTime(at: string | number | Date, offsetMinutes: number): string {
  const ms = new Date(at).getTime();
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `UTC+08:00` */
export function utcOffsetLabel(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
