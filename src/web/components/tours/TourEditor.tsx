import { useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { moveItem, stepKey, tourBody, type EditorStep, type TourDefinition, type TourWindow } from '../../lib/tours.js';
import { TourWindows } from './TourWindows.js';

export interface Preset {
  token: string;
  name: string;
}

/**
 * Create or change a patrol tour: steps chosen from the camera's presets, each with its dwell and
 * speed, ordered by dragging (or the up/down buttons), loop or once, and time windows.
 */
export function TourEditor({ cameraId, presets, tour, onSaved, onCancel }: { cameraId: string; presets: readonly Preset[]; tour: TourDefinition | null; onSaved: () => void; onCancel: () => void }) {
  const [name, setName] = useState(tour?.name ?? '');
  const [steps, setSteps] = useState<EditorStep[]>(
    tour?.steps.map((s) => ({ key: stepKey(), preset: s.presetToken, dwellSeconds: String(s.dwellMs / 1000), speed: s.speed === undefined ? '' : String(s.speed) })) ?? [],
  );
  const [loop, setLoop] = useState(tour?.loop ?? true);
  const [windows, setWindows] = useState<TourWindow[]>(tour?.windows ?? []);
  const [dragging, setDragging] = useState<number | null>(null);
  const dragFrom = useRef<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const update = (i: number, patch: Partial<EditorStep>) => setSteps(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const add = () => presets[0] && setSteps([...steps, { key: stepKey(), preset: presets[steps.length % presets.length]!.token, dwellSeconds: '10', speed: '' }]);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) return setError(t('tours.err.name'));
    if (steps.length === 0) return setError(t('tours.err.noSteps'));
    if (steps.some((s) => !(Number(s.dwellSeconds) >= 0.2))) return setError(t('tours.err.dwell'));
    setBusy(true);
    setError(null);
    try {
      await api(`/api/cameras/${encodeURIComponent(cameraId)}/tours/${encodeURIComponent(name.trim())}`, { method: 'PUT', body: tourBody(steps, loop, windows) });
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const presetName = (token: string) => presets.find((p) => p.token === token)?.name ?? token;
  return (
    <form class="tour-editor" onSubmit={save} aria-label={tour ? t('tours.editTitle', { name: tour.name }) : t('tours.newTitle')}>
      <h4>{tour ? t('tours.editTitle', { name: tour.name }) : t('tours.newTitle')}</h4>
      <label>
        {t('tours.name')}
        <input name="tour-name" required maxLength={64} value={name} readOnly={tour !== null} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      {presets.length === 0 && <p class="muted">{t('tours.needPresets')}</p>}
      <ol class="tour-steps">
        {steps.map((s, i) => (
          <li
            key={s.key}
            data-step={i + 1}
            data-preset={presetName(s.preset)}
            draggable
            class={dragging === i ? 'dragging' : ''}
            onDragStart={(e) => {
              dragFrom.current = i;
              setDragging(i);
              if (e.dataTransfer) {
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', String(i));
              }
            }}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const from = dragFrom.current;
              dragFrom.current = null;
              if (from !== null && from !== i) setSteps((current) => moveItem(current, from, i));
              setDragging(null);
            }}
            onDragEnd={() => setDragging(null)}
          >
            <span class="drag-handle" aria-hidden="true" title={t('tours.dragHint')}>
              ⠿
            </span>
            <label>
              {t('tours.stepPreset', { n: i + 1 })}
              <select value={s.preset} onChange={(e) => update(i, { preset: e.currentTarget.value })}>
                {presets.map((p) => (
                  <option key={p.token} value={p.token}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('tours.dwell')}
              <input type="number" name={`dwell-${i + 1}`} min={0.2} max={3600} step={0.1} value={s.dwellSeconds} onInput={(e) => update(i, { dwellSeconds: e.currentTarget.value })} />
            </label>
            <label>
              {t('tours.speed')}
              <select value={s.speed} onChange={(e) => update(i, { speed: e.currentTarget.value })}>
                <option value="">{t('tours.speedDefault')}</option>
                {['0.25', '0.5', '0.75', '1'].map((v) => (
                  <option key={v} value={v}>
                    {Math.round(Number(v) * 100)}%
                  </option>
                ))}
              </select>
            </label>
            <button type="button" class="icon" aria-label={t('tours.up', { n: i + 1 })} disabled={i === 0} onClick={() => setSteps(moveItem(steps, i, i - 1))}>
              ▲
            </button>
            <button type="button" class="icon" aria-label={t('tours.down', { n: i + 1 })} disabled={i === steps.length - 1} onClick={() => setSteps(moveItem(steps, i, i + 1))}>
              ▼
            </button>
            <button type="button" class="icon" aria-label={t('tours.removeStep', { n: i + 1 })} onClick={() => setSteps(steps.filter((_, j) => j !== i))}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={add} disabled={presets.length === 0}>
        {t('tours.addStep')}
      </button>
      <label>
        <input type="checkbox" checked={loop} onChange={(e) => setLoop(e.currentTarget.checked)} /> {t('tours.loop')}
      </label>
      <TourWindows windows={windows} onChange={setWindows} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('tours.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('gates.cancel')}
        </button>
      </div>
    </form>
  );
}
