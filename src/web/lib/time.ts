import { locale, type Locale } from '../i18n/index.js';
import { siteOffsetMinutes } from './site.js';

/**
 * Dates and times as the site's clock shows them (access.utcOffsetMinutes), in the UI language,
 * whatever the browser's own time zone: 2026-12-01 20:00:00 on both languages' tables (ISO order
 * reads in Chinese and English alike), long forms in the language's words.
 */
export type TimeInput = string | number | Date;

const pad = (n: number) => String(n).padStart(2, '0');

/** The wall-clock fields of an instant at the site (a Date whose UTC fields are the site's local time). */
export function siteClock(at: TimeInput, offsetMinutes = siteOffsetMinutes()): Date {
  return new Date(new Date(at).getTime() + offsetMinutes * 60_000);
}

/** 2026-12-01 20:00:00 */
export function formatDateTime(at: TimeInput, offsetMinutes = siteOffsetMinutes()): string {
  const d = siteClock(at, offsetMinutes);
  if (Number.isNaN(d.getTime())) return '—';
  return `${formatDate(at, offsetMinutes)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** 2026-12-01 */
export function formatDate(at: TimeInput, offsetMinutes = siteOffsetMinutes()): string {
  const d = siteClock(at, offsetMinutes);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** 20:00:00 */
export function formatTime(at: TimeInput, offsetMinutes = siteOffsetMinutes()): string {
  const d = siteClock(at, offsetMinutes);
  if (Number.isNaN(d.getTime())) return '—';
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** 20:00 */
export function formatHourMinute(at: TimeInput, offsetMinutes = siteOffsetMinutes()): string {
  const d = siteClock(at, offsetMinutes);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** 2026年12月1日 星期二 / Tuesday, 1 December 2026: the long date of the wall's clock. */
export function formatLongDate(at: TimeInput, lang: Locale = locale.value, offsetMinutes = siteOffsetMinutes()): string {
  const d = siteClock(at, offsetMinutes);
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', options).format(d);
}

/** The site-local wall-clock text (YYYY-MM-DDTHH:MM) as an instant: for date inputs of filters. */
export function parseSiteLocal(text: string, offsetMinutes = siteOffsetMinutes()): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  return new Date(utc - offsetMinutes * 60_000);
}

/** Midnight today at the site, as an instant. */
export function siteMidnight(now: TimeInput = Date.now(), offsetMinutes = siteOffsetMinutes()): Date {
  return parseSiteLocal(formatDate(now, offsetMinutes), offsetMinutes)!;
}
