import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { freePort } from '../../src/core/net.js';
import { Gateway } from '../../src/gateway.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('logins, wall tokens and the audit log', () => {
  let gw: TestGateway;
  let admin: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    admin = await gw.login('admin');
  });

  afterAll(async () => {
    await gw?.stop();
  });

  it('refuses a wrong password and records the refusal', async () => {
    const res = await gw.api('/api/auth/login', { method: 'POST', json: { name: 'officer', password: 'nope' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('wrong name or password');
    const audit = (await (await gw.api('/api/audit?action=auth.login', { token: admin })).json()) as { entries: Array<{ user: string; role: string; target: string | null; outcome: string; detail: unknown }> };
    expect(audit.entries[0]).toMatchObject({ user: 'anonymous', role: 'none', target: 'officer', outcome: 'refused' });
    // The successful admin login of beforeAll is recorded under its name; no password is kept.
    expect(audit.entries.find((e) => e.outcome === 'ok')).toMatchObject({ user: 'admin' });
    expect(JSON.stringify(audit.entries)).not.toContain('nope');
  });

  it('a wall token is read-only and stops working when revoked, and both actions are audited', async () => {
    const created = await gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 'guard room TV' } });
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect((await gw.api('/api/system', { token })).status).toBe(200);
    expect((await gw.api('/api/wall-tokens', { token })).status).toBe(403);
    expect((await gw.api(`/api/wall-tokens/${id}`, { method: 'DELETE', token: admin })).status).toBe(200);
    expect((await gw.api('/api/system', { token })).status).toBe(401);
    const audit = (await (await gw.api('/api/audit', { token: admin })).json()) as { entries: Array<{ action: string; user: string; target: string | null; remote: string | null; detail: unknown }> };
    const actions = audit.entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.wall-token.create', 'auth.wall-token.revoke']));
    const revoke = audit.entries.find((e) => e.action === 'auth.wall-token.revoke')!;
    expect(revoke).toMatchObject({ user: 'admin', target: id });
    expect(revoke.remote).toMatch(/127\.0\.0\.1/);
    // The token itself never reaches the log.
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('never writes a password into the audit log', async () => {
    const token = await gw.login('viewer');
    const res = await gw.api('/api/auth/password', { method: 'POST', token, json: { currentPassword: 'wrong', newPassword: 'a-new-password-123' } });
    expect(res.status).toBe(400);
    const audit = await (await gw.api('/api/audit', { token: admin })).text();
    expect(audit).toContain('auth.password.change');
    expect(audit).not.toContain('a-new-password-123');
  });

  it('answers invalid bodies with 400 naming the field', async () => {
    const res = await gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 42 } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('label');
    const broken = await gw.api('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(broken.status).toBe(400);
  });
});

describe('the first admin', () => {
  it('gets a generated password, printed once and kept in the data directory until changed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cg-admin-'));
    const make = async () =>
      loadConfig({ env: {}, overrides: { storage: { dataDir }, http: { port: await freePort() }, mqtt: { embedded: { port: await freePort() } }, log: { level: 'silent' } } }).config;
    const printed: string[] = [];
    const first = new Gateway({ config: await make(), log: silentLogger(), env: {}, onGeneratedAdminPassword: (_n, p) => printed.push(p) });
    await first.start();
    const user = await first.users.authenticate('admin', printed[0]!);
    expect(user?.role).toBe('admin');
    const file = join(dataDir, 'initial-admin-password');
    expect(readFileSync(file, 'utf8').trim()).toBe(printed[0]);
    await first.stop();
    const second = new Gateway({ config: await make(), log: silentLogger(), env: {}, onGeneratedAdminPassword: (_n, p) => printed.push(p) });
    await second.start();
    expect(printed).toHaveLength(1);
    second.users.changePassword('admin', 'changed-password-1');
    expect(existsSync(file)).toBe(false);
    await second.stop();
  });
});
