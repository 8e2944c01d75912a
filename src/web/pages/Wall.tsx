import { useEffect, useRef, useState } from 'preact/hooks';
import type { LivePlayerState } from '../../streaming/public/live-player.js';
import { t } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { cameras, type CameraView } from '../lib/cameras.js';
import { onFeedEnded, startFeed, stopFeed } from '../lib/feed.js';
import { token } from '../lib/session.js';
import { formatLongDate, formatTime } from '../lib/time.js';
import { parseWallLayout, tileProfile, wallPage } from '../lib/wall-layout.js';
import { DeviceHealth } from '../components/DeviceHealth.js';
import { VideoTile } from '../components/VideoTile.js';
import { WallAlarmPopup } from '../components/alarms/WallAlarmPopup.js';

/** How often the wall checks that its token is still valid (the feed's close says so at once too). */
const TOKEN_CHECK_MS = 60_000;
/**
 * The next page's streams start this long before the switch (at most half the page time), so no
 * tile shows black after it: a cold camera needs its next keyframe (up to its GOP) plus the
 * stream's start, several seconds on a busy gateway.
 */
const PRELOAD_MS = 10_000;

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

interface SwitchRecord {
  at: number;
  page: number;
  /** Per newly shown tile: pictures it had already drawn at the switch (0 = a black tile). */
  tiles: Array<{ camera: string; frames: number; lastFrameAt: number; status: string; stream: string }>;
}

/** Frame stamps of each page switch, for tests and the benchmark (`window.cgWall`). */
const record = ((window as unknown as { cgWall?: { switches: SwitchRecord[] } }).cgWall = { switches: [] as SwitchRecord[] });

function playerOf(cameraId: string): LivePlayerState | undefined {
  const host = document.querySelector(`.wall-grid .tile[data-camera="${CSS.escape(cameraId)}"] .tile-video`);
  return (host as (Element & { cgPlayer?: LivePlayerState }) | null)?.cgPlayer;
}

/** The TV wall: read-only, opened with a wall token in the URL, no controls. */
export function Wall() {
  const layout = parseWallLayout(location.search);
  const [state, setState] = useState<'checking' | 'ok' | 'refused' | 'withdrawn'>('checking');
  const [page, setPage] = useState(0);
  const [preloading, setPreloading] = useState(false);

  useEffect(() => {
    if (!token.value) {
      setState('refused');
      return;
    }
    const check = () =>
      api('/api/auth/me').then(
        () => setState((s) => (s === 'withdrawn' ? s : 'ok')),
        (err: unknown) => {
          // Only a refusal of the token ends the wall; a network drop just waits for the next check.
          if (err instanceof ApiError && (err.status === 401 || err.status === 403)) setState((s) => (s === 'checking' ? 'refused' : 'withdrawn'));
        },
      );
    void check();
    const timer = setInterval(check, TOKEN_CHECK_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (state !== 'ok') return;
    // The gateway closes the feed (4001) the moment the token is revoked: say so at once and
    // drop every tile (their video sockets close with them).
    onFeedEnded(() => setState('withdrawn'));
    startFeed();
    return () => {
      onFeedEnded(undefined);
      stopFeed();
    };
  }, [state]);

  const perPage = layout.columns * layout.rows;
  const all = layout.cameras.length > 0 ? layout.cameras.map((id) => cameras.value.find((c) => c.id === id)).filter((c) => c !== undefined) : cameras.value;
  const shown = wallPage(all, perPage, page);
  const next = wallPage(all, perPage, shown.page + 1);
  const pageRef = useRef(shown.page);
  pageRef.current = shown.page;

  useEffect(() => {
    if (state !== 'ok' || shown.pages <= 1) return;
    const rotateMs = layout.rotateSeconds * 1000;
    const preload = setTimeout(() => setPreloading(true), Math.max(0, rotateMs - Math.min(PRELOAD_MS, rotateMs / 2)));
    const flip = setTimeout(() => {
      const upcoming = wallPage(all, perPage, pageRef.current + 1);
      record.switches.push({
        at: Date.now(),
        page: upcoming.page,
        tiles: upcoming.items.map((c) => {
          const p = playerOf(c.id);
          return { camera: c.id, frames: p?.frames ?? 0, lastFrameAt: p?.lastFrameAt ?? 0, status: p?.status ?? 'none', stream: p?.stream?.state ?? 'none' };
        }),
      });
      if (record.switches.length > 50) record.switches.shift();
      setPreloading(false);
      setPage((p) => p + 1);
    }, rotateMs);
    return () => {
      clearTimeout(preload);
      clearTimeout(flip);
    };
  }, [state, shown.pages, shown.page, layout.rotateSeconds]);

  if (state === 'refused' || state === 'withdrawn')
    return (
      <main class={`wall refused${state === 'withdrawn' ? ' withdrawn' : ''}`} role="alert">
        <p>{state === 'withdrawn' ? t('console.wall.withdrawn') : t('wall.refused')}</p>
      </main>
    );
  if (state === 'checking') return <p class="loading">{t('app.loading')}</p>;
  const profile = tileProfile(layout, window.innerWidth, window.devicePixelRatio);
  // Current and (while preloading) next page in one list, in camera order: the same elements stay
  // in place across a switch (a player moved or made anew would start over), only their placement changes.
  const place = new Map<string, { index: number; preload: boolean }>();
  shown.items.forEach((c, index) => place.set(c.id, { index, preload: false }));
  if (preloading && next.page !== shown.page) next.items.forEach((c, index) => !place.has(c.id) && place.set(c.id, { index, preload: true }));
  const tiles: CameraView[] = all.filter((c) => place.has(c.id));
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
          {tiles.map((c) => {
            const p = place.get(c.id)!;
            const style = { gridColumn: String((p.index % layout.columns) + 1), gridRow: String(Math.floor(p.index / layout.columns) + 1) };
            return <VideoTile key={c.id} cameraId={c.id} name={c.name} online={c.online} status={c.status} profile={profile} class={p.preload ? 'preload' : 'current'} style={style} />;
          })}
        </section>
      )}
      {/* The one alarm seam: the alarms feature's pop-up (WallAlarmPopup) in the pop-up place, above the grid. */}
      <div class="wall-alarm" id="wall-alarm" aria-live="assertive">
        <WallAlarmPopup />
      </div>
    </main>
  );
}
