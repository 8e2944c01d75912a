import { signal } from '@preact/signals';

export interface SessionUser {
  name: string;
  role: 'admin' | 'officer' | 'viewer';
  via: 'session' | 'wall' | 'system';
}

/**
 * A TV wall's token, from `?token=` in its URL; null for the console and the phone page. Those
 * never hold their session token in script: the gateway keeps it in an HttpOnly cookie, which the
 * browser sends with every request and WebSocket of the gateway's own pages.
 */
export const token = signal<string | null>(new URLSearchParams(location.search).get('token'));
export const user = signal<SessionUser | null>(null);
/** `checking` until /api/auth/me answered; `out` shows the login form; `unreachable` while the gateway does not answer. */
export const sessionState = signal<'checking' | 'in' | 'out' | 'unreachable'>('checking');

export function saveLogin(who: SessionUser): void {
  user.value = who;
  sessionState.value = 'in';
}

export function forgetLogin(): void {
  user.value = null;
  sessionState.value = 'out';
}

export function canControl(): boolean {
  return user.value?.role === 'officer' || user.value?.role === 'admin';
}
