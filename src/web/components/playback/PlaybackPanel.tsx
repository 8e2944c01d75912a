/**
 * The console's playback mode: the cameras picked play recorded video on one clock, a timeline
 * per camera (spans, gaps, events), zoom, speeds, pause and frame step, export of a range,
 * snapshot of the picture shown. `openPlayback(camera, at)` plays a camera at a time (from a gate
 * entry).
 */
import { signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { cameras } from '../../lib/cameras.js';
import { PlaybackPlayer } from '../../lib/playback-player.js';
import { canControl } from '../../lib/session.js';
import { Timeline, ZOOMS_MS, type TimelineData } from './Timeline.js';
import { formatDateTime } from '../../lib/time.js';

const SPEEDS = [1, 2, 4, 8];
/** What to play: cameras and the instant to start at (and, from a link, speed and paused). */
export const playbackRequest = signal<{ cameras: string[]; at: number; speed?: number; paused?: boolean } | null>(null);

export function openPlayback(camera: string, at: number): void {
  playbackRequest.value = { cameras: [camera], at };
}

/**
 * A link to a moment: `/#playback?cameras=a,b&at=<epoch ms or ISO>&speed=8&paused=1` opens the
 * playback mode there (on load and when the link changes).
 */
function fromLink(): void {
  const m = /^#playback\?(.*)$/.exec(location.hash);
  if (!m) return;
  const q = new URLSearchParams(m[1]);
  const list = (q.get('cameras') ?? '').split(',').filter((c) => c.length > 0 && c.length <= 64).slice(0, 16);
  const raw = q.get('at') ?? '';
  const at = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (list.length === 0 || !Number.isFinite(at)) return;
  const speed = Number(q.get('speed'));
  playbackRequest.value = { cameras: list, at, ...(SPEEDS.includes(speed) ? { speed } : {}), paused: q.get('paused') === '1' };
}
if (typeof window !== 'undefined') {
  fromLink();
  window.addEventListener('hashchange', fromLink);
}

export function PlaybackPanel() {
  const [picked, setPicked] = useState<string[]>(playbackRequest.value?.cameras ?? []);
  const [at, setAt] = useState<number>(playbackRequest.value?.at ?? Date.now() - 5 * 60_000);
  const [zoom, setZoom] = useState(0);
  const [speed, setSpeed] = useState(playbackRequest.value?.speed ?? 1);
  const [paused, setPaused] = useState(playbackRequest.value?.paused ?? false);
  const [selection, setSelection] = useState<{ from: number; to: number } | undefined>();
  const [message, setMessage] = useState<string | null>(null);
  const [timelines, setTimelines] = useState<Record<string, TimelineData>>({});
  const [, redraw] = useState(0);
  const players = useRef<Record<string, PlaybackPlayer>>({});
  const videos = useRef<Record<string, HTMLVideoElement | null>>({});
  const origin = useRef(Date.now() - 8 * 86_400_000);
  /** Counts requests after the first: the same link (or alarm) opened again plays from its moment again. */
  const [request, setRequest] = useState(0);
  const firstRequest = useRef(playbackRequest.value);

  useEffect(() => {
    const r = playbackRequest.value;
    if (r) {
      setPicked(r.cameras);
      setAt(r.at);
      setSpeed(r.speed ?? 1);
      setPaused(r.paused ?? false);
      if (r !== firstRequest.current) setRequest((n) => n + 1);
    }
  }, [playbackRequest.value]);

  const spanMs = ZOOMS_MS[zoom]!;
  const position = players.current[picked[0] ?? '']?.position ?? at;
  const from = zoom === 0 ? new Date(new Date(position).setHours(0, 0, 0, 0)).getTime() : position - spanMs / 2;

  useEffect(() => {
    let stop = false;
    void Promise.all(picked.map(async (c) => [c, await api<TimelineData>(`/api/recordings/${encodeURIComponent(c)}/timeline?from=${Math.round(from)}&to=${Math.round(from + spanMs)}`)] as const)).then(
      (rows) => !stop && setTimelines(Object.fromEntries(rows)),
      (err: Error) => setMessage(err.message),
    );
    return () => {
      stop = true;
    };
  }, [picked.join(','), Math.round(from / 60_000), spanMs]);

  useEffect(() => {
    // several cameras hold at their first picture and start together (at most 3 s for a slow one)
    const together = picked.length > 1 && !paused;
    const openedAt = Date.now();
    /** True while some camera still holds at its first picture; starts them all once each is there. */
    const holdingBack = (): boolean => {
      const holding = Object.values(players.current).filter((p) => p.holding);
      if (holding.length === 0) return false;
      if (holding.every((p) => p.ready) || (Date.now() - openedAt > 3000 && holding.some((p) => p.ready))) for (const p of holding) p.start();
      return true;
    };
    for (const c of picked) {
      const v = videos.current[c];
      if (!v) continue;
      const p = new PlaybackPlayer(v, c, origin.current, () => (redraw((n) => n + 1), holdingBack()));
      p.open(at, speed, paused, together);
      players.current[c] = p;
    }
    // one clock: followers keep within 100 ms of the first camera. A small drift is taken up by
    // playing the follower a little faster or slower (a jump would stall it while it decodes from
    // the keyframe); only a large one (a stall, a gap) is a jump.
    const sync = window.setInterval(() => {
      if (holdingBack()) return;
      const lead = players.current[picked[0] ?? ''];
      if (!lead || lead.video.paused) return;
      for (const c of picked.slice(1)) {
        const p = players.current[c];
        if (!p || p.video.paused) continue;
        const drift = p.video.currentTime - lead.video.currentTime;
        if (Math.abs(drift) > 0.5 * p.speed) p.video.currentTime = lead.video.currentTime;
        // within 20 ms: the follower's own speed (each change of the rate makes the browser re-time its pictures)
        else if (Math.abs(drift) < 0.02) p.video.playbackRate = p.speed;
        else p.video.playbackRate = p.speed * (1 - Math.max(-0.1, Math.min(0.1, drift / p.speed)));
      }
    }, 200);
    return () => {
      window.clearInterval(sync);
      for (const p of Object.values(players.current)) p.close();
      players.current = {};
    };
  }, [picked.join(','), at, request]);

  const all = (f: (p: PlaybackPlayer) => void): void => Object.values(players.current).forEach(f);
  const seek = (ms: number): void => all((p) => p.seek(ms));
  const doExport = async (): Promise<void> => {
    if (!selection) return setMessage(t('playback.exportPick'));
    try {
      await api('/api/recordings/exports', { method: 'POST', body: { cameras: picked, from: Math.round(selection.from), to: Math.round(selection.to) } });
      setMessage(t('playback.exported'));
    } catch (err) {
      setMessage((err as Error).message);
    }
  };

  return (
    <section class="playback card">
      <h2>{t('playback.title')}</h2>
      <div class="playback-cameras">
        {cameras.value.map((c) => (
          <label key={c.id}>
            <input type="checkbox" checked={picked.includes(c.id)} onChange={(e) => setPicked((p) => ((e.currentTarget as HTMLInputElement).checked ? [...p, c.id] : p.filter((x) => x !== c.id)))} />
            {c.name ?? c.id}
          </label>
        ))}
      </div>
      <div class="playback-videos">
        {picked.map((c) => (
          <figure key={c}>
            <video ref={(el) => {
              videos.current[c] = el;
            }} data-camera={c} muted playsInline />
            <figcaption>{cameras.value.find((x) => x.id === c)?.name ?? c} {players.current[c]?.error ?? ''}</figcaption>
          </figure>
        ))}
      </div>
      <div class="playback-controls">
        <span class="playback-clock">{formatDateTime(position)}</span>
        <button type="button" onClick={() => (paused ? all((p) => p.resume()) : all((p) => p.pause()), setPaused(!paused))}>{paused ? t('playback.play') : t('playback.pause')}</button>
        <button type="button" onClick={() => all((p) => p.step())}>{t('playback.step')}</button>
        {SPEEDS.map((s) => (
          <button key={s} type="button" aria-pressed={speed === s} onClick={() => (setSpeed(s), all((p) => p.setSpeed(s)))}>{`${s}x`}</button>
        ))}
        <label>
          {t('playback.zoom')}
          <select value={zoom} onChange={(e) => setZoom(Number((e.currentTarget as HTMLSelectElement).value))}>
            {ZOOMS_MS.map((z, i) => (
              <option key={z} value={i}>{t(`playback.zoom.${i}` as never)}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => {
          const p = players.current[picked[0] ?? ''];
          if (p) window.open(p.snapshot(), '_blank');
        }}>{t('playback.snapshot')}</button>
        {canControl() && <button type="button" onClick={() => void doExport()}>{t('playback.export')}</button>}
      </div>
      {picked.map((c) => (
        <div key={c} class="playback-row">
          <span>{cameras.value.find((x) => x.id === c)?.name ?? c}</span>
          <Timeline data={timelines[c]} from={from} spanMs={spanMs} position={position} selection={selection} onSeek={seek} onSelect={setSelection} />
        </div>
      ))}
      {message && <p class="muted">{message}</p>}
    </section>
  );
}
