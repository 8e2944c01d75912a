import { useEffect } from 'preact/hooks';
import type { BarrierView, FlowStats } from '../../lib/access.js';
import { onFeed } from '../../lib/feed.js';
import { useApi, useCoalesced } from '../../lib/use-api.js';
import { siteMidnight } from '../../lib/time.js';
import { BarrierControls } from './BarrierControls.js';
import { EntryFeed } from './EntryFeed.js';
import { FlowChart } from './FlowChart.js';
import { ListManager } from './ListManager.js';
import { VehiclesInside, type Inside } from './VehiclesInside.js';

/** Midnight at the site (access.utcOffsetMinutes), so the chart's day is the table's day in any browser zone. */
function todayStart(): string {
  return siteMidnight().toISOString();
}

/** The gates tab: barriers with remote commands, the live entry feed, today's flow, vehicles inside, lists. */
export function GatesPanel() {
  const barriers = useApi<{ barriers: BarrierView[] }>('/api/barriers');
  const stats = useApi<FlowStats>(`/api/access/stats?bucket=hour&from=${encodeURIComponent(todayStart())}`);
  const inside = useApi<Inside>('/api/access/inside');
  // Summaries (and the barriers' clock offsets) follow the live entries, at most every 2 s.
  const refresh = useCoalesced(() => {
    barriers.reload();
    stats.reload();
    inside.reload();
  }, 2000);
  useEffect(() => onFeed('access/entries/+', refresh), [refresh]);
  const list = barriers.data?.barriers ?? [];
  return (
    <div class="gates-panel">
      <BarrierControls barriers={list} />
      <EntryFeed gates={list.map((b) => b.id)} />
      <FlowChart stats={stats.data} />
      <VehiclesInside inside={inside.data} />
      <ListManager />
    </div>
  );
}
