import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditActionsEn } from '../../src/web/i18n/areas/audit-actions.en.js';
import { auditActionsZh } from '../../src/web/i18n/areas/audit-actions.zh-CN.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? (f === 'web' ? [] : sources(p)) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('audit action names', () => {
  it('every audit action a route declares has a Chinese and an English name', () => {
    const declared = new Set<string>();
    for (const file of sources('src')) for (const m of readFileSync(file, 'utf8').matchAll(/\baudit: '([a-z0-9.-]+)'/g)) declared.add(m[1]!);
    expect(declared.size).toBeGreaterThan(50);
    const missing = [...declared].filter((a) => !auditActionsZh[a] || !auditActionsEn[a]);
    expect(missing).toEqual([]);
    expect(Object.keys(auditActionsZh).sort()).toEqual(Object.keys(auditActionsEn).sort());
    for (const text of Object.values(auditActionsZh)) expect(text).toMatch(/[\u4e00-\u9fff]/);
  });
});
