import { t } from '../../i18n/index.js';
import type { DistrictSite, FlowBucket } from '../../lib/district.js';
import { formatDate, formatHourMinute } from '../../lib/time.js';

/** Entries per community and hour: in / out / refused. */
export function DistrictFlow({ buckets, sites }: { buckets: readonly FlowBucket[]; sites: readonly DistrictSite[] }) {
  const name = (id: string) => sites.find((s) => s.id === id)?.name ?? id;
  return (
    <section class="card" aria-labelledby="district-flow">
      <h2 id="district-flow">{t('district.flow')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('district.hour')}</th>
            <th>{t('district.site')}</th>
            <th>{t('district.in')}</th>
            <th>{t('district.out')}</th>
            <th>{t('district.denied')}</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={`${b.site}/${b.hour}`}>
              <td>{`${formatDate(b.hour).slice(5)} ${formatHourMinute(b.hour)}`}</td>
              <td>{name(b.site)}</td>
              <td>{b.in}</td>
              <td>{b.out}</td>
              <td>{b.denied}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
