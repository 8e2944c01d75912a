import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/auth/password-policy.js';
import { startTestGateway, TEST_USERS, type TestGateway } from '../helpers/gateway.js';

const configUsers = (users: Array<{ name: string; password: string; role: string }>) => ({ auth: { users } });
const ALL = Object.values(TEST_USERS).map((u) => ({ name: u.name, password: u.password, role: u.role }));

async function loginAnswer(gw: TestGateway, name: string, password: string): Promise<{ status: number; token?: string; code?: string }> {
  const res = await gw.api('/api/auth/login', { method: 'POST', json: { name, password } });
  const body = (await res.json()) as { token?: string; code?: string };
  return { status: res.status, ...body };
}

describe('users: the configuration is the truth for its users, and every change ends their sessions', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-users-'));
  let gw: TestGateway | undefined;

  afterAll(async () => {
    await gw?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const restart = async (users: Array<{ name: string; password: string; role: string }>) => {
    await gw?.stop();
    gw = await startTestGateway({ dataDir, keepDataDir: true, config: configUsers(users) });
    return gw;
  };

  it('a user removed from the config can no longer log in, and its open sessions end', async () => {
    let g = await restart([...ALL, { name: 'temp', password: 'temp-password-9', role: 'officer' }]);
    const temp = await loginAnswer(g, 'temp', 'temp-password-9');
    expect(temp.status).toBe(200);
    g = await restart(ALL);
    expect((await loginAnswer(g, 'temp', 'temp-password-9')).status).toBe(401);
    expect((await g.api('/api/auth/me', { token: temp.token! })).status).toBe(401);
    const users = (await (await g.api('/api/users', { token: await g.login('admin') })).json()) as { users: Array<{ name: string }> };
    expect(users.users.map((u) => u.name)).not.toContain('temp');
  });

  it("a demoted admin's token loses admin rights after the restart", async () => {
    let g = await restart([...ALL, { name: 'boss', password: 'boss-password-7', role: 'admin' }]);
    const boss = (await loginAnswer(g, 'boss', 'boss-password-7')).token!;
    expect((await g.api('/api/users', { token: boss })).status).toBe(200);
    g = await restart([...ALL, { name: 'boss', password: 'boss-password-7', role: 'viewer' }]);
    expect((await g.api('/api/users', { token: boss })).status).not.toBe(200);
    const relogin = (await loginAnswer(g, 'boss', 'boss-password-7')).token!;
    expect((await g.api('/api/users', { token: relogin })).status).toBe(403);
    expect(((await (await g.api('/api/auth/me', { token: relogin })).json()) as { role: string }).role).toBe('viewer');
  });

  it('a role change takes effect on a running session at once (the role comes from the user row)', async () => {
    const g = await restart(ALL);
    const officer = await g.login('officer');
    g.gateway.database.db.prepare("UPDATE users SET role = 'viewer' WHERE name = 'officer'").run();
    expect(((await (await g.api('/api/auth/me', { token: officer })).json()) as { role: string }).role).toBe('viewer');
  });

  it('a restart with the same config keeps sessions; a password changed in the config ends them', async () => {
    let g = await restart(ALL);
    const viewer = await g.login('viewer');
    g = await restart(ALL);
    expect((await g.api('/api/auth/me', { token: viewer })).status).toBe(200);
    g = await restart(ALL.map((u) => (u.name === 'viewer' ? { ...u, password: 'viewer-password-2' } : u)));
    expect((await g.api('/api/auth/me', { token: viewer })).status).toBe(401);
    expect((await loginAnswer(g, 'viewer', 'viewer-password-2')).status).toBe(200);
  });

  it("a config user's password cannot be changed through the API (409, it would revert at restart)", async () => {
    const g = await restart(ALL);
    const token = await g.login('officer');
    const res = await g.api('/api/auth/password', { method: 'POST', token, json: { currentPassword: TEST_USERS.officer.password, newPassword: 'Another-Secret-42' } });
    expect(res.status).toBe(409);
    expect((await res.json()) as { code: string }).toMatchObject({ code: 'password_managed_by_config' });
    expect((await loginAnswer(g, 'officer', TEST_USERS.officer.password)).status).toBe(200);
  });
});

describe('users owned by the database: password change', () => {
  let gw: TestGateway;
  afterAll(async () => {
    await gw?.stop();
  });

  it('refuses weak passwords with a stable code, and a change ends every other session of the user', async () => {
    gw = await startTestGateway({ config: configUsers([]) });
    const password = (await import('node:fs')).readFileSync(join(gw.dataDir, 'initial-admin-password'), 'utf8').trim();
    const first = (await loginAnswer(gw, 'admin', password)).token!;
    const second = (await loginAnswer(gw, 'admin', password)).token!;
    for (const [weak, reason] of [
      ['aaaaaaaaaa', 'repetitive'],
      ['short', 'too_short'],
      ['1234567890', 'common'],
      ['abababababab', 'repetitive'],
      ['abcdefghijk', 'sequence'],
      ['aabbaabbccaa', 'too_few_distinct'],
      ['x'.repeat(300), 'too_long'],
    ] as const) {
      const res = await gw.api('/api/auth/password', { method: 'POST', token: first, json: { currentPassword: password, newPassword: weak } });
      const body = (await res.json()) as { code: string; details?: { reason: string } };
      expect({ weak: weak.slice(0, 12), status: res.status, code: body.code, reason: body.details?.reason }).toEqual({ weak: weak.slice(0, 12), status: 400, code: weak.length > 257 ? 'invalid_request' : 'weak_password', reason: weak.length > 257 ? undefined : reason });
    }
    const res = await gw.api('/api/auth/password', { method: 'POST', token: first, json: { currentPassword: password, newPassword: 'Guard-Room-2026' } });
    expect(res.status).toBe(200);
    expect((await res.json()) as { endedSessions: number }).toMatchObject({ endedSessions: 1 });
    expect((await gw.api('/api/auth/me', { token: first })).status).toBe(200);
    expect((await gw.api('/api/auth/me', { token: second })).status).toBe(401);
    expect((await loginAnswer(gw, 'admin', 'Guard-Room-2026')).status).toBe(200);
  });
});

describe('password policy', () => {
  it('accepts reasonable passwords and names the problem of weak ones', () => {
    for (const ok of ['admin-password-1', 'Guard-Room-2026', '东门岗亭值班密码2026', 'correct horse battery']) expect(passwordProblem(ok), ok).toBeUndefined();
    expect(passwordProblem('aaaaaaaaaa')).toBe('repetitive');
    expect(passwordProblem('Password123')).toBe('common');
    expect(passwordProblem('9876543210')).toBe('sequence');
    expect(passwordProblem('zyxwvutsrq')).toBe('sequence');
  });
});
