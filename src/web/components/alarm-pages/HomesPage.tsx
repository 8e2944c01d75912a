import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { endWatch, newId, splitList, type HomeRow, type PickableDevice } from '../../lib/alarm-directory.js';
import { api } from '../../lib/api.js';
import { cameras } from '../../lib/cameras.js';
import { canControl } from '../../lib/session.js';
import { cameraName, deviceName, siteOffsetMinutes } from '../../lib/site.js';
import { useApi } from '../../lib/use-api.js';
import { FromConfig } from './FromConfig.js';

const DAY_MS = 86_400_000;
const siteDay = (at: number) => new Date(at + siteOffsetMinutes() * 60_000).toISOString().slice(0, 10);
const blank = () => ({ building: '', unit: '', room: '', residents: '', phone: '', sensor: '', cameraId: '', from: siteDay(Date.now()), to: siteDay(Date.now() + 13 * DAY_MS), allowedFrom: '', allowedTo: '' });

const label = (h: Pick<HomeRow, 'building' | 'unit' | 'room'>) => t('dir.home.label', { building: h.building, unit: h.unit, room: h.room });

/** Homes under watch: add one with its door sensor and camera from pickers, watch dates and allowed hours; end a watch early. */
export function HomesPage() {
  const list = useApi<{ homes: HomeRow[] }>('/api/homes');
  const options = useApi<{ devices: PickableDevice[] }>('/api/alarm-directory/options');
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState(blank);
  const officer = canControl();
  const run = (fn: () => Promise<unknown>, after?: () => void) =>
    void fn().then(
      () => (setError(null), after?.(), list.reload(), options.reload()),
      (err: Error) => setError(err.message),
    );
  const sensors = (options.data?.devices ?? []).filter((d) => d.kind === 'door-sensors');
  const field = (key: keyof ReturnType<typeof blank>) => ({
    name: `home-${key}`,
    value: form[key],
    onInput: (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value }),
  });
  const add = (e: Event) => {
    e.preventDefault();
    const body = {
      id: newId('home'),
      building: form.building.trim(),
      unit: form.unit.trim(),
      room: form.room.trim(),
      residents: splitList(form.residents),
      ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
      sensors: form.sensor ? [form.sensor] : [],
      ...(form.cameraId ? { cameraId: form.cameraId } : {}),
      watch: { from: form.from, to: form.to },
      allowedHours: form.allowedFrom && form.allowedTo ? [{ from: form.allowedFrom, to: form.allowedTo }] : [],
    };
    run(() => api('/api/homes', { method: 'POST', body }), () => setForm(blank()));
  };
  const state = (h: HomeRow) => (h.watched ? 'watched' : h.endedAt !== null ? 'ended' : 'idle');
  return (
    <div class="homes-page">
      {(error ?? list.error) && (
        <p class="error" role="alert">
          {error ?? list.error}
        </p>
      )}
      <section class="card">
        <h2>{t('dir.homes')}</h2>
        {list.data?.homes.length === 0 && <p class="muted">{t('dir.none')}</p>}
        <ul class="home-list">
          {(list.data?.homes ?? []).map((h) => (
            <li key={h.id} class={`home-entry ${state(h)}`} data-state={state(h)}>
              <strong>{label(h)}</strong> <FromConfig origin={h.origin} /> <span class="badge">{t(`dir.home.state.${state(h)}`)}</span>
              <div class="muted">
                {h.residents.length > 0 && <span>{t('dir.home.residentsShown', { list: h.residents.join(t('dir.listSep')) })} </span>}
                {h.phone && <span>· {h.phone} </span>}
                <span>· {t('dir.home.sensorsShown', { list: h.sensors.map(deviceName).join(t('dir.listSep')) })} </span>
                {h.cameraId && <span>· {t('dir.home.cameraShown', { name: cameraName(h.cameraId) })} </span>}
                {h.watch && <span>· {t('dir.home.watchShown', { from: h.watch.from, to: h.watch.to })} </span>}
                <span>· {h.allowedHours.length ? t('dir.home.allowedShown', { list: h.allowedHours.map((w) => `${w.from}–${w.to}`).join(t('dir.listSep')) }) : t('dir.home.noAllowed')}</span>
              </div>
              {officer && h.watched && (
                <button type="button" class="end-watch" onClick={() => confirm(t('dir.home.endConfirm', { home: label(h) })) && run(() => endWatch(h.id))}>
                  {t('dir.home.endWatch')}
                </button>
              )}
              {officer && h.origin === 'page' && (
                <button type="button" onClick={() => run(() => api(`/api/homes/${encodeURIComponent(h.id)}`, { method: 'DELETE' }))}>
                  {t('dir.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      {officer && (
        <form class="card add-home" onSubmit={add}>
          <h2>{t('dir.home.add')}</h2>
          <label>
            {t('dir.home.building')} <input required maxLength={32} {...field('building')} />
          </label>
          <label>
            {t('dir.home.unit')} <input required maxLength={32} {...field('unit')} />
          </label>
          <label>
            {t('dir.home.room')} <input required maxLength={32} {...field('room')} />
          </label>
          <label>
            {t('dir.home.residents')} <input {...field('residents')} />
          </label>
          <label>
            {t('dir.home.phone')} <input maxLength={32} {...field('phone')} />
          </label>
          <label>
            {t('dir.home.sensor')}{' '}
            <select name="home-sensor" required value={form.sensor} onChange={(e) => setForm({ ...form, sensor: (e.target as HTMLSelectElement).value })}>
              <option value="">{t('dir.home.chooseSensor')}</option>
              {sensors.map((s) => (
                <option key={s.id} value={s.id} disabled={s.home !== null}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('dir.home.camera')}{' '}
            <select name="home-camera" value={form.cameraId} onChange={(e) => setForm({ ...form, cameraId: (e.target as HTMLSelectElement).value })}>
              <option value="">{t('dir.home.noCamera')}</option>
              {cameras.value.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name || c.id}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('dir.home.from')} <input type="date" required {...field('from')} />
          </label>
          <label>
            {t('dir.home.to')} <input type="date" required {...field('to')} />
          </label>
          <label>
            {t('dir.home.allowedFrom')} <input type="time" {...field('allowedFrom')} />
          </label>
          <label>
            {t('dir.home.allowedTo')} <input type="time" {...field('allowedTo')} />
          </label>
          <button type="submit" class="primary">
            {t('dir.home.add')}
          </button>
        </form>
      )}
    </div>
  );
}
