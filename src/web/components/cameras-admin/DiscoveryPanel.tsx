import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import type { DiscoveredCamera } from '../../lib/cameras-admin.js';
import { onFeed } from '../../lib/feed.js';

const DURATION_MS = 3000;

/** WS-Discovery from the page: progress while it runs, then the cameras found; "add" fills the form. */
export function DiscoveryPanel({ onPick, added }: { onPick: (camera: DiscoveredCamera) => void; added: ReadonlyArray<{ id: string; host: string; port: number }> }) {
  const addedAs = (c: DiscoveredCamera) => c.addedAs ?? added.find((a) => a.host === c.host && a.port === c.port)?.id ?? null;
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<{ elapsedMs: number; durationMs: number; found: number } | null>(null);
  const [found, setFound] = useState<DiscoveredCamera[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(
    () =>
      onFeed('cameras/discovery', (m) => {
        const p = m.payload as { state: string; elapsedMs: number; durationMs: number; found: number };
        setProgress({ elapsedMs: p.elapsedMs, durationMs: p.durationMs, found: p.found });
      }),
    [],
  );
  const search = async () => {
    setRunning(true);
    setError(null);
    setFound(null);
    setProgress({ elapsedMs: 0, durationMs: DURATION_MS, found: 0 });
    try {
      const answer = await api<{ cameras: DiscoveredCamera[] }>('/api/cameras/discover', { method: 'POST', body: { durationMs: DURATION_MS } });
      setFound(answer.cameras);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setRunning(false);
    }
  };
  return (
    <section class="card discovery" aria-labelledby="discovery-title">
      <h3 id="discovery-title">{t('camadmin.discovery')}</h3>
      <button type="button" onClick={search} disabled={running}>
        {running ? t('camadmin.searching') : t('camadmin.search')}
      </button>
      {running && progress && (
        <p role="status">
          <progress max={progress.durationMs} value={progress.elapsedMs} /> {t('camadmin.foundSoFar', { n: progress.found })}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {found && found.length === 0 && <p class="muted">{t('camadmin.noneFound')}</p>}
      {found && found.length > 0 && (
        <ul class="found">
          {found.map((c) => (
            <li key={c.endpoint} data-found={`${c.host}:${c.port}`}>
              <strong>{c.name ?? t('camadmin.unnamed')}</strong> <span class="muted">{[c.hardware, c.location, `${c.host}:${c.port}`].filter(Boolean).join(' · ')}</span>{' '}
              {addedAs(c) ? (
                <span class="muted">{t('camadmin.alreadyAdded', { id: addedAs(c)! })}</span>
              ) : (
                <button type="button" onClick={() => onPick(c)}>
                  {t('camadmin.addThis')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
