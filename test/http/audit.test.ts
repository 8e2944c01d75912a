import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDetail } from '../../src/http/route.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface AuditEntries {
  entries: Array<{ id: number; action: string; user: string; role: string; outcome: string; target: string | null; detail: unknown }>;
}

describe('auditDetail', () => {
  it('never throws and stays small, whatever the body', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 40 }), (value) => {
        const detail = auditDetail(value);
        expect(JSON.stringify(detail ?? null).length).toBeLessThan(9 * 1024);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('bounds a body nested 100,000 deep (built in memory, past any JSON parser limit)', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { password: 'secret', next: deep };
    const detail = auditDetail(deep);
    expect(JSON.stringify(detail)).not.toContain('secret');
    expect(JSON.stringify(detail).length).toBeLessThan(1024);
  });
});

describe('every change has its audit entry', () => {
  let gw: TestGateway;
  let officer: string;
  let admin: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    officer = await gw.login('officer');
    admin = await gw.login('admin');
  });

  afterAll(async () => {
    await gw?.stop();
  });

  const audit = async (action: string) => ((await (await gw.api(`/api/audit?action=${action}`, { token: admin })).json()) as AuditEntries).entries;

  it('writes the entry of a normal change, completed with its outcome', async () => {
    const res = await gw.api('/api/access/lists/items', { method: 'POST', token: officer, json: { list: 'deny', type: 'plate', value: '粤B12345', note: 'x'.repeat(16) } });
    expect(res.status).toBe(201);
    const [entry] = await audit('access.list.add');
    expect(entry).toMatchObject({ user: 'officer', role: 'officer', outcome: 'ok' });
    expect(JSON.stringify(entry!.detail)).toContain('粤B12345');
    const failed = await gw.api('/api/access/lists/items/999999', { method: 'DELETE', token: officer });
    expect(failed.status).toBe(404);
    const [removal] = await audit('access.list.remove');
    expect(removal).toMatchObject({ outcome: 'failed', target: '999999' });
  });

  it('accepts a body nested 16 deep and audits it; refuses 17 deep with 400 before acting', async () => {
    let inner: unknown = 1;
    for (let i = 0; i < 15; i++) inner = [inner];
    const ok = await gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 'deep wall', extra: inner } });
    expect(ok.status).toBe(201);
    expect((await audit('auth.wall-token.create'))[0]).toMatchObject({ outcome: 'ok' });
    const tooDeep = await gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 'deeper', extra: [inner] } });
    expect(tooDeep.status).toBe(400);
    expect(((await tooDeep.json()) as { code: string }).code).toBe('body_too_deep');
  });

  it('refuses a JSON body over 64 KiB with 413 on a route that declares no more', async () => {
    const res = await gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 'big', pad: 'x'.repeat(70 * 1024) } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('body_too_large');
  });

  it('refuses the change (503) and changes nothing when the audit entry cannot be written', async () => {
    const db = gw.gateway.database.db;
    const count = () => db.prepare<[], { n: number }>("SELECT count(*) AS n FROM access_list_items WHERE value = '粤A00001'").get()!.n;
    db.exec("CREATE TEMP TRIGGER audit_full BEFORE INSERT ON main.audit_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    try {
      const res = await gw.api('/api/access/lists/items', { method: 'POST', token: officer, json: { list: 'deny', type: 'plate', value: '粤A00001' } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('audit_unavailable');
      expect(count()).toBe(0);
    } finally {
      db.exec('DROP TRIGGER audit_full');
    }
    const again = await gw.api('/api/access/lists/items', { method: 'POST', token: officer, json: { list: 'deny', type: 'plate', value: '粤A00001' } });
    expect(again.status).toBe(201);
    expect(count()).toBe(1);
  });
});
