import { ApiError, api } from './api.js';
import { forgetLogin, saveLogin, sessionState, type SessionUser } from './session.js';

/** How long one check may take before the page says the gateway does not answer. */
const CHECK_TIMEOUT_MS = 8000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 10_000;

/**
 * Asks the gateway who the session cookie belongs to. A refusal (401/403) shows the login form;
 * no answer (network error, timeout, 5xx) shows "cannot reach the gateway" and asks again, with a
 * growing pause, until the gateway answers: the page never stays on "loading" for good.
 * Returns a function that stops asking.
 */
export function watchSession(): () => void {
  let stopped = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = async (): Promise<void> => {
    try {
      const who = await api<SessionUser>('/api/auth/me', { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
      if (!stopped) saveLogin(who);
    } catch (err) {
      if (stopped) return;
      if (err instanceof ApiError && err.status < 500) {
        forgetLogin();
        return;
      }
      sessionState.value = 'unreachable';
      attempt++;
      timer = setTimeout(() => void check(), Math.min(RETRY_MIN_MS * 2 ** (attempt - 1), RETRY_MAX_MS));
    }
  };
  void check();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
