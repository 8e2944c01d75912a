import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { onFeed } from '../../lib/feed.js';
import { user } from '../../lib/session.js';
import { useApi } from '../../lib/use-api.js';
import { Countdowns, type WorkOrderRow } from './WorkOrderBoard.js';

function readPhoto(file: File): Promise<{ contentType: string; base64: string }> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({ contentType: file.type, base64: String(reader.result).split(',')[1] ?? '' });
    reader.onerror = () => reject(reader.error ?? new Error(t('wo.photoUnreadable')));
    reader.readAsDataURL(file);
  });
}

/** The grid worker's phone: my orders, accept / on site / resolve with a note and a photo. */
export function WorkerOrders() {
  const grids = useApi<{ workers: Array<{ id: string; user?: string }> }>('/api/grids');
  const me = grids.data?.workers.find((w) => w.user === user.value?.name || w.id === user.value?.name);
  const list = useApi<{ now: number; workOrders: WorkOrderRow[] }>(me ? `/api/work-orders?worker=${encodeURIComponent(me.id)}` : null);
  useEffect(() => onFeed('workorders/order/+', () => list.reload()), [me?.id]);
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const step = (id: number, what: string, body: unknown = {}) => void api(`/api/work-orders/${id}/${what}`, { method: 'POST', body }).then(list.reload, (err: Error) => alert(err.message));
  const open = (list.data?.workOrders ?? []).filter((o) => ['assigned', 'accepted', 'on-site'].includes(o.status));
  const offset = list.data ? list.data.now - Date.now() : 0;
  return (
    <section class="worker-orders">
      <h2>{t('wo.mine')}</h2>
      {open.length === 0 && <p class="muted">{t('wo.noneMine')}</p>}
      {open.map((o) => (
        <article key={o.id} class="card" data-order={o.id}>
          <h3>
            #{o.id} {o.title}
          </h3>
          <p>
            {o.location ?? ''} · {t(`wo.status.${o.status}` as MessageKey)} <Countdowns order={o} offsetMs={offset} />
          </p>
          {o.status === 'assigned' && (
            <button type="button" class="primary" onClick={() => step(o.id, 'accept')}>
              {t('wo.accept')}
            </button>
          )}
          {o.status !== 'on-site' && (
            <button type="button" onClick={() => step(o.id, 'on-site')}>
              {t('wo.arrive')}
            </button>
          )}
          <label>
            {t('wo.note')} <textarea value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
          </label>
          <label>
            {t('wo.photo')} <input type="file" accept="image/jpeg,image/png" capture="environment" onChange={(e) => setPhoto((e.target as HTMLInputElement).files?.[0] ?? null)} />
          </label>
          <button type="button" disabled={!note.trim()} onClick={() => void (photo ? readPhoto(photo) : Promise.resolve(undefined)).then((p) => step(o.id, 'resolve', { note, ...(p ? { photo: p } : {}) }))}>
            {t('wo.resolve')}
          </button>
        </article>
      ))}
    </section>
  );
}
