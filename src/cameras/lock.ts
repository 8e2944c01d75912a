/**
 * One controller per camera. An officer who moves a camera holds its lock; others get a 409
 * that names the holder; an admin may take over; the lock lapses after `idleMs` without a
 * command. The holder is one login session (`tokenId`): the same user in two browsers is two
 * holders, so the second browser sees the first as the holder and cannot drive over it. `preempt` is the hook for alarms (a later issue): it takes the lock from anyone
 * and tells the current controller (joystick sessions close, tours pause).
 */
import type { Role } from '../config/schema.js';
import { ConflictError, UserError } from '../core/errors.js';

export interface LockHolder {
  name: string;
  /** The name people read (the user's display name), when the directory has one. */
  displayName?: string;
  /** The login session holding the lock; absent for tours, MQTT and alarms (matched by name). */
  tokenId?: string;
  role: Role;
  /** user: an officer or admin; alarm: a preemption; mqtt: an integration. */
  kind: 'user' | 'alarm' | 'mqtt';
  since: string;
  lastActivity: number;
}

/** Who asks for the lock: a user's login session, or an integration (no tokenId). */
export interface LockClaimant {
  name: string;
  role: Role;
  kind?: LockHolder['kind'];
  tokenId?: string;
  displayName?: string;
}

/** The same holder: same name, and the same login session when either has one. */
export function sameHolder(h: LockHolder, who: { name: string; tokenId?: string | undefined }): boolean {
  return h.name === who.name && (h.tokenId ?? null) === (who.tokenId ?? null);
}

export type LockListener = (cameraId: string, holder: LockHolder | null, previous: LockHolder | null) => void;

export class ControlLock {
  private readonly holders = new Map<string, LockHolder>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<LockListener>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  onChange(listener: LockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  holder(cameraId: string): LockHolder | null {
    const h = this.holders.get(cameraId);
    if (h && this.now() - h.lastActivity >= this.idleMs) {
      this.set(cameraId, null);
      return null;
    }
    return h ?? null;
  }

  /**
   * Takes or refreshes the lock. Throws a 409 naming the holder when someone else holds it,
   * unless `takeover` is asked by an admin.
   */
  acquire(cameraId: string, who: LockClaimant, takeover = false): LockHolder {
    const current = this.holder(cameraId);
    if (current && sameHolder(current, who)) {
      current.lastActivity = this.now();
      return current;
    }
    if (current) {
      if (takeover && who.role !== 'admin') throw new UserError('lock.takeover-admin-only', {}, 403, 'forbidden');
      if (!takeover) {
        const details = {
          holder: { name: current.name, displayName: current.displayName ?? current.name, role: current.role, kind: current.kind, since: current.since, expiresAt: this.expiresAt(current) },
        };
        if (current.name === who.name) throw new ConflictError('lock.held-other-session', { camera: cameraId, holder: current.name, since: current.since }, details);
        throw new ConflictError('lock.held', { camera: cameraId, holder: current.displayName ?? current.name, since: current.since }, details);
      }
    }
    const holder: LockHolder = {
      name: who.name,
      ...(who.displayName ? { displayName: who.displayName } : {}),
      ...(who.tokenId ? { tokenId: who.tokenId } : {}),
      role: who.role,
      kind: who.kind ?? 'user',
      since: new Date(this.now()).toISOString(),
      lastActivity: this.now(),
    };
    this.set(cameraId, holder);
    return holder;
  }

  /** When the lock frees itself if no command comes (ISO time). */
  expiresAt(h: LockHolder): string {
    return new Date(h.lastActivity + this.idleMs).toISOString();
  }

  /** Refreshes the idle timer of the holder (a command was sent). */
  touch(cameraId: string, who: { name: string; tokenId?: string | undefined }): void {
    const h = this.holder(cameraId);
    if (h && sameHolder(h, who)) h.lastActivity = this.now();
  }

  /** Gives the lock back; only its holder (same session) can. */
  release(cameraId: string, who: { name: string; tokenId?: string | undefined }): boolean {
    const h = this.holder(cameraId);
    if (!h || !sameHolder(h, who)) return false;
    this.set(cameraId, null);
    return true;
  }

  /** Alarm hook: takes the lock from whoever holds it (joysticks close, tours pause). */
  preempt(cameraId: string, name: string): LockHolder {
    const holder: LockHolder = { name, role: 'admin', kind: 'alarm', since: new Date(this.now()).toISOString(), lastActivity: this.now() };
    this.set(cameraId, holder);
    return holder;
  }

  forget(cameraId: string): void {
    this.set(cameraId, null);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.holders.clear();
  }

  private set(cameraId: string, holder: LockHolder | null): void {
    const previous = this.holders.get(cameraId) ?? null;
    const t = this.timers.get(cameraId);
    if (t) clearTimeout(t);
    this.timers.delete(cameraId);
    if (holder) {
      this.holders.set(cameraId, holder);
      this.arm(cameraId);
    } else {
      this.holders.delete(cameraId);
    }
    if (previous !== holder) for (const l of this.listeners) l(cameraId, holder, previous);
  }

  /** Lapses the lock when idle, so listeners (tours) learn of it without a request. */
  private arm(cameraId: string): void {
    const h = this.holders.get(cameraId);
    if (!h) return;
    const due = h.lastActivity + this.idleMs - this.now();
    const timer = setTimeout(() => {
      this.timers.delete(cameraId);
      const current = this.holders.get(cameraId);
      if (!current) return;
      if (this.now() - current.lastActivity >= this.idleMs) this.set(cameraId, null);
      else this.arm(cameraId);
    }, Math.max(10, due));
    timer.unref();
    this.timers.set(cameraId, timer);
  }
}
