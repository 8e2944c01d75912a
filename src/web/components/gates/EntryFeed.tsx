import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { entryQuery, matchesFilter, NO_FILTER, type EntryFilter, type StoredEntry } from '../../lib/access.js';
import { onFeed } from '../../lib/feed.js';
import { deviceName, laneName } from '../../lib/site.js';
import { formatTime as siteTime } from '../../lib/time.js';
import { entryReason } from '../../lib/words.js';
import { EntryFilters } from './EntryFilters.js';
import { PlayAtButton } from '../playback/PlayAtButton.js';

const PAGE = 100;
const KEEP = 300;

const newestFirst = (a: StoredEntry, b: StoredEntry) => b.occurredAt.localeCompare(a.occurredAt) || b.id - a.id;

/** Adds entries (by id, once), newest first, keeping the latest KEEP. */
function merge(current: StoredEntry[], incoming: StoredEntry[]): StoredEntry[] {
  const byId = new Map(current.map((e) => [e.id, e]));
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()].sort(newestFirst).slice(0, KEEP);
}

/** The time of day at the site (access.utcOffsetMinutes), whatever the browser's zone. */
export const formatTime = (iso: string) => siteTime(iso);

/** Live entry feed: the latest page from the API, then every committed entry from the feed as it comes. */
export function EntryFeed({ gates }: { gates: readonly string[] }) {
  const [filter, setFilter] = useState<EntryFilter>(NO_FILTER);
  const [entries, setEntries] = useState<StoredEntry[]>([]);
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const serverQuery = entryQuery(filter, PAGE);

  useEffect(() => {
    setEntries([]);
    const controller = new AbortController();
    api<{ entries: StoredEntry[] }>(`/api/access/entries?${serverQuery}`, { signal: controller.signal }).then(
      (page) => {
        setEntries((live) => merge(live, page.entries));
        setError(null);
      },
      (err: Error) => err.name !== 'AbortError' && setError(err.message),
    );
    return () => controller.abort();
  }, [serverQuery]);

  useEffect(
    () =>
      onFeed('access/entries/+', (message) => {
        const entry = message.payload as StoredEntry;
        setEntries((list) => merge(list, [entry]));
        setFresh((ids) => new Set([...ids, entry.id]));
        setTimeout(() => setFresh((ids) => new Set([...ids].filter((id) => id !== entry.id))), 3000);
      }),
    [],
  );

  const shown = entries.filter((e) => matchesFilter(e, filter));
  return (
    <section class="card gate-feed" aria-labelledby="feed-title">
      <h2 id="feed-title">{t('gates.feed')}</h2>
      <EntryFilters filter={filter} gates={gates} onChange={setFilter} />
      {error && (
        <p class="error" role="alert">
          {t('gates.loadFailed', { message: error })}
        </p>
      )}
      <div class="table-scroll" tabIndex={0} aria-label={t('gates.feed')}>
        <table class="entries">
          <thead>
            <tr>
              <th scope="col">{t('gates.col.time')}</th>
              <th scope="col">{t('gates.col.gate')}</th>
              <th scope="col">{t('gates.col.direction')}</th>
              <th scope="col">{t('gates.col.credential')}</th>
              <th scope="col">{t('gates.col.result')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.id} data-event-id={e.eventId} class={fresh.has(e.id) ? 'fresh' : ''}>
                <td>
                  {formatTime(e.occurredAt)} <PlayAtButton gate={e.gate} at={e.occurredAt} />
                </td>
                <td>
                  {deviceName(e.gate)}
                  {e.lane ? ` · ${laneName(e.gate, e.lane)}` : ''}
                </td>
                <td>{t(`gates.dir.${e.direction}`)}</td>
                <td>
                  <span class="muted">{t(`gates.cred.${e.credential.type}` as MessageKey)}</span> {e.credential.value}
                </td>
                <td class={e.result === 'denied' ? 'error' : 'ok'}>
                  {t(`gates.result.${e.result}`)}
                  {e.reason ? ` · ${entryReason(e.reason)}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && <p class="muted">{t('gates.noEntries')}</p>}
      </div>
    </section>
  );
}
