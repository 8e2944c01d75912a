import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/auth/audit-log.js';
import { LoginGuard, type LoginLimits } from '../../src/auth/login-guard.js';
import { silentLogger } from '../../src/core/logger.js';
import { startTestGateway, TEST_USERS, type TestGateway } from '../helpers/gateway.js';

const LIMITS: LoginLimits = { maxFailuresPerUser: 5, maxFailuresPerAddress: 20, windowSeconds: 900, lockoutSeconds: 30, lockoutMaxSeconds: 900, failedLoginRetentionDays: 30 };

describe('login limits', () => {
  let gw: TestGateway;
  let admin: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    admin = await gw.login('admin');
  });

  afterAll(async () => {
    await gw?.stop();
  });

  const login = (name: string, password: string) => gw.api('/api/auth/login', { method: 'POST', json: { name, password } });

  it('200 wrong passwords lock the name and the address: the right password is refused right after, until an admin unlocks', async () => {
    const statuses = new Map<number, number>();
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      const res = await login('officer', `wrong-${i}`);
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    // Only the first five were checked against the password; the rest were refused by the lock.
    expect(Object.fromEntries(statuses)).toEqual({ 401: 5, 429: 195 });
    expect(Date.now() - started).toBeLessThan(30_000);
    const right = await login('officer', TEST_USERS.officer.password);
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await right.json()) as { code: string }).code).toBe('login_locked');

    const lockouts = (await (await gw.api('/api/auth/lockouts', { token: admin })).json()) as { lockouts: Array<{ scope: string; key: string }> };
    expect(lockouts.lockouts).toEqual(expect.arrayContaining([expect.objectContaining({ scope: 'user', key: 'officer' })]));
    const audit = (await (await gw.api('/api/audit?action=auth.login.lockout', { token: admin })).json()) as { entries: Array<{ target: string; role: string }> };
    expect(audit.entries.map((e) => e.target)).toContain('user:officer');

    const unlock = await gw.api('/api/auth/unlock', { method: 'POST', token: admin, json: { name: 'officer', address: '127.0.0.1' } });
    expect(unlock.status).toBe(200);
    expect((await login('officer', TEST_USERS.officer.password)).status).toBe(200);
    const unlocks = (await (await gw.api('/api/audit?action=auth.login.unlock', { token: admin })).json()) as { entries: Array<{ user: string; outcome: string }> };
    expect(unlocks.entries[0]).toMatchObject({ user: 'admin', outcome: 'ok' });
  });

  it('refuses login names over 64 and passwords over 256 characters, and keeps each failed-login entry small', async () => {
    const long = await login('n'.repeat(10_000), 'x');
    expect(long.status).toBe(400);
    expect((await login('viewer', 'p'.repeat(257))).status).toBe(400);
    const db = gw.gateway.database.db;
    const largest = db.prepare<[], { n: number | null }>("SELECT max(length(detail) + length(coalesce(target, '')) + length(user_name)) AS n FROM audit_log WHERE action = 'auth.login'").get()!.n;
    expect(largest).toBeLessThan(2048);
  });

  it('records failed logins as anonymous with no role (not as a viewer), and successful ones with the real role', async () => {
    await (await login('admin', 'not-the-password')).arrayBuffer();
    await gw.api('/api/auth/unlock', { method: 'POST', token: admin, json: { name: 'admin', address: '127.0.0.1' } });
    const entries = ((await (await gw.api('/api/audit?action=auth.login&limit=500', { token: admin })).json()) as { entries: Array<{ user: string; role: string; target: string; outcome: string }> }).entries;
    expect(entries.find((e) => e.outcome === 'refused' && e.target === 'admin')).toMatchObject({ user: 'anonymous', role: 'none' });
    expect(entries.find((e) => e.outcome === 'ok' && e.user === 'admin')).toMatchObject({ role: 'admin' });
  });

  it('deletes failed-login entries past their retention', () => {
    const db = gw.gateway.database.db;
    const old = new Date(Date.now() - 40 * 86400_000).toISOString();
    db.prepare("INSERT INTO audit_log (at, user_name, role, action, detail, outcome) VALUES (?, 'anonymous', 'none', 'auth.login', NULL, 'refused')").run(old);
    const count = () => db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login' AND outcome = 'refused' AND at < ?").get(new Date(Date.now() - 30 * 86400_000).toISOString())!.n;
    expect(count()).toBe(1);
    expect(gw.gateway.loginGuard.prune()).toBeGreaterThanOrEqual(1);
    expect(count()).toBe(0);
  });
});

describe('LoginGuard', () => {
  it('doubles each further lockout up to the maximum, and forgets after a quiet time', () => {
    let now = 1_000_000;
    const records: unknown[] = [];
    const audit = { record: (e: unknown) => records.push(e) } as unknown as AuditLog;
    const guard = new LoginGuard({ limits: LIMITS, audit, log: silentLogger(), now: () => now });
    const fail = (n: number) => {
      for (let i = 0; i < n; i++) guard.failure('officer', undefined);
    };
    fail(4);
    expect(guard.check('officer', undefined)).toBeUndefined();
    fail(1);
    expect(guard.check('officer', undefined)).toEqual({ scope: 'user', retryAfterSeconds: 30 });
    now += 30_000;
    expect(guard.check('officer', undefined)).toBeUndefined();
    fail(5);
    expect(guard.check('officer', undefined)?.retryAfterSeconds).toBe(60);
    for (let i = 0; i < 10; i++) {
      now += 1000_000;
      fail(5);
    }
    expect(guard.check('officer', undefined)?.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(records.length).toBe(12);
    now += 10 * 86400_000;
    fail(5);
    expect(guard.check('officer', undefined)?.retryAfterSeconds).toBe(30);
  });
});
