import { locale } from '../i18n/index.js';
import { auditActionsEn } from '../i18n/areas/audit-actions.en.js';
import { auditActionsZh } from '../i18n/areas/audit-actions.zh-CN.js';

/** An audit action in the page's language; one not in the catalog keeps its code (the title shows the code always). */
export function auditActionName(action: string): string {
  const catalog = locale.value === 'en' ? auditActionsEn : auditActionsZh;
  return Object.hasOwn(catalog, action) ? catalog[action]! : action;
}
