import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { startFeed, stopFeed } from '../lib/feed.js';
import { token, type SessionUser } from '../lib/session.js';
import { DeviceHealth } from '../components/DeviceHealth.js';

function Clock() {
  const [now, setNow] = useState(new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time class="wall-clock" dateTime={now.toISOString()}>
      {now.toLocaleTimeString('zh-CN', { hour12: false })}
      <small>{now.toLocaleDateString('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' })}</small>
    </time>
  );
}

/** The TV wall: read-only, opened with a wall token in the URL, no controls. */
export function Wall() {
  const [state, setState] = useState<'checking' | 'ok' | 'refused'>('checking');
  useEffect(() => {
    if (!token.value) {
      setState('refused');
      return;
    }
    api<SessionUser>('/api/auth/me').then(
      () => {
        setState('ok');
        startFeed();
      },
      () => setState('refused'),
    );
    return stopFeed;
  }, []);
  if (state === 'refused')
    return (
      <main class="wall refused" role="alert">
        <p>{t('wall.refused')}</p>
      </main>
    );
  if (state === 'checking') return <p class="loading">{t('app.loading')}</p>;
  return (
    <main class="wall">
      <header class="wall-header">
        <Clock />
        <DeviceHealth compact />
      </header>
      <section class="wall-grid" />
      <div class="wall-alarm" aria-live="assertive" />
    </main>
  );
}
