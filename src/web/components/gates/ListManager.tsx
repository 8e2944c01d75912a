import { deviceName } from '../../lib/site.js';
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import type { ListItem, SyncStatus } from '../../lib/access.js';
import { onFeed } from '../../lib/feed.js';
import { canControl } from '../../lib/session.js';
import { useApi } from '../../lib/use-api.js';
import { ListItemForm } from './ListItemForm.js';

/** Allow/deny lists: the items (filtered), add, move to the other list, remove; sync per barrier. */
export function ListManager() {
  const lists = useApi<{ version: number; items: ListItem[] }>('/api/access/lists');
  const sync = useApi<{ version: number; barriers: SyncStatus[] }>('/api/access/lists/sync');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const control = canControl();
  // A barrier reporting the version it applied changes the sync status.
  useEffect(() => onFeed('barriers/+/lists/applied', () => sync.reload()), []);
  // The barriers get the lists a moment after a change; look again until every one has them.
  const pending = sync.data?.barriers.some((b) => b.status === 'pending') ?? false;
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(sync.reload, 2000);
    return () => clearTimeout(timer);
  }, [pending, sync.data]);

  const changed = () => {
    setError(null);
    lists.reload();
    sync.reload();
  };
  const run = (promise: Promise<unknown>) => promise.then(changed, (err: Error) => setError(err.message));
  const needle = text.trim().toUpperCase();
  const items = (lists.data?.items ?? []).filter((i) => !needle || i.value.toUpperCase().includes(needle) || (i.note ?? '').toUpperCase().includes(needle));

  return (
    <section class="card lists" aria-labelledby="lists-title">
      <h2 id="lists-title">{t('gates.lists.title')}</h2>
      <p class="sync" aria-label={t('gates.lists.sync')}>
        {t('gates.lists.version', { version: lists.data?.version ?? '…' })}{' '}
        {(sync.data?.barriers ?? []).map((b) => (
          <span key={b.gate} class={`sync-${b.status}`} data-sync={b.gate}>
            {deviceName(b.gate)}: {t(`gates.sync.${b.status}` as MessageKey)}
          </span>
        ))}
      </p>
      {control && <ListItemForm onAdded={changed} onError={setError} />}
      {(error ?? lists.error) && (
        <p class="error" role="alert">
          {error ?? lists.error}
        </p>
      )}
      <label>
        {t('gates.lists.search')}
        <input type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <div class="table-scroll">
        <table class="list-items">
          <thead>
            <tr>
              <th scope="col">{t('gates.lists.list')}</th>
              <th scope="col">{t('gates.filter.credential')}</th>
              <th scope="col">{t('gates.lists.value')}</th>
              <th scope="col">{t('gates.lists.note')}</th>
              {control && <th scope="col">{t('gates.lists.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const other = item.list === 'allow' ? 'deny' : 'allow';
              return (
                <tr key={item.id} data-item={item.value}>
                  <td class={item.list === 'deny' ? 'error' : 'ok'}>{t(`gates.lists.${item.list}`)}</td>
                  <td>{t(`gates.cred.${item.type}` as MessageKey)}</td>
                  <td>{item.value}</td>
                  <td>{item.note}</td>
                  {control && (
                    <td class="row-actions">
                      <button type="button" onClick={() => run(api(`/api/access/lists/items/${item.id}`, { method: 'PATCH', body: { list: other } }))} aria-label={t('gates.lists.moveTo', { value: item.value, list: t(`gates.lists.${other}`) })}>
                        {t('gates.lists.move', { list: t(`gates.lists.${other}`) })}
                      </button>
                      <button
                        type="button"
                        class="danger"
                        aria-label={t('gates.lists.removeItem', { value: item.value })}
                        onClick={() => confirm(t('gates.lists.confirmRemove', { value: item.value })) && run(api(`/api/access/lists/items/${item.id}`, { method: 'DELETE' }))}
                      >
                        {t('gates.lists.remove')}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
        {lists.data && items.length === 0 && <p class="muted">{t('gates.lists.empty')}</p>}
      </div>
    </section>
  );
}
