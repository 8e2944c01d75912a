import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { MESSAGES, messageParamNames, renderMessage, type MessageCode } from '../../src/core/messages.js';
import { messagesEn } from '../../src/web/i18n/areas/messages.en.js';
import { messagesZh } from '../../src/web/i18n/areas/messages.zh-CN.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'web' || name === 'dist' ? [] : sources(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

/** Message codes named where an error is made: the first argument of `new ...Error(` and of messageBody's second. */
function codesThrown(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of [...sources('src'), ...sources('devices')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/new \w*Error\(\s*([^{]*?)(?:,\s*\{|,\s*[a-z]\w*\(|\))/g)) {
      for (const literal of m[1]!.matchAll(/'([a-z][\w-]*(?:\.[\w-]+)+)'/g)) found.set(literal[1]!, file);
      for (const literal of m[1]!.matchAll(/`([a-z][\w-]*)\.\$\{/g)) found.set(`${literal[1]}.*`, file);
    }
    for (const m of text.matchAll(/messageBody\(\s*'[^']+',\s*([^)]*?)(?:,\s*\{|\))/g)) {
      for (const literal of m[1]!.matchAll(/'([a-z][\w-]*(?:\.[\w-]+)*)'/g)) found.set(literal[1]!, file);
    }
  }
  return found;
}

describe('message codes', () => {
  it('every code thrown in src/ and devices/ is registered and has a zh-CN and an en text with its parameters', () => {
    const thrown = codesThrown();
    expect(thrown.size).toBeGreaterThan(80);
    const codes = Object.keys(MESSAGES) as MessageCode[];
    for (const [code, file] of thrown) {
      const matching = code.endsWith('.*') ? codes.filter((c) => c.startsWith(code.slice(0, -1))) : codes.filter((c) => c === code);
      expect(matching.length, `${code} (in ${file}) is not in src/core/messages.ts`).toBeGreaterThan(0);
    }
    for (const code of codes) {
      for (const [lang, catalog] of [['zh-CN', messagesZh], ['en', messagesEn]] as const) {
        const text = (catalog as Record<string, string | undefined>)[code];
        expect(text?.trim(), `${code} has no ${lang} text`).toBeTruthy();
        const used = [...new Set([...text!.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))];
        const given = messageParamNames(code);
        for (const name of used) expect(given, `${code} (${lang}) uses {${name}}, which the gateway does not give`).toContain(name);
        if (lang === 'en') expect(used.sort(), `${code} (en) leaves out a parameter`).toEqual([...given].sort());
      }
    }
  });

  it('the Chinese texts are Chinese', () => {
    for (const [code, text] of Object.entries(messagesZh)) {
      const withoutParams = text.replace(/\{\w+\}/g, '');
      expect(/[\u4e00-\u9fff]/.test(withoutParams), `${code}: ${text}`).toBe(true);
    }
  });

  it('an error carries its code and parameters; its message is the English text', () => {
    const err = new UserError('preset.duplicate', { camera: 'camera-2', name: '大门口' }, 409, 'conflict');
    expect(err.messageCode).toBe('preset.duplicate');
    expect(err.params).toEqual({ camera: 'camera-2', name: '大门口' });
    expect(err.message).toBe('camera "camera-2" already has a preset named "大门口"');
    expect(renderMessage('speakers.busy', { job: 'job-1', kind: 'live', by: 'admin' })).toBe('the speakers are busy with job-1 (live, started by admin)');
  });
});
