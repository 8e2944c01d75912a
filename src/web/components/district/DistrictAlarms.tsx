import { lookup, t, type MessageKey } from '../../i18n/index.js';
import type { DistrictAlarm, DistrictGridStats, DistrictSite, DistrictWorkOrder } from '../../lib/district.js';
import { formatDate, formatHourMinute } from '../../lib/time.js';

const when = (iso: string | null) => (iso ? `${formatDate(iso).slice(5)} ${formatHourMinute(iso)}` : t('district.never'));
/** A word from the alarms feature's catalog (status, source), else the value as sent. */
const word = (prefix: string, value: string) => lookup(`${prefix}.${value}`) ?? value;
const pct = (v: number | null) => (v === null ? t('district.never') : `${v} %`);

/** Alarms and work orders across the communities, with the 52022 figures per community and grid. */
export function DistrictAlarms({ alarms, orders, stats, sites }: { alarms: readonly DistrictAlarm[]; orders: readonly DistrictWorkOrder[]; stats: readonly DistrictGridStats[]; sites: readonly DistrictSite[] }) {
  const name = (id: string) => sites.find((s) => s.id === id)?.name ?? id;
  return (
    <>
      <section class="card" aria-labelledby="district-alarms">
        <h2 id="district-alarms">{t('district.alarms')}</h2>
        {!alarms.length ? (
          <p>{t('district.noAlarms')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('district.time')}</th>
                <th>{t('district.site')}</th>
                <th>{t('district.alarm.source')}</th>
                <th>{t('district.alarm.severity')}</th>
                <th>{t('district.alarm.where')}</th>
                <th>{t('district.state')}</th>
              </tr>
            </thead>
            <tbody>
              {alarms.map((a) => (
                <tr key={`${a.site}/${a.id}`} data-alarm={`${a.site}/${a.id}`}>
                  <td>{when(a.occurredAt)}</td>
                  <td>{name(a.site)}</td>
                  <td>{word('alarms.source', a.source)}{a.groupCount > 1 ? ` ×${a.groupCount}` : ''}</td>
                  <td>{t(`district.severity.${a.severity}` as MessageKey)}</td>
                  <td>{a.location ?? a.device ?? ''}</td>
                  <td>{word('alarms.status', a.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="district-orders">
        <h2 id="district-orders">{t('district.workOrders')}</h2>
        {!orders.length ? (
          <p>{t('district.noWorkOrders')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('district.time')}</th>
                <th>{t('district.site')}</th>
                <th>{t('district.wo.title')}</th>
                <th>{t('district.grid')}</th>
                <th>{t('district.wo.worker')}</th>
                <th>{t('district.state')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={`${o.site}/${o.id}`} data-order={`${o.site}/${o.id}`}>
                  <td>{when(o.createdAt)}</td>
                  <td>{name(o.site)}</td>
                  <td>{o.title}</td>
                  <td>{o.gridName ?? o.grid ?? ''}</td>
                  <td>{o.worker ?? ''}</td>
                  <td>{word('wo.status', o.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="district-stats">
        <h2 id="district-stats">{t('district.stats')}</h2>
        <table>
          <thead>
            <tr>
              <th>{t('district.site')}</th>
              <th>{t('district.grid')}</th>
              <th>{t('district.stats.orders')}</th>
              <th>{t('district.stats.medianToSite')}</th>
              <th>{t('district.stats.onSite')}</th>
              <th>{t('district.stats.smallFix')}</th>
              <th>{t('district.stats.complexPlan')}</th>
            </tr>
          </thead>
          <tbody>
            {stats.map((g) => (
              <tr key={`${g.site}/${g.grid ?? ''}`} data-grid={`${g.site}/${g.grid ?? ''}`}>
                <td>{name(g.site)}</td>
                <td>{g.gridName ?? g.grid ?? t('district.noGrid')}</td>
                <td>{g.orders}</td>
                <td>{g.medianToSiteS === null ? t('district.never') : t('district.seconds', { s: g.medianToSiteS })}</td>
                <td>{pct(g.onSitePct)}</td>
                <td>{pct(g.smallFixPct)}</td>
                <td>{pct(g.complexPlanPct)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
