import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { downloadSnapshot } from '../lib/snapshot.js';
import { FullscreenIcon, SnapshotIcon } from './Icons.js';

/** The small buttons of a tile: snapshot (JPEG named camera+time), digital zoom reset, full screen. */
export function TileTools({ cameraId, name, zoom, onResetZoom }: { cameraId: string; name: string; zoom: number; onResetZoom: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const fullscreen = (e: Event) => {
    const tile = (e.currentTarget as HTMLElement).closest('.tile');
    if (document.fullscreenElement) void document.exitFullscreen();
    else void tile?.requestFullscreen().catch(() => undefined);
  };
  return (
    <div class="tile-tools">
      {zoom > 1 && (
        <button type="button" class="tile-tool" title={t('console.zoom.level', { n: zoom })} aria-label={t('console.zoom.reset')} onClick={onResetZoom}>
          {zoom}×
        </button>
      )}
      <button
        type="button"
        class="tile-tool snapshot"
        aria-label={t('console.snapshot', { name })}
        title={t('console.snapshot', { name })}
        onClick={() => downloadSnapshot(cameraId, name).then(() => setError(null), (err: Error) => setError(t('console.snapshot.failed', { message: err.message })))}
      >
        <SnapshotIcon />
      </button>
      <button type="button" class="tile-tool fullscreen" aria-label={t('console.fullscreen.tile', { name })} title={t('console.fullscreen.tile', { name })} onClick={fullscreen}>
        <FullscreenIcon />
      </button>
      {error && (
        <span class="tile-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
