import { locale } from '../i18n/index.js';
import { alarmKindsEn } from '../i18n/areas/alarm-kinds.en.js';
import { alarmKindsZh } from '../i18n/areas/alarm-kinds.zh-CN.js';

/** An alarm's kind in the page's language; a kind typed in by an officer (manual alarms) stays as typed. */
export function alarmKindName(kind: string): string {
  const catalog = locale.value === 'en' ? alarmKindsEn : alarmKindsZh;
  return Object.hasOwn(catalog, kind) ? catalog[kind]! : kind;
}
