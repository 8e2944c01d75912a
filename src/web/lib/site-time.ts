/**
 * Times in the site's UTC offset (access.utcOffsetMinutes, from /api/access/options), whatever the
 * browser's zone: `2026-12-01 20:00:00` on every page, the same as the CSV's local time column.
 */
const pad = (n: number) => String(n).padStart(2, '0');

function shifted(iso: string | number, offsetMinutes: number): Date {
  return new Date((typeof iso === 'number' ? iso : Date.parse(iso)) + offsetMinutes * 60_000);
}

/** `2026-12-01 20:00:00` in the site's offset. */
export function siteDateTime(iso: string | number, offsetMinutes: number): string {
  const d = shifted(iso, offsetMinutes);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A `datetime-local` input's value (`2026-12-01T20:00`, site time) as an ISO time with the site's offset. */
export function siteInputToIso(value: string, offsetMinutes: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) - offsetMinutes * 60_000;
  return new Date(utc).toISOString();
}

/** The other way: an instant as a `datetime-local` value in site time. */
export function isoToSiteInput(iso: string | number, offsetMinutes: number): string {
  return siteDateTime(iso, offsetMinutes).slice(0, 16).replace(' ', 'T');
}
