import { useEffect, useRef, useState } from 'preact/hooks';
import { locale, t } from '../i18n/index.js';
import { createPlayer, type LivePlayerState } from '../../streaming/public/live-player.js';
import { elapsedParts, useFrameWatch } from '../lib/frame-watch.js';
import { token } from '../lib/session.js';
import { StatusDot } from './DeviceHealth.js';
import { TileTools } from './TileTools.js';

export interface VideoTileProps {
  cameraId: string;
  name: string;
  online: boolean;
  /** The camera's status from its state (`login_refused` names the reason on the overlay). */
  status?: string;
  profile: 'main' | 'sub';
  selected?: boolean;
  onSelect?: () => void;
  onDoubleClick?: () => void;
  /** Snapshot, digital zoom and full screen buttons (console and phone; not the wall). */
  tools?: boolean;
  /** Drawn over the picture (click-to-aim on the selected tile). */
  children?: preact.ComponentChildren;
  /** Extra classes (the wall's preloading tiles). */
  class?: string;
  style?: Record<string, string | number>;
}

function LostOverlay({ name, since, reason }: { name: string; since: number; reason: Parameters<typeof t>[0] }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const ago = elapsedParts(now - since);
  return (
    <div class="tile-lost" role="alert" data-since={since}>
      <strong class="tile-lost-title">{t('console.lost.title')}</strong>
      {/* A solid card: the player's own notice under it ("offline, retrying") must not show through. */}
      <span class="tile-lost-card">
        <span class="tile-lost-name">{name}</span>
        <span class="tile-lost-reason">{t(reason)}</span>
        <span class="tile-lost-since">{t('console.lost.since', { time: t(ago.key, ago.params) })}</span>
      </span>
    </div>
  );
}

/** The tile's path, as a short technical label (the same in every language). */
const PATH_LABEL: Record<string, string> = { webrtc: 'WebRTC', mse: 'MSE', jsmpeg: 'JSMpeg' };

/**
 * One live picture: the gateway's player (live-player.js: WebRTC, MSE while it connects or where
 * it cannot, JSMpeg where MSE cannot) in the tile itself, no document of its own. When pictures
 * stop arriving for more than ~2 s the tile says so over the dimmed last picture (video lost, the
 * camera's name, the gateway's reason, since when) and clears by itself.
 */
export function VideoTile({ cameraId, name, online, status, profile, selected, onSelect, onDoubleClick, tools, children, class: extra, style }: VideoTileProps) {
  const host = useRef<HTMLDivElement>(null);
  const player = useRef<LivePlayerState | null>(null);
  const [zoom, setZoom] = useState({ scale: 1, x: 50, y: 50 });
  const watch = useFrameWatch(player, { online, ...(status ? { status } : {}) }, `${cameraId}/${profile}`);
  useEffect(() => setZoom({ scale: 1, x: 50, y: 50 }), [cameraId]);
  // The player says why there is no picture (the gateway's status message) in this language;
  // start 'mse': it shows the stream's cached pictures over MSE at once while WebRTC connects.
  useEffect(() => {
    if (!host.current) return;
    const live = createPlayer(host.current, { camera: cameraId, profile, start: 'mse', badge: false, lang: locale.value, token: token.value });
    player.current = live.state;
    return () => {
      live.destroy();
      player.current = null;
    };
  }, [cameraId, profile, locale.value, token.value]);
  const onWheel = (e: WheelEvent) => {
    if (!tools) return;
    e.preventDefault();
    const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const scale = Math.min(8, Math.max(1, Math.round(zoom.scale * (e.deltaY < 0 ? 1.25 : 0.8) * 100) / 100));
    setZoom(scale === 1 ? { scale: 1, x: 50, y: 50 } : { scale, x: ((e.clientX - rect.left) / rect.width) * 100, y: ((e.clientY - rect.top) / rect.height) * 100 });
  };
  return (
    <figure
      class={`tile${selected ? ' selected' : ''}${watch.lost ? ' lost' : ''}${extra ? ` ${extra}` : ''}`}
      data-camera={cameraId}
      data-frames={watch.frames > 0 ? 'yes' : 'no'}
      style={style}
      onWheel={onWheel}
    >
      <div
        ref={host}
        class="tile-video"
        role="img"
        aria-label={t('cameras.videoOf', { name })}
        style={zoom.scale > 1 ? { transform: `scale(${zoom.scale})`, transformOrigin: `${zoom.x}% ${zoom.y}%` } : undefined}
      />
      {watch.lost && <LostOverlay name={name} since={watch.since} reason={watch.reason} />}
      <figcaption>
        <StatusDot online={online && !watch.lost} /> {name}
        {watch.path && (
          <span class="tile-path" data-path={watch.path} title={t('console.path.hint')}>
            {PATH_LABEL[watch.path] ?? watch.path}
          </span>
        )}
        {watch.audio && (
          <span class="tile-path tile-audio-codec" data-audio={watch.audio.codec} data-carried={String(watch.audio.carried)} title={watch.audio.carried ? t('tileAudio.codec', { codec: watch.audio.codec }) : t('tileAudio.notCarried', { codec: watch.audio.codec })}>
            {watch.audio.carried ? watch.audio.codec : `${watch.audio.codec} ✕`}
          </span>
        )}
      </figcaption>
      {/* The camera's sound starts muted; a person turns it on here (the picture itself takes no clicks). */}
      {watch.audio?.carried && (
        <button
          type="button"
          class="tile-audio"
          aria-pressed={!watch.audio.muted}
          aria-label={t(watch.audio.muted ? 'tileAudio.unmuteOf' : 'tileAudio.muteOf', { name })}
          onClick={() => player.current?.setMuted(!watch.audio!.muted)}
        >
          {watch.audio.muted ? `🔇 ${t('tileAudio.unmute')}` : `🔊 ${t('tileAudio.mute')}`}
        </button>
      )}
      {onSelect && (
        <button
          type="button"
          class="tile-select"
          aria-pressed={selected === true}
          aria-label={t('cameras.focus', { name })}
          title={onDoubleClick ? t('console.enlarge') : undefined}
          onClick={onSelect}
          onDblClick={onDoubleClick}
        />
      )}
      {children}
      {tools && <TileTools cameraId={cameraId} name={name} zoom={zoom.scale} onResetZoom={() => setZoom({ scale: 1, x: 50, y: 50 })} />}
    </figure>
  );
}
