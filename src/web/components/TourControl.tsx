import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { api } from '../lib/api.js';
import type { CameraView } from '../lib/cameras.js';

/** Patrol tours of the focused camera: start one, stop it, see the current step. */
export function TourControl({ camera, onError }: { camera: CameraView; onError: (message: string) => void }) {
  const [tours, setTours] = useState<Array<{ name: string }>>([]);
  const base = `/api/cameras/${encodeURIComponent(camera.id)}`;
  useEffect(() => {
    api<{ tours: Array<{ name: string }> }>(`${base}/tours`).then(
      (r) => setTours(r.tours),
      () => setTours([]),
    );
  }, [camera.id]);
  const run = (path: string) => api(path, { method: 'POST', body: {} }).catch((err: Error) => onError(err.message));
  const running = camera.tour;
  return (
    <section aria-labelledby="tours-title">
      <h3 id="tours-title">{t('tours.title')}</h3>
      {running ? (
        <p class={`tour-status${running.phase === 'paused' ? ' paused' : ''}`} role="status">
          {running.phase === 'paused'
            ? camera.controller
              ? t('console.tour.paused', { name: running.name, holder: camera.controller.displayName ?? camera.controller.name })
              : t('console.tour.pausedNobody', { name: running.name })
            : t('tours.running', { name: running.name, step: running.step, steps: running.stepCount, preset: running.preset })}{' '}
          <button type="button" onClick={() => run(`${base}/tour/stop`)}>
            {t('tours.stop')}
          </button>
        </p>
      ) : tours.length === 0 ? (
        <p class="muted">{t('tours.none')}</p>
      ) : (
        <ul class="presets">
          {tours.map((tour) => (
            <li key={tour.name}>
              <button type="button" onClick={() => run(`${base}/tours/${encodeURIComponent(tour.name)}/start`)}>
                ▶ {tour.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
