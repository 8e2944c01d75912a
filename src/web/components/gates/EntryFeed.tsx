import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { csvUrl, entryQuery, matchesFilter, NO_FILTER, type EntryFilter, type StoredEntry } from '../../lib/access.js';
import { onFeed } from '../../lib/feed.js';
import { deviceName, laneName } from '../../lib/site.js';
import { formatDateTime, formatTime as siteTime } from '../../lib/time.js';
import { entryReason } from '../../lib/words.js';
import { EntryFilters } from './EntryFilters.js';
import { EntrySnapshot } from './EntrySnapshot.js';
import { PlayAtButton } from '../playback/PlayAtButton.js';
import { useVisitorTags } from '../visitors/visitor-tags.js';

const PAGE = 100;
/** Entries held in the page at most (live ones and the pages loaded with "older"). */
const KEEP = 5000;

const newestFirst = (a: StoredEntry, b: StoredEntry) => b.occurredAt.localeCompare(a.occurredAt) || b.id - a.id;

/** Adds entries (by id, once), newest first, keeping the latest KEEP. */
function merge(current: StoredEntry[], incoming: StoredEntry[]): StoredEntry[] {
  const byId = new Map(current.map((e) => [e.id, e]));
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()].sort(newestFirst).slice(0, KEEP);
}

/** The time of day at the site (access.utcOffsetMinutes), whatever the browser's zone. */
export const formatTime = (iso: string) => siteTime(iso);

/**
 * Entry records: the first page from the API for the filter (gate, direction, credential, result,
 * plate text, a date and time range in site time), older pages on demand, every new entry from the
 * feed as it comes; the CSV button exports exactly the filter.
 */
export function EntryFeed({ gates, utcOffsetMinutes }: { gates: readonly string[]; utcOffsetMinutes: number }) {
  const [filter, setFilter] = useState<EntryFilter>(NO_FILTER);
  const [entries, setEntries] = useState<StoredEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const serverQuery = entryQuery(filter, PAGE, utcOffsetMinutes);

  useEffect(() => {
    setEntries([]);
    setCursor(null);
    const controller = new AbortController();
    api<{ entries: StoredEntry[]; nextCursor: string | null }>(`/api/access/entries?${serverQuery}`, { signal: controller.signal }).then(
      (page) => {
        setEntries((live) => merge(live, page.entries));
        setCursor(page.nextCursor);
        setError(null);
      },
      (err: Error) => err.name !== 'AbortError' && setError(err.message),
    );
    return () => controller.abort();
  }, [serverQuery]);

  const older = () => {
    if (!cursor || loading) return;
    setLoading(true);
    api<{ entries: StoredEntry[]; nextCursor: string | null }>(`/api/access/entries?${entryQuery(filter, PAGE, utcOffsetMinutes, cursor)}`).then(
      (page) => {
        setEntries((list) => merge(list, page.entries));
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (err: Error) => {
        setError(err.message);
        setLoading(false);
      },
    );
  };

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

  const shown = entries.filter((e) => matchesFilter(e, filter, utcOffsetMinutes));
  const visitors = useVisitorTags(entries);
  return (
    <section class="card gate-feed" aria-labelledby="feed-title">
      <h2 id="feed-title">{t('gates.feed')}</h2>
      <EntryFilters filter={filter} gates={gates} onChange={setFilter} />
      <p class="feed-actions">
        <a class="button" href={csvUrl(filter, utcOffsetMinutes)} download data-export="csv">
          {t('gates.exportCsv')}
        </a>
        <span class="muted" data-shown={shown.length}>
          {t('gates.shownCount', { n: shown.length })}
        </span>
      </p>
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
              <th scope="col">{t('gates.col.snapshot')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.id} data-event-id={e.eventId} class={fresh.has(e.id) ? 'fresh' : ''}>
                <td class="time">
                  {formatDateTime(e.occurredAt, utcOffsetMinutes)} <PlayAtButton gate={e.gate} at={e.occurredAt} />
                </td>
                <td>
                  {deviceName(e.gate)}
                  {e.lane ? ` · ${laneName(e.gate, e.lane)}` : ''}
                </td>
                <td>{t(`gates.dir.${e.direction}`)}</td>
                <td>
                  <span class="muted">{t(`gates.cred.${e.credential.type}` as MessageKey)}</span> {visitors.has(e.id) ? <span class="credential visitor-tag" title={e.credential.value}>{t('visitors.tag', { name: visitors.get(e.id)! })}</span> : <span class="credential">{e.credential.value}</span>}
                  {e.credentialRaw && e.credentialRaw !== e.credential.value && <span class="muted raw" title={t('gates.rawValue')}> ({e.credentialRaw})</span>}
                </td>
                <td class={e.result === 'denied' ? 'error' : 'ok'}>
                  {t(`gates.result.${e.result}`)}
                  {e.reason ? ` · ${entryReason(e.reason)}` : ''}
                </td>
                <td>
                  <EntrySnapshot entry={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && <p class="muted">{t('gates.noEntries')}</p>}
      </div>
      {cursor && (
        <button type="button" class="older" onClick={older} disabled={loading}>
          {loading ? t('app.loading') : t('gates.older')}
        </button>
      )}
    </section>
  );
}
