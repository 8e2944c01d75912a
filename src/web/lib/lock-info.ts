import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

export interface LockInfo {
  name: string;
  displayName: string;
  kind: string;
  since: string;
  expiresAt: string;
  /** Held by this very login session (this browser). */
  mine: boolean;
}

/**
 * Who holds a camera's control lock, as the gateway tells this session: asked again whenever the
 * feed says the controller changed, and every few seconds while held (its expiry moves on with
 * every command).
 */
export function useLockInfo(cameraId: string, controller: { name: string; since: string } | null): { lock: LockInfo | null; refresh: () => void } {
  const [lock, setLock] = useState<LockInfo | null>(null);
  const [round, setRound] = useState(0);
  const key = controller ? `${controller.name}@${controller.since}` : '';
  useEffect(() => {
    if (!controller) {
      setLock(null);
      return;
    }
    let live = true;
    const ask = () =>
      api<{ controller: LockInfo | null }>(`/api/cameras/${encodeURIComponent(cameraId)}/lock`).then(
        (r) => live && setLock(r.controller),
        () => undefined,
      );
    void ask();
    const timer = setInterval(ask, 5000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [cameraId, key, round]);
  return { lock, refresh: () => setRound((n) => n + 1) };
}
