import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { api } from '../lib/api.js';
import type { CameraView } from '../lib/cameras.js';
import type { TourDefinition } from '../lib/tours.js';
import { TourEditor, type Preset } from './tours/TourEditor.js';

/**
 * Patrol tours of the focused camera: start, stop, see the current step and phase (paused while
 * someone controls the camera, waiting outside its time windows); create, change and delete tours.
 */
export function TourControl({ camera, onError }: { camera: CameraView; onError: (message: string) => void }) {
  const [tours, setTours] = useState<TourDefinition[]>([]);
  const [presets, setPresets] = useState<Preset[]>([]);
  const [editing, setEditing] = useState<TourDefinition | 'new' | null>(null);
  const base = `/api/cameras/${encodeURIComponent(camera.id)}`;
  const load = () =>
    api<{ tours: TourDefinition[] }>(`${base}/tours`).then(
      (r) => setTours(r.tours),
      () => setTours([]),
    );
  useEffect(() => {
    setEditing(null);
    void load();
  }, [camera.id]);
  const openEditor = (tour: TourDefinition | 'new') =>
    api<{ presets: Preset[] }>(`${base}/presets`).then(
      (r) => {
        setPresets(r.presets);
        setEditing(tour);
      },
      (err: Error) => onError(err.message),
    );
  const run = (path: string, method = 'POST') => api(path, { method, ...(method === 'POST' ? { body: {} } : {}) }).then(load, (err: Error) => onError(err.message));
  const running = camera.tour;
  return (
    <section aria-labelledby="tours-title" class="tours">
      <h3 id="tours-title">{t('tours.title')}</h3>
      {running && (
        <p class={`tour-status phase-${running.phase}${running.phase === 'paused' ? ' paused' : ''}`} role="status" data-phase={running.phase}>
          {running.phase === 'paused'
            ? camera.controller
              ? t('console.tour.paused', { name: running.name, holder: camera.controller.displayName ?? camera.controller.name })
              : t('console.tour.pausedNobody', { name: running.name })
            : `${t('tours.running', { name: running.name, step: running.step, steps: running.stepCount, preset: running.preset })} · ${t(`tours.phase.${running.phase}` as MessageKey)}`}{' '}
          <button type="button" onClick={() => run(`${base}/tour/stop`)}>
            {t('tours.stop')}
          </button>
        </p>
      )}
      {tours.length === 0 && !editing && <p class="muted">{t('tours.none')}</p>}
      <ul class="tour-list">
        {tours.map((tour) => (
          <li key={tour.name} data-tour={tour.name}>
            <button type="button" onClick={() => run(`${base}/tours/${encodeURIComponent(tour.name)}/start`)} aria-label={t('tours.start', { name: tour.name })}>
              ▶ {tour.name}
            </button>
            <span class="muted">{t('tours.summary', { n: tour.steps.length, windows: tour.windows.length })}</span>
            <button type="button" onClick={() => openEditor(tour)} aria-label={t('tours.edit', { name: tour.name })}>
              {t('camadmin.edit')}
            </button>
            <button
              type="button"
              class="icon danger"
              aria-label={t('tours.delete', { name: tour.name })}
              onClick={() => confirm(t('tours.confirmDelete', { name: tour.name })) && run(`${base}/tours/${encodeURIComponent(tour.name)}`, 'DELETE')}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      {editing ? (
        <TourEditor
          key={editing === 'new' ? 'new' : editing.name}
          cameraId={camera.id}
          presets={presets}
          tour={editing === 'new' ? null : editing}
          onSaved={() => {
            setEditing(null);
            void load();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <button type="button" onClick={() => openEditor('new')}>
          {t('tours.new')}
        </button>
      )}
    </section>
  );
}
