import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { elapsedParts } from '../lib/frame-watch.js';
import type { LockInfo } from '../lib/lock-info.js';
import { user } from '../lib/session.js';
import { formatTime } from '../lib/time.js';

/**
 * Who controls the camera: the holder's display name, since when (the site's clock) and how long until
 * the lock frees itself; a release button for the holder, takeover for admins.
 */
export function LockBar({ cameraId, lock, onChanged, onError }: { cameraId: string; lock: LockInfo | null; onChanged: () => void; onError: (message: string) => void }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!lock) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [lock]);
  const path = `/api/cameras/${encodeURIComponent(cameraId)}/lock`;
  const act = (init: { method: string; body?: unknown }) => api(path, init).then(onChanged, (err: Error) => onError(err.message));
  if (!lock)
    return (
      <p class="controller lock-bar" role="status">
        {t('console.lock.free')}
      </p>
    );
  const left = elapsedParts(Date.parse(lock.expiresAt) - now);
  const time = formatTime(lock.since);
  const sameUser = lock.name === user.value?.name;
  const text = lock.kind === 'alarm' ? t('console.lock.alarm', { time }) : lock.mine ? t('console.lock.mine', { time, left: t(left.key, left.params) }) : sameUser ? t('console.lock.mineElsewhere', { time }) : t('console.lock.other', { name: lock.displayName, time, left: t(left.key, left.params) });
  return (
    <p class={`controller lock-bar${lock.mine ? ' mine' : ' other'}`} role="status">
      <span class="lock-text">{text}</span>
      {lock.mine && (
        <button type="button" class="release" onClick={() => act({ method: 'DELETE' })}>
          {t('console.lock.release')}
        </button>
      )}
      {!lock.mine && user.value?.role === 'admin' && (
        <button type="button" class="takeover" onClick={() => act({ method: 'POST', body: { takeover: true } })}>
          {t('ptz.takeOver')}
        </button>
      )}
    </p>
  );
}
