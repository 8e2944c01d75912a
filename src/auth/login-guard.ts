import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { ANONYMOUS_ACTOR, type AuditLog } from './audit-log.js';

export interface LoginLimits {
  /** Failed logins for one name within the window before it is locked. */
  maxFailuresPerUser: number;
  /** Failed logins from one address within the window before it is locked. */
  maxFailuresPerAddress: number;
  windowSeconds: number;
  /** First lockout; each further lockout of the same name or address doubles it, up to the max. */
  lockoutSeconds: number;
  lockoutMaxSeconds: number;
  /** Failed-login entries of the audit log older than this are deleted. */
  failedLoginRetentionDays: number;
}

export type LockScope = 'user' | 'address';

export interface Lockout {
  scope: LockScope;
  key: string;
  until: string;
  lockouts: number;
}

interface Counter {
  failures: number;
  firstAt: number;
  lockedUntil: number;
  lockouts: number;
  lastAt: number;
}

/** Names and addresses tracked at most (oldest forgotten first). */
const MAX_TRACKED = 10_000;
/** Failed-login audit entries kept at most, whatever their age. */
const MAX_FAILED_LOGIN_ROWS = 50_000;
const PRUNE_EVERY_MS = 3600_000;
const LOGIN_ACTION = 'auth.login';

/**
 * Brute-force protection of the login: per name and per address, a number of failures within a
 * window locks further logins (even with the right password) for a time that doubles with each
 * lockout. Lockouts are audited; an admin can lift one. Also keeps the failed-login entries of the
 * audit log within their retention.
 */
export class LoginGuard implements Service {
  readonly name = 'login-guard';
  private readonly counters = new Map<string, Counter>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { limits: LoginLimits; audit: AuditLog; log: Logger; now?: () => number },
  ) {}

  async start(): Promise<void> {
    this.prune();
    this.timer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.counters.clear();
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Deletes failed-login audit entries past their retention, and beyond the newest MAX_FAILED_LOGIN_ROWS. */
  prune(): number {
    try {
      const before = new Date(this.now() - this.deps.limits.failedLoginRetentionDays * 86400_000);
      return this.deps.audit.prune({ action: LOGIN_ACTION, outcome: 'refused', before, keepNewest: MAX_FAILED_LOGIN_ROWS });
    } catch (err) {
      this.deps.log.error({ err }, 'could not prune failed logins from the audit log');
      return 0;
    }
  }

  /** The lock that applies to a login attempt now, if any. */
  check(name: string, address: string | undefined): { scope: LockScope; retryAfterSeconds: number } | undefined {
    const now = this.now();
    for (const [scope, key] of this.keys(name, address)) {
      const counter = this.counters.get(key);
      if (counter && counter.lockedUntil > now) return { scope, retryAfterSeconds: Math.ceil((counter.lockedUntil - now) / 1000) };
    }
    return undefined;
  }

  /** Counts a failed login; starts (and audits) a lockout when a limit is reached. */
  failure(name: string, address: string | undefined): void {
    const now = this.now();
    const { limits } = this.deps;
    for (const [scope, key] of this.keys(name, address)) {
      const counter = this.counter(key, now);
      if (now - counter.firstAt > limits.windowSeconds * 1000) {
        counter.failures = 0;
        counter.firstAt = now;
      }
      counter.failures++;
      counter.lastAt = now;
      const max = scope === 'user' ? limits.maxFailuresPerUser : limits.maxFailuresPerAddress;
      if (counter.failures < max) continue;
      counter.lockouts++;
      const seconds = Math.min(limits.lockoutSeconds * 2 ** (counter.lockouts - 1), limits.lockoutMaxSeconds);
      counter.lockedUntil = now + seconds * 1000;
      counter.failures = 0;
      counter.firstAt = now;
      const subject = key.slice(key.indexOf(':') + 1);
      this.deps.log.warn({ scope, subject, seconds, lockouts: counter.lockouts }, `login locked for ${seconds} s after ${max} failed attempts (${scope} ${subject})`);
      try {
        this.deps.audit.record({
          principal: ANONYMOUS_ACTOR,
          action: 'auth.login.lockout',
          target: key,
          detail: { failures: max, lockedForSeconds: seconds, lockouts: counter.lockouts },
          remote: address,
        });
      } catch (err) {
        this.deps.log.error({ err }, 'could not audit a login lockout');
      }
    }
  }

  /** A successful login clears the failures of its name (not of its address). */
  success(name: string): void {
    this.counters.delete(`user:${name}`);
  }

  /** Lifts the lock of a name and/or an address; answers what was lifted. */
  unlock(target: { name?: string | undefined; address?: string | undefined }): string[] {
    const keys = [target.name !== undefined ? `user:${target.name}` : undefined, target.address !== undefined ? `address:${target.address}` : undefined];
    return keys.filter((k): k is string => k !== undefined && this.counters.delete(k));
  }

  /** Locks in force now. */
  lockouts(): Lockout[] {
    const now = this.now();
    return [...this.counters.entries()]
      .filter(([, c]) => c.lockedUntil > now)
      .map(([key, c]) => ({ scope: key.startsWith('user:') ? ('user' as const) : ('address' as const), key: key.slice(key.indexOf(':') + 1), until: new Date(c.lockedUntil).toISOString(), lockouts: c.lockouts }));
  }

  private keys(name: string, address: string | undefined): Array<[LockScope, string]> {
    return address === undefined ? [['user', `user:${name}`]] : [['user', `user:${name}`], ['address', `address:${address}`]];
  }

  private counter(key: string, now: number): Counter {
    let counter = this.counters.get(key);
    if (counter) {
      // Quiet for long enough after its last lock: start again from the first lockout.
      const limits = this.deps.limits;
      if (counter.lockedUntil <= now && now - counter.lastAt > (limits.windowSeconds + limits.lockoutMaxSeconds) * 1000) counter.lockouts = 0;
      this.counters.delete(key);
      this.counters.set(key, counter);
      return counter;
    }
    counter = { failures: 0, firstAt: now, lockedUntil: 0, lockouts: 0, lastAt: now };
    this.counters.set(key, counter);
    if (this.counters.size > MAX_TRACKED) this.counters.delete(this.counters.keys().next().value!);
    return counter;
  }
}
