import { t } from '../../i18n/index.js';
import type { FlowStats } from '../../lib/access.js';

const HOUR_MS = 3_600_000;
const W = 480;
const H = 160;
const PAD = 20;

/** Sums every gate's in/out per hour of the community's day (0-23, in the gateway's UTC offset). */
export function hourlyTotals(stats: FlowStats): Array<{ hour: number; in: number; out: number }> {
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, in: 0, out: 0 }));
  for (const b of stats.buckets) {
    const local = Date.parse(b.start) + stats.utcOffsetMinutes * 60_000;
    const hour = Math.floor((local % (24 * HOUR_MS)) / HOUR_MS);
    const slot = hours[(hour + 24) % 24]!;
    slot.in += b.in;
    slot.out += b.out;
  }
  return hours;
}

/** In/out per hour for today as a small SVG bar chart (no chart library). */
export function FlowChart({ stats }: { stats: FlowStats | null }) {
  const hours = stats ? hourlyTotals(stats) : [];
  const max = Math.max(1, ...hours.map((h) => Math.max(h.in, h.out)));
  const slot = (W - PAD) / 24;
  const bar = slot / 2 - 1;
  const height = (n: number) => ((H - PAD) * n) / max;
  const summary = stats ? t('gates.chartSummary', { in: stats.totals.in, out: stats.totals.out, denied: stats.totals.denied }) : t('app.loading');
  return (
    <section class="card flow" aria-labelledby="flow-title">
      <h2 id="flow-title">{t('gates.flow')}</h2>
      <p class="muted">{summary}</p>
      <svg viewBox={`0 0 ${W} ${H}`} class="flow-chart" role="img" aria-label={`${t('gates.flow')}: ${summary}`}>
        {hours.map((h) => (
          <g key={h.hour}>
            <rect class="bar-in" x={PAD + h.hour * slot} y={H - PAD - height(h.in)} width={bar} height={height(h.in)}>
              <title>{t('gates.barIn', { hour: h.hour, n: h.in })}</title>
            </rect>
            <rect class="bar-out" x={PAD + h.hour * slot + bar + 1} y={H - PAD - height(h.out)} width={bar} height={height(h.out)}>
              <title>{t('gates.barOut', { hour: h.hour, n: h.out })}</title>
            </rect>
            {h.hour % 3 === 0 && (
              <text x={PAD + h.hour * slot} y={H - 5} class="axis">
                {h.hour}
              </text>
            )}
          </g>
        ))}
        <text x={0} y={12} class="axis">
          {max}
        </text>
        <line x1={PAD} x2={W} y1={H - PAD} y2={H - PAD} class="axis-line" />
      </svg>
      <p class="legend">
        <span class="key in" /> {t('gates.dir.in')} <span class="key out" /> {t('gates.dir.out')}
      </p>
    </section>
  );
}
