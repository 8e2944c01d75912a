/**
 * The dashboards' i18n layer without a browser: plurals by Intl.PluralRules, every English count
 * text using them, and the gateway's coded texts (a request's problems, how a job ended) in zh-CN.
 */
import { beforeAll, describe, expect, it } from 'vitest';

type I18n = typeof import('../../src/web/i18n/index.js');
type Messages = typeof import('../../src/web/i18n/messages.js');
let i18n: I18n;
let messages: Messages;

beforeAll(async () => {
  // The i18n layer reads the language from the URL and localStorage, as in a browser.
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    location: new URL('http://gateway.test/?lang=zh-CN'),
    localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) },
    document: { documentElement: {}, title: '' },
  });
  i18n = await import('../../src/web/i18n/index.js');
  messages = await import('../../src/web/i18n/messages.js');
});

const inLanguage = <T>(lang: 'en' | 'zh-CN', fn: () => T): T => {
  i18n.setLocale(lang);
  return fn();
};

describe('plurals', () => {
  it('picks the form by the language plural rules', () => {
    inLanguage('en', () => {
      expect(i18n.plural(1, '# view', '# views')).toBe('1 view');
      expect(i18n.plural(2, '# view', '# views')).toBe('2 views');
      expect(i18n.plural(0, '# view', '# views')).toBe('0 views');
      expect(i18n.t('cameras.layoutN', { n: 1 })).toBe('1 view');
      expect(i18n.t('cameras.layoutN', { n: 4 })).toBe('4 views');
      expect(i18n.t('tours.summary', { n: 1, windows: 2 })).toBe('1 step, 2 time windows');
      expect(i18n.t('tours.summary', { n: 3, windows: 1 })).toBe('3 steps, 1 time window');
      expect(i18n.t('alarms.popup.more', { count: 1 })).toBe('1 more alarm waiting');
    });
    inLanguage('zh-CN', () => expect(i18n.t('tours.summary', { n: 1, windows: 2 })).toBe('1 步，2 个时段'));
  });

  it('every English text that shows a count of things uses the plural helper', async () => {
    const { en } = await import('../../src/web/i18n/en.js');
    // "{n} steps", "{count} more alarms": a count straight before a plural noun.
    const bare = Object.entries(en as Record<string, string>).filter(([, text]) => /\{(?:n|count|total|windows|\w+Count)\} (?:more )?[a-z]+s\b/.test(text.replace(/\{\w+, plural,[^{}]*(\{[^{}]*\}[^{}]*)*\}/g, '')));
    expect(bare).toEqual([]);
  });
});

describe('coded gateway texts in zh-CN', () => {
  it('a request with a bad field: each problem from its code, the field by its name', () => {
    const details = {
      problems: ['name: must not be empty', 'when.days: give at least one'],
      issues: [
        { field: 'name', messageCode: 'problem.empty', params: { field: 'name' } },
        { field: 'when.days', messageCode: 'problem.empty-list', params: { field: 'when.days' } },
        { field: 'repeat', messageCode: 'problem.type', params: { field: 'repeat', expected: 'whole number' } },
      ],
    };
    const problems = inLanguage('zh-CN', () => messages.translateIssues(details));
    expect(problems).toBe('“名称”不能为空；“星期”至少选一项；“重复次数”应为整数');
    expect(inLanguage('zh-CN', () => messages.translateMessage('request.invalid', { problems: problems! }))).toBe('请求无效：“名称”不能为空；“星期”至少选一项；“重复次数”应为整数');
    expect(inLanguage('en', () => messages.translateIssues(details))).toBe('name: must not be empty; days: give at least one; repeat: expected whole number');
  });

  it("the gateway's own answer to a bad schedule reads in Chinese", async () => {
    const { parseBody } = await import('../../src/http/validate.js');
    const { scheduleInputSchema } = await import('../../src/broadcast/schedule-store.js');
    const bad = { name: '', when: { kind: 'weekly', time: '9 点', days: [] }, targets: { speakers: ['lobby'], groups: [] }, content: { kind: 'tts', text: '停水' }, repeat: 'twice', surprise: 1 };
    let err: { messageCode: string; params: Record<string, string | number>; details?: Record<string, unknown> } | undefined;
    try {
      parseBody(scheduleInputSchema, bad);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.messageCode).toBe('request.invalid');
    const problems = inLanguage('zh-CN', () => messages.translateIssues(err!.details));
    expect(problems).toBe('“名称”不能为空；“时间”格式不对；“星期”至少选一项；“重复次数”应为数字；“请求”中有无法识别的字段：surprise');
  });

  it("a rule's problem inside the rule's message", () => {
    const details = { issues: [{ field: 'actions.0', messageCode: 'rule-problem.in-rule', params: { rule: 'r1', problem: 'there is no barrier "gate-x"' }, inner: { messageCode: 'rule-problem.no-barrier', params: { barrier: 'gate-x' } } }] };
    expect(inLanguage('zh-CN', () => messages.translateIssues(details))).toBe('规则“r1”：没有道闸“gate-x”');
  });

  it('how a job ended', () => {
    expect(inLanguage('zh-CN', () => messages.translateMessage('job.reason.stopped-by', { by: 'officer' }))).toBe('officer 停止了播放');
    expect(inLanguage('zh-CN', () => messages.translateMessage('job.reason.preempted', { job: 'job-1', kind: 'alarm' }))).toBe(`被${i18n.lookup('broadcast.class.alarm')}抢占`);
  });
});

describe("the alarm rules' dry run in zh-CN", () => {
  it('why a rule does not fire and what a firing rule would do', () => {
    const why = { messageCode: 'rule-why.outside-window', params: { from: '22:00', to: '06:00' } };
    expect(inLanguage('zh-CN', () => messages.translateMessage(why.messageCode, why.params))).toBe('不在 22:00-06:00 时段内');
    expect(inLanguage('zh-CN', () => messages.translateMessage('rule-action.led', { led: 'blink', device: 'btn-1', seconds: 30 }))).toBe('“btn-1”指示灯闪烁 30 秒');
    expect(inLanguage('en', () => messages.translateMessage('rule-why.count', { seen: 1, n: 3, minutes: 5 }))).toBe('1 of 3 within 5 min');
  });

  it("why a district notice did not play at a site (every detail the site's receiver sends)", async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync('src/uplink/notice-receiver.ts', 'utf8');
    const codes = [...source.matchAll(/'(notice\.[a-z-]+)'/g)].map((m) => m[1]!);
    const jobEnds = ['stopped', 'skipped', 'failed'].map((e) => `notice.job-${e}`);
    expect(codes.length).toBeGreaterThan(3);
    for (const code of [...codes, ...jobEnds]) expect(inLanguage('zh-CN', () => messages.translateMessage(code)), code).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe("the player page's own texts", () => {
  it('the badge and the notice in the page language; no English close reason', async () => {
    type Text = (...args: unknown[]) => string;
    // @ts-expect-error plain JS of the player page, without types
    const { badgeText, statusText, playerTitle } = (await import('../../src/streaming/public/status-text.js')) as { badgeText: Text; statusText: Text; playerTitle: Text };
    expect(badgeText('reconnecting', 'zh-CN', 1011)).toBe('正在重连 · 连接已关闭（1011）');
    expect(badgeText('connecting', 'zh-CN')).toBe('连接中');
    expect(badgeText('playing', 'zh-CN')).toBe('');
    expect(badgeText('reconnecting', 'en', 1006)).toBe('reconnecting · connection closed (1006)');
    expect(statusText({ state: 'retrying', reason: { code: 'camera.offline', message: 'camera "cam-1" is offline' } }, 'zh-CN')).toBe('摄像机离线，正在重试…');
    expect(playerTitle('zh-CN')).toBe('实时视频');
  });
});
