import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { districtApi, type DistrictSite, type PlateEntry } from '../../lib/district.js';
import { formatDateTime } from '../../lib/time.js';

/** One plate's passages across every community. */
export function PlateSearch({ sites }: { sites: readonly DistrictSite[] }) {
  const [plate, setPlate] = useState('');
  const [entries, setEntries] = useState<PlateEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const name = (id: string) => sites.find((s) => s.id === id)?.name ?? id;
  const search = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setEntries((await districtApi<{ entries: PlateEntry[] }>(`/entries?plate=${encodeURIComponent(plate.trim())}`)).entries);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section class="card" aria-labelledby="district-search">
      <h2 id="district-search">{t('district.search')}</h2>
      <form onSubmit={search}>
        <label>
          {t('district.plate')} <input value={plate} onInput={(e) => setPlate((e.target as HTMLInputElement).value)} maxLength={32} required />
        </label>
        <button type="submit">{t('district.find')}</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {entries && entries.length === 0 && <p>{t('district.noEntries')}</p>}
      {entries && entries.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('district.time')}</th>
              <th>{t('district.site')}</th>
              <th>{t('district.gate')}</th>
              <th>{t('district.direction')}</th>
              <th>{t('district.result')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.site}/${e.eventId}`}>
                <td>{formatDateTime(e.occurredAt)}</td>
                <td>{name(e.site)}</td>
                <td>{e.gate}</td>
                <td>{e.direction === 'in' ? t('district.in') : t('district.out')}</td>
                <td>{e.result === 'granted' ? t('district.granted') : t('district.refused')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
