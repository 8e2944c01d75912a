import { signal } from '@preact/signals';
import { en } from './en.js';
import { zhCN, type MessageKey } from './zh-CN.js';

export type Locale = 'zh-CN' | 'en';
const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'cg_locale';

function initialLocale(): Locale {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh-CN') return fromUrl;
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'en' ? 'en' : 'zh-CN';
}

/** The current language; zh-CN unless the user chose English. */
export const locale = signal<Locale>(initialLocale());

export function setLocale(next: Locale): void {
  locale.value = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  document.title = t('app.title');
}

/** The text of a key built at run time (e.g. `gates.cmd.${command}`), or undefined when the catalog has none. */
export function lookup(key: string): string | undefined {
  const catalog = catalogs[locale.value] as Record<string, string>;
  return Object.hasOwn(catalog, key) ? catalog[key] : undefined;
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

/**
 * The one plural helper: the form of a count in the UI language, by its plural rules
 * (Intl.PluralRules): `plural(1, '# view', '# views')` is "1 view", `plural(2, ...)` "2 views";
 * `#` is the number. Chinese has one form, so its texts need no plural.
 */
export function plural(n: number, one: string, other: string): string {
  let rules = pluralRules.get(locale.value);
  if (!rules) pluralRules.set(locale.value, (rules = new Intl.PluralRules(locale.value)));
  return (rules.select(n) === 'one' ? one : other).replace(/#/g, String(n));
}

/** Plurals inside a catalog text: `{n, plural, one {# view} other {# views}}` picks by the parameter `n`. */
export function plurals(text: string, params: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+), plural, one \{([^}]*)\} other \{([^}]*)\}\}/g, (whole, name: string, one: string, other: string) =>
    Object.hasOwn(params, name) ? plural(Number(params[name]), one, other) : whole,
  );
}

/** Translates a key, filling `{name}` placeholders. Reading `locale` makes components re-render on change. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = plurals(catalogs[locale.value][key] ?? key, params);
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export type { MessageKey };
