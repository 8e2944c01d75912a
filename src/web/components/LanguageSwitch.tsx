import { locale, setLocale, t } from '../i18n/index.js';

export function LanguageSwitch() {
  return (
    <label class="language">
      <span class="sr-only">{t('app.language')}</span>
      <select aria-label={t('app.language')} value={locale.value} onChange={(e) => setLocale(e.currentTarget.value as 'zh-CN' | 'en')}>
        <option value="zh-CN">中文</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}
