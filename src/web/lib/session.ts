import { signal } from '@preact/signals';

export interface SessionUser {
  name: string;
  role: 'admin' | 'officer' | 'viewer';
  via: 'session' | 'wall' | 'system';
}

const TOKEN_KEY = 'cg_token';

/**
 * The token in use: `?token=` in the URL (TV walls), else the one saved at login. It is sent as a
 * bearer header on HTTP and as `?token=` on WebSockets.
 */
function initialToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  return fromUrl ?? localStorage.getItem(TOKEN_KEY);
}

export const token = signal<string | null>(initialToken());
export const user = signal<SessionUser | null>(null);

export function saveLogin(newToken: string, who: SessionUser): void {
  localStorage.setItem(TOKEN_KEY, newToken);
  token.value = newToken;
  user.value = who;
}

export function forgetLogin(): void {
  localStorage.removeItem(TOKEN_KEY);
  token.value = null;
  user.value = null;
}

export function canControl(): boolean {
  return user.value?.role === 'officer' || user.value?.role === 'admin';
}
