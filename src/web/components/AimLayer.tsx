import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { api } from '../lib/api.js';
import type { CameraView } from '../lib/cameras.js';
import { aimTranslation } from '../lib/ptz-aim.js';

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Over the selected tile while click-to-aim is on: a click turns the camera toward that point
 * (RelativeMove), a dragged box zooms into it. Errors (lock held, camera offline) show on the tile.
 */
export function AimLayer({ camera }: { camera: CameraView }) {
  const [box, setBox] = useState<Box | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rel = (e: PointerEvent) => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return { x: Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)), y: Math.max(0, Math.min(1, (e.clientY - r.top) / r.height)), aspect: r.width / r.height };
  };
  const send = (body: { x: number; y: number; zoom: number }) =>
    api(`/api/cameras/${encodeURIComponent(camera.id)}/ptz/relative`, { method: 'POST', body }).then(
      () => setError(null),
      (err: Error) => setError(err.message),
    );
  return (
    <div
      class="aim-layer"
      title={t('console.ptz.aimHelp')}
      data-testid="aim-layer"
      onPointerDown={(e) => {
        (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        const p = rel(e);
        setBox({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
      }}
      onPointerMove={(e) => {
        if (!box || !e.buttons) return;
        const p = rel(e);
        setBox({ ...box, x1: p.x, y1: p.y });
      }}
      onPointerUp={(e) => {
        if (!box) return;
        const p = rel(e);
        const b = { ...box, x1: p.x, y1: p.y };
        setBox(null);
        const width = Math.abs(b.x1 - b.x0);
        const zoom = camera.position?.zoom ?? 0;
        if (width < 0.03 && Math.abs(b.y1 - b.y0) < 0.03) void send(aimTranslation(b.x0, b.y0, zoom, p.aspect));
        else void send(aimTranslation((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2, zoom, p.aspect, width));
      }}
      onPointerCancel={() => setBox(null)}
    >
      {box && (Math.abs(box.x1 - box.x0) > 0.01 || Math.abs(box.y1 - box.y0) > 0.01) && (
        <span
          class="aim-box"
          style={{ left: `${Math.min(box.x0, box.x1) * 100}%`, top: `${Math.min(box.y0, box.y1) * 100}%`, width: `${Math.abs(box.x1 - box.x0) * 100}%`, height: `${Math.abs(box.y1 - box.y0) * 100}%` }}
        />
      )}
      {error && (
        <span class="tile-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
