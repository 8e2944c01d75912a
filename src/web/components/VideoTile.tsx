import { locale, t } from '../i18n/index.js';
import { token } from '../lib/session.js';
import { StatusDot } from './DeviceHealth.js';

export interface VideoTileProps {
  cameraId: string;
  name: string;
  online: boolean;
  profile: 'main' | 'sub';
  selected?: boolean;
  onSelect?: () => void;
}

/**
 * One live picture: the gateway's player page (MSE where the browser can, JSMpeg otherwise) in a
 * frame. The player reconnects by itself after a network drop and shows why a camera has no
 * picture (offline, login refused, ...) over it.
 */
export function VideoTile({ cameraId, name, online, profile, selected, onSelect }: VideoTileProps) {
  // The player page says why there is no picture (the gateway's status message) in this language.
  const src = `/player.html?camera=${encodeURIComponent(cameraId)}&profile=${profile}&badge=0&lang=${locale.value}${token.value ? `&token=${encodeURIComponent(token.value)}` : ''}`;
  return (
    <figure class={`tile${selected ? ' selected' : ''}`} data-camera={cameraId}>
      <iframe src={src} title={t('cameras.videoOf', { name })} loading="eager" allow="autoplay" />
      <figcaption>
        <StatusDot online={online} /> {name}
      </figcaption>
      {onSelect && <button type="button" class="tile-select" aria-pressed={selected === true} aria-label={t('cameras.focus', { name })} onClick={onSelect} />}
    </figure>
  );
}
