import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { cameras } from '../lib/cameras.js';
import { startFeed, stopFeed } from '../lib/feed.js';
import { token } from '../lib/session.js';
import { formatLongDate, formatTime } from '../lib/time.js';
import { parseWallLayout, tileProfile, wallPage } from '../lib/wall-layout.js';
import { DeviceHealth } from '../components/DeviceHealth.js';
import { VideoTile } from '../components/VideoTile.js';

/** How often the wall checks that its token is still valid (a revoked token shows the refusal). */
const TOKEN_CHECK_MS = 60_000;

function Clock() {
  const [now, setNow] = useState(new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time class="wall-clock" dateTime={now.toISOString()}>
      {formatTime(now)}
      <small>{formatLongDate(now)}</small>
    </time>
  );
}

/** The TV wall: read-only, opened with a wall token in the URL, no controls. */
export function Wall() {
  const layout = parseWallLayout(location.search);
  const [state, setState] = useState<'checking' | 'ok' | 'refused'>('checking');
  const [page, setPage] = useState(0);

  useEffect(() => {
    if (!token.value) {
      setState('refused');
      return;
    }
    const check = () =>
      api('/api/auth/me').then(
        () => setState('ok'),
        (err: unknown) => {
          // Only a refusal of the token ends the wall; a network drop just waits for the next check.
          if (err instanceof ApiError && (err.status === 401 || err.status === 403)) setState('refused');
        },
      );
    void check();
    const timer = setInterval(check, TOKEN_CHECK_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (state !== 'ok') return;
    startFeed();
    return stopFeed;
  }, [state]);

  const perPage = layout.columns * layout.rows;
  const all = layout.cameras.length > 0 ? layout.cameras.map((id) => cameras.value.find((c) => c.id === id)).filter((c) => c !== undefined) : cameras.value;
  const shown = wallPage(all, perPage, page);

  useEffect(() => {
    if (state !== 'ok' || shown.pages <= 1) return;
    const timer = setInterval(() => setPage((p) => p + 1), layout.rotateSeconds * 1000);
    return () => clearInterval(timer);
  }, [state, shown.pages, layout.rotateSeconds]);

  if (state === 'refused')
    return (
      <main class="wall refused" role="alert">
        <p>{t('wall.refused')}</p>
      </main>
    );
  if (state === 'checking') return <p class="loading">{t('app.loading')}</p>;
  const profile = tileProfile(layout, window.innerWidth, window.devicePixelRatio);
  return (
    <main class="wall">
      <header class="wall-header">
        <Clock />
        {shown.pages > 1 && <span class="wall-page">{t('wall.page', { page: shown.page + 1, pages: shown.pages })}</span>}
        <DeviceHealth compact />
      </header>
      {all.length === 0 ? (
        <p class="wall-empty">{t('wall.noCameras')}</p>
      ) : (
        <section class="wall-grid" style={{ gridTemplateColumns: `repeat(${layout.columns}, 1fr)`, gridTemplateRows: `repeat(${layout.rows}, 1fr)` }}>
          {shown.items.map((c) => (
            <VideoTile key={c.id} cameraId={c.id} name={c.name} online={c.online} profile={profile} />
          ))}
        </section>
      )}
      {/* Alarm pop-ups (a later issue) appear here, above the grid. */}
      <div class="wall-alarm" aria-live="assertive" />
    </main>
  );
}
