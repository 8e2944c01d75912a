import { t, type MessageKey } from '../../i18n/index.js';
import type { DistrictSite } from '../../lib/district.js';
import { formatDateTime } from '../../lib/time.js';

const time = (iso: string | null) => (iso ? formatDateTime(iso) : t('district.never'));

/** Every community with its state, last contact and today's entries. */
export function DistrictSites({ sites }: { sites: readonly DistrictSite[] }) {
  return (
    <section class="card" aria-labelledby="district-sites">
      <h2 id="district-sites">{t('district.sites')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('district.site')}</th>
            <th>{t('district.state')}</th>
            <th>{t('district.lastContact')}</th>
            <th>{t('district.entriesToday')}</th>
            <th>{t('district.devicesOffline')}</th>
          </tr>
        </thead>
        <tbody>
          {sites.map((s) => (
            <tr key={s.id} data-site={s.id}>
              <td>{s.name}</td>
              <td class={`state-${s.state}`}>{s.state === 'offline' && s.lastContactAt ? t('district.state.down', { since: time(s.lastContactAt) }) : t(`district.state.${s.state}` as MessageKey)}</td>
              <td>{time(s.lastContactAt)}</td>
              <td>{s.entriesToday}</td>
              <td>{s.devicesOffline}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
