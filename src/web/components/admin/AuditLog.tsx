import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { auditActionName } from '../../lib/audit-actions.js';
import { formatDateTime, parseSiteLocal } from '../../lib/time.js';
import { useApi } from '../../lib/use-api.js';

interface AuditEntry {
  id: number;
  at: string;
  user: string;
  role: string;
  action: string;
  target: string | null;
  remote: string | null;
  outcome: string;
}

const AREAS = ['all', 'auth', 'camera', 'barrier', 'access', 'broadcast'] as const;
const OUTCOMES = ['all', 'ok', 'failed', 'refused', 'pending'] as const;
const PAGE = 100;

interface Filters {
  area: (typeof AREAS)[number];
  user: string;
  outcome: (typeof OUTCOMES)[number];
  /** Site-local date-times from the inputs (YYYY-MM-DDTHH:MM). */
  from: string;
  to: string;
}

/** The query string of the filters: an area is an action prefix; dates are the site's local time. */
function query(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.area !== 'all') q.set('action', `${f.area}.`);
  if (f.user.trim()) q.set('user', f.user.trim());
  if (f.outcome !== 'all') q.set('outcome', f.outcome);
  const from = f.from ? parseSiteLocal(f.from) : null;
  const to = f.to ? parseSiteLocal(f.to) : null;
  if (from) q.set('from', from.toISOString());
  if (to) q.set('to', to.toISOString());
  return q;
}

/** The audit log with filters, paging backwards, and a CSV export of the same filters (times in the site's zone). */
export function AuditLog() {
  const [filters, setFilters] = useState<Filters>({ area: 'all', user: '', outcome: 'all', from: '', to: '' });
  // What is typed in the user field, kept across renders (a list refresh while typing would
  // otherwise put the field back to the applied filter); applied on change (Enter, Tab, leaving it).
  const [userDraft, setUserDraft] = useState('');
  const q = query(filters);
  const first = useApi<{ entries: AuditEntry[] }>(`/api/audit?limit=${PAGE}&${q}`);
  const [older, setOlder] = useState<{ key: string; entries: AuditEntry[] }>({ key: '', entries: [] });
  const key = q.toString();
  const extra = older.key === key ? older.entries : [];
  const entries = [...(first.data?.entries ?? []), ...extra];
  const more = () => {
    const last = entries[entries.length - 1];
    if (!last) return;
    api<{ entries: AuditEntry[] }>(`/api/audit?limit=${PAGE}&before=${last.id}&${q}`).then((answer) => setOlder({ key, entries: [...extra, ...answer.entries] }), () => undefined);
  };
  // from the newest filters, not this render's: two changes before the next render (a name typed, then an outcome picked) both count
  const set = (change: Partial<Filters>) => setFilters((current) => ({ ...current, ...change }));
  return (
    <section class="card admin-audit" aria-labelledby="admin-audit-title">
      <h2 id="admin-audit-title">{t('admin.audit.title')}</h2>
      <div class="row filters">
        <label>
          {t('admin.audit.action')}
          <select value={filters.area} onChange={(e) => set({ area: e.currentTarget.value as Filters['area'] })}>
            {AREAS.map((a) => (
              <option key={a} value={a}>
                {t(`admin.audit.action.${a}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.audit.user')}
          <input value={userDraft} maxLength={64} onInput={(e) => setUserDraft(e.currentTarget.value)} onChange={(e) => set({ user: e.currentTarget.value })} />
        </label>
        <label>
          {t('admin.audit.outcome')}
          <select value={filters.outcome} onChange={(e) => set({ outcome: e.currentTarget.value as Filters['outcome'] })}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(`admin.audit.outcome.${o}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.audit.from')}
          <input type="datetime-local" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })} />
        </label>
        <label>
          {t('admin.audit.to')}
          <input type="datetime-local" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })} />
        </label>
        <a class="button" href={`/api/audit.csv?${q}`} download="audit.csv">
          {t('admin.audit.csv')}
        </a>
      </div>
      {first.error && (
        <p class="error" role="alert">
          {first.error}
        </p>
      )}
      {entries.length === 0 ? (
        <p class="muted">{t('admin.audit.none')}</p>
      ) : (
        <div class="table-scroll">
          <table class="audit-table">
            <thead>
              <tr>
                <th>{t('admin.audit.time')}</th>
                <th>{t('admin.audit.user')}</th>
                <th>{t('admin.audit.what')}</th>
                <th>{t('admin.audit.target')}</th>
                <th>{t('admin.audit.outcome')}</th>
                <th>{t('admin.audit.address')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <td class={e.user === 'anonymous' ? '' : 'raw'}>{e.user === 'anonymous' ? t('admin.audit.anonymous') : e.user}</td>
                  <td title={e.action}>{auditActionName(e.action)}</td>
                  <td class="raw">{e.target ?? ''}</td>
                  <td>{t(`admin.audit.outcome.${e.outcome}` as MessageKey)}</td>
                  <td class="raw">{e.remote ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {entries.length >= PAGE && entries.length % PAGE === 0 && (
        <button type="button" onClick={more}>
          {t('admin.audit.more')}
        </button>
      )}
    </section>
  );
}
