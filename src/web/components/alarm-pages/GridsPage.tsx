import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { newId, setOnDuty, splitList, type GridRow, type PickableDevice, type WorkerRow } from '../../lib/alarm-directory.js';
import { api } from '../../lib/api.js';
import { cameras } from '../../lib/cameras.js';
import { canControl, user } from '../../lib/session.js';
import { cameraName, deviceName } from '../../lib/site.js';
import { useApi } from '../../lib/use-api.js';
import { FromConfig, NamePicker } from './FromConfig.js';

const emptyGrid = { name: '', buildings: '', supervisor: '', supervisorUser: '', cameras: [] as string[], gates: [] as string[], devices: [] as string[] };
const emptyWorker = { name: '', phone: '', grid: '', user: '', onDuty: true };

/** Grids and their workers: the on-duty toggle for officers; admins add and remove what the page added. */
export function GridsPage() {
  const list = useApi<{ grids: GridRow[]; workers: WorkerRow[] }>('/api/grids');
  const options = useApi<{ devices: PickableDevice[] }>('/api/alarm-directory/options');
  const [error, setError] = useState<string | null>(null);
  const [grid, setGrid] = useState(emptyGrid);
  const [worker, setWorker] = useState(emptyWorker);
  /** On-duty changes shown at once, until the gateway's list has them (or refused them). */
  const [duty, setDuty] = useState<Record<string, boolean>>({});
  const toggle = (id: string, onDuty: boolean) => {
    setDuty({ ...duty, [id]: onDuty });
    void setOnDuty(id, onDuty).then(
      () => (setError(null), list.reload()),
      (err: Error) => (setError(err.message), setDuty((d) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== id)))),
    );
  };
  useEffect(() => setDuty({}), [list.data]);
  const admin = user.value?.role === 'admin';
  const run = (fn: () => Promise<unknown>, after?: () => void) =>
    void fn().then(
      () => (setError(null), after?.(), list.reload(), options.reload()),
      (err: Error) => setError(err.message),
    );
  const grids = list.data?.grids ?? [];
  const gridName = (id: string) => grids.find((g) => g.id === id)?.name ?? id;
  const devices = options.data?.devices ?? [];
  const names = (ids: string[], name: (id: string) => string) => ids.map(name).join(t('dir.listSep'));
  const addGrid = (e: Event) => {
    e.preventDefault();
    const body = { id: newId('grid'), name: grid.name, buildings: splitList(grid.buildings), supervisor: grid.supervisor, cameras: grid.cameras, gates: grid.gates, devices: grid.devices, ...(grid.supervisorUser ? { supervisorUser: grid.supervisorUser } : {}) };
    run(() => api('/api/grids', { method: 'POST', body }), () => setGrid(emptyGrid));
  };
  const addWorker = (e: Event) => {
    e.preventDefault();
    const body = { id: newId('worker'), name: worker.name, grid: worker.grid, onDuty: worker.onDuty, ...(worker.phone ? { phone: worker.phone } : {}), ...(worker.user ? { user: worker.user } : {}) };
    run(() => api('/api/grid-workers', { method: 'POST', body }), () => setWorker(emptyWorker));
  };
  return (
    <div class="grids-page">
      {(error ?? list.error) && (
        <p class="error" role="alert">
          {error ?? list.error}
        </p>
      )}
      <section class="card">
        <h2>{t('dir.grids')}</h2>
        {grids.length === 0 && <p class="muted">{t('dir.none')}</p>}
        <ul class="grid-list">
          {grids.map((g) => (
            <li key={g.id} class="grid-entry">
              <strong>{g.name}</strong> <FromConfig origin={g.origin} />
              <span class="muted"> · {t('dir.grid.supervisorShown', { name: g.supervisor })}</span>
              {g.buildings.length > 0 && <span class="muted"> · {t('dir.grid.buildingsShown', { list: g.buildings.join(t('dir.listSep')) })}</span>}
              {g.cameras.length > 0 && <span class="muted"> · {names(g.cameras, cameraName)}</span>}
              {g.gates.length + g.devices.length > 0 && <span class="muted"> · {names([...g.gates, ...g.devices], deviceName)}</span>}
              {admin && g.origin === 'page' && (
                <button type="button" onClick={() => run(() => api(`/api/grids/${encodeURIComponent(g.id)}`, { method: 'DELETE' }))}>
                  {t('dir.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section class="card">
        <h2>{t('dir.workers')}</h2>
        <table class="worker-list">
          <thead>
            <tr>
              <th>{t('dir.worker.name')}</th>
              <th>{t('dir.worker.phone')}</th>
              <th>{t('dir.worker.grid')}</th>
              <th>{t('dir.worker.onDuty')}</th>
              <th>{t('dir.worker.open')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(list.data?.workers ?? []).map((w) => (
              <tr key={w.id} class="worker-entry">
                <td>
                  {w.name} <FromConfig origin={w.origin} />
                </td>
                <td>{w.phone ?? ''}</td>
                <td>{gridName(w.grid)}</td>
                <td>
                  <label class="check">
                    <input type="checkbox" class="on-duty" aria-label={`${t('dir.worker.onDuty')} ${w.name}`} checked={duty[w.id] ?? w.onDuty} disabled={!canControl()} onChange={(e) => toggle(w.id, (e.target as HTMLInputElement).checked)} /> {t('dir.worker.onDuty')}
                  </label>
                </td>
                <td>{w.open}</td>
                <td>
                  {admin && w.origin === 'page' && (
                    <button type="button" onClick={() => run(() => api(`/api/grid-workers/${encodeURIComponent(w.id)}`, { method: 'DELETE' }))}>
                      {t('dir.remove')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {admin && (
        <form class="card add-worker" onSubmit={addWorker}>
          <h2>{t('dir.worker.add')}</h2>
          <label>
            {t('dir.worker.name')} <input name="worker-name" required maxLength={64} value={worker.name} onInput={(e) => setWorker({ ...worker, name: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            {t('dir.worker.phone')} <input name="worker-phone" maxLength={32} value={worker.phone} onInput={(e) => setWorker({ ...worker, phone: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            {t('dir.worker.grid')}{' '}
            <select name="worker-grid" required value={worker.grid} onChange={(e) => setWorker({ ...worker, grid: (e.target as HTMLSelectElement).value })}>
              <option value="">{t('dir.worker.chooseGrid')}</option>
              {grids.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('dir.worker.user')} <input name="worker-user" maxLength={64} value={worker.user} onInput={(e) => setWorker({ ...worker, user: (e.target as HTMLInputElement).value })} />
          </label>
          <label class="check">
            <input type="checkbox" checked={worker.onDuty} onChange={(e) => setWorker({ ...worker, onDuty: (e.target as HTMLInputElement).checked })} /> {t('dir.worker.onDuty')}
          </label>
          <button type="submit" class="primary">
            {t('dir.worker.add')}
          </button>
        </form>
      )}
      {admin && (
        <form class="card add-grid" onSubmit={addGrid}>
          <h2>{t('dir.grid.add')}</h2>
          <label>
            {t('dir.grid.name')} <input name="grid-name" required maxLength={64} value={grid.name} onInput={(e) => setGrid({ ...grid, name: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            {t('dir.grid.buildings')} <input name="grid-buildings" value={grid.buildings} onInput={(e) => setGrid({ ...grid, buildings: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            {t('dir.grid.supervisor')} <input name="grid-supervisor" required maxLength={64} value={grid.supervisor} onInput={(e) => setGrid({ ...grid, supervisor: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            {t('dir.grid.supervisorUser')} <input name="grid-supervisor-user" maxLength={64} value={grid.supervisorUser} onInput={(e) => setGrid({ ...grid, supervisorUser: (e.target as HTMLInputElement).value })} />
          </label>
          <NamePicker legend={t('dir.grid.cameras')} options={cameras.value.map((c) => ({ id: c.id, name: c.name || c.id }))} value={grid.cameras} onChange={(ids) => setGrid({ ...grid, cameras: ids })} />
          <NamePicker legend={t('dir.grid.gates')} options={devices.filter((d) => d.kind === 'barriers')} value={grid.gates} onChange={(ids) => setGrid({ ...grid, gates: ids })} />
          <NamePicker legend={t('dir.grid.devices')} options={devices.filter((d) => d.kind !== 'barriers')} value={grid.devices} onChange={(ids) => setGrid({ ...grid, devices: ids })} />
          <button type="submit" class="primary">
            {t('dir.grid.add')}
          </button>
        </form>
      )}
    </div>
  );
}
