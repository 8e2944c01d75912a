import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { onFeed } from '../../lib/feed.js';
import { useApi } from '../../lib/use-api.js';

export interface WorkOrderRow {
  id: number;
  title: string;
  location: string | null;
  status: string;
  grid: string | null;
  worker: string | null;
  breaches: string[];
  due: Partial<Record<'on-site' | 'small-fix' | 'complex-plan', number>>;
}

interface StatLine {
  key: string;
  name: string;
  orders: number;
  medianToSiteS: number | null;
  onSitePct: number | null;
  smallFixPct: number | null;
  complexPlanPct: number | null;
}

function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** Live countdowns of an order's running deadlines (the gateway's clock offset taken into account). */
export function Countdowns({ order, offsetMs }: { order: WorkOrderRow; offsetMs: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span class="countdowns">
      {(Object.entries(order.due) as Array<[string, number]>).map(([d, due]) => {
        const left = due - (now + offsetMs);
        return (
          <span key={d} class={left < 0 ? 'overdue' : 'due'} data-deadline={d}>
            {t(`wo.due.${d}` as MessageKey)} {left < 0 ? t('wo.overdue', { time: span(left) }) : t('wo.left', { time: span(left) })}
          </span>
        );
      })}
    </span>
  );
}

/** The work-order board with countdowns, a resident request form and the red/black board. */
export function WorkOrderBoard() {
  const list = useApi<{ now: number; workOrders: WorkOrderRow[] }>('/api/work-orders');
  const stats = useApi<{ byWorker: StatLine[]; byGrid: StatLine[] }>('/api/work-orders/statistics');
  useEffect(() => onFeed('workorders/order/+', () => (list.reload(), stats.reload())), []);
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    if (list.data) setOffset(list.data.now - Date.now());
  }, [list.data]);
  const [form, setForm] = useState({ title: '', callerPhone: '', location: '' });
  const create = (e: Event) => {
    e.preventDefault();
    void api('/api/work-orders', { method: 'POST', body: { origin: 'resident', title: form.title, ...(form.callerPhone ? { callerPhone: form.callerPhone } : {}), ...(form.location ? { location: form.location } : {}) } }).then(
      () => (setForm({ title: '', callerPhone: '', location: '' }), list.reload()),
      (err: Error) => alert(err.message),
    );
  };
  const lines = stats.data?.byWorker ?? [];
  return (
    <div class="work-orders">
      <section class="card">
        <h2>{t('wo.board')}</h2>
        {list.error && <p class="error">{list.error}</p>}
        <ul class="wo-list">
          {(list.data?.workOrders ?? []).map((o) => (
            <li key={o.id} data-order={o.id} class={o.breaches.length ? 'breached' : ''}>
              <strong>#{o.id}</strong> {o.title} · {o.location ?? ''} · {t(`wo.status.${o.status}` as MessageKey)} · {o.worker ?? '—'} <Countdowns order={o} offsetMs={offset} />
            </li>
          ))}
        </ul>
      </section>
      <form class="card" onSubmit={create}>
        <h2>{t('wo.new')}</h2>
        <label>
          {t('wo.title')} <input required maxLength={128} value={form.title} onInput={(e) => setForm({ ...form, title: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          {t('wo.phone')} <input value={form.callerPhone} onInput={(e) => setForm({ ...form, callerPhone: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          {t('wo.location')} <input value={form.location} onInput={(e) => setForm({ ...form, location: (e.target as HTMLInputElement).value })} />
        </label>
        <button type="submit" class="primary">
          {t('wo.create')}
        </button>
      </form>
      <section class="card">
        <h2>
          {t('wo.board.red')} / {t('wo.board.black')}
        </h2>
        <table>
          <thead>
            <tr>
              <th>{t('wo.worker')}</th>
              <th>{t('wo.stats.median')}</th>
              <th>{t('wo.stats.onSite')}</th>
              <th>{t('wo.stats.smallFix')}</th>
              <th>{t('wo.stats.complexPlan')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={l.key} class={i < Math.ceil(lines.length / 2) ? 'red-board' : 'black-board'}>
                <td>{l.name}</td>
                <td>{l.medianToSiteS ?? '—'} s</td>
                <td>{l.onSitePct ?? '—'} %</td>
                <td>{l.smallFixPct ?? '—'} %</td>
                <td>{l.complexPlanPct ?? '—'} %</td>
              </tr>
            ))}
          </tbody>
        </table>
        <a href="/api/work-orders/statistics?format=csv" download>
          {t('wo.stats.csv')}
        </a>
      </section>
    </div>
  );
}
