import type { MessageCode } from '../../core/messages.js';
import { anyName, deviceName, groupName } from '../lib/site.js';
import { formatDateTime } from '../lib/time.js';
import { messagesEn } from './areas/messages.en.js';
import { messagesZh } from './areas/messages.zh-CN.js';
import { locale, lookup, plurals } from './index.js';

type Params = Readonly<Record<string, string | number>>;

const catalogs = { 'zh-CN': messagesZh, en: messagesEn } as const;

const list = (value: string, name: (id: string) => string) =>
  value
    .split(/,\s*/)
    .filter(Boolean)
    .map(name)
    .join(locale.value === 'en' ? ', ' : '、');

/** A status word inside a sentence: the catalog's label, in lower case in English ("Accepted" -> "accepted"). */
const statusWord = (label: string | undefined) => (label !== undefined && locale.value === 'en' ? label.toLowerCase() : label);

/** A field path as a person reads it ("targets.speakers" -> 音柱): its last named part, or the path as sent. */
function fieldName(path: string): string {
  const named = path.split('.').filter((part) => !/^\d+$/.test(part));
  return lookup(`field.${named[named.length - 1] ?? path}`) ?? path;
}

/** A parameter as a person reads it: device ids become their names, enum values their words. */
function shown(param: string, value: string | number): string {
  const text = String(value);
  switch (param) {
    case 'camera':
      return anyName(text);
    case 'barrier':
    case 'speaker':
    case 'device':
      return deviceName(text);
    case 'led':
      return lookup(`alarms.led.${text}`) ?? text;
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
    case 'closedAs':
      return lookup(`alarms.closedAs.${text}`) ?? text;
    case 'field':
      return fieldName(text);
    case 'expected':
      return lookup(`problem.expected.${text}`) ?? text;
    case 'format':
      return lookup(`problem.formatName.${text}`) ?? text;
    case 'orderStatus':
    case 'toStatus':
      return statusWord(lookup(`wo.status.${text}`)) ?? text;
    default:
      return text;
  }
}

/** The gateway's message `code` in the UI language with its parameters shown by name; undefined for an unknown code. */
export function translateMessage(code: string, params: Params = {}): string | undefined {
  const catalog = catalogs[locale.value] as Record<string, string>;
  if (!Object.hasOwn(catalog, code)) return undefined;
  return plurals(catalog[code as MessageCode]!, params).replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? shown(name, params[name]!) : whole));
}

/** One problem of a request (`details.issues` of request.invalid, query.invalid and the rules' errors), with a problem inside it rendered first. */
export interface Issue {
  messageCode: string;
  params: Params;
  inner?: { messageCode: string; params: Params };
}

export function translateIssue(issue: Issue): string | undefined {
  const inner = issue.inner && translateMessage(issue.inner.messageCode, issue.inner.params);
  return translateMessage(issue.messageCode, inner ? { ...issue.params, problem: inner } : issue.params);
}

/** The problems of an error answer in the UI language, joined; undefined when it has none or one is unknown. */
export function translateIssues(details: Record<string, unknown> | undefined): string | undefined {
  const issues = details?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  const texts = (issues as Issue[]).map(translateIssue);
  if (texts.some((t) => t === undefined)) return undefined;
  return texts.join(locale.value === 'en' ? '; ' : '；');
}
