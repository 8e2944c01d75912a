import { t } from '../../i18n/index.js';
import { deviceName } from '../../lib/site.js';
import { formatTime } from './EntryFeed.js';

export interface Inside {
  count: number;
  vehicles: Array<{ plate: string; gate: string; since: string }>;
}

const SHOWN = 50;

/** Plates whose last granted passage was inward. */
export function VehiclesInside({ inside }: { inside: Inside | null }) {
  return (
    <section class="card inside" aria-labelledby="inside-title">
      <h2 id="inside-title">
        {t('gates.inside')} <span class="count">{inside?.count ?? '…'}</span>
      </h2>
      <ul class="plates">
        {(inside?.vehicles ?? []).slice(0, SHOWN).map((v) => (
          <li key={v.plate} title={t('gates.insideSince', { gate: deviceName(v.gate), time: formatTime(v.since) })}>
            {v.plate} <span class="muted">{formatTime(v.since)}</span>
          </li>
        ))}
      </ul>
      {inside && inside.count > SHOWN && <p class="muted">{t('gates.insideMore', { n: inside.count - SHOWN })}</p>}
    </section>
  );
}
