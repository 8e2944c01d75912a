import type { MessageCode } from '../../core/messages.js';
import { anyName, deviceName, groupName } from '../lib/site.js';
import { formatDateTime } from '../lib/time.js';
import { messagesEn } from './areas/messages.en.js';
import { messagesZh } from './areas/messages.zh-CN.js';
import { locale, lookup } from './index.js';

type Params = Readonly<Record<string, string | number>>;

const catalogs = { 'zh-CN': messagesZh, en: messagesEn } as const;

const list = (value: string, name: (id: string) => string) =>
  value
    .split(/,\s*/)
    .filter(Boolean)
    .map(name)
    .join(locale.value === 'en' ? ', ' : '、');

/** A parameter as a person reads it: device ids become their names, enum values their words. */
function shown(param: string, value: string | number): string {
  const text = String(value);
  switch (param) {
    case 'camera':
      return anyName(text);
    case 'barrier':
    case 'speaker':
      return deviceName(text);
    case 'speakers':
      return list(text, deviceName);
    case 'groups':
    case 'known':
      return list(text, groupName);
    case 'group':
      return groupName(text);
    case 'kind':
      return lookup(`broadcast.class.${text}`) ?? text;
    case 'command':
      return lookup(`gates.cmd.${text}`) ?? text;
    case 'role':
    case 'current':
      return lookup(`role.${text}`) ?? text;
    case 'since':
      return formatDateTime(text);
    case 'list':
      return lookup(`gates.lists.${text}`) ?? text;
    case 'type':
      return lookup(`gates.cred.${text}`) ?? text;
    default:
      return text;
  }
}

/** The gateway's message `code` in the UI language with its parameters shown by name; undefined for an unknown code. */
export function translateMessage(code: string, params: Params = {}): string | undefined {
  const catalog = catalogs[locale.value] as Record<string, string>;
  if (!Object.hasOwn(catalog, code)) return undefined;
  return catalog[code as MessageCode]!.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? shown(name, params[name]!) : whole));
}
