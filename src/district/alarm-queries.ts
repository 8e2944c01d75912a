import type pg from 'pg';

/** The newest alarms across the sites (top-level ones: a storm shows as its first alarm with a count). */
export async function alarmsView(pool: pg.Pool, limit: number): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT site_id AS site, alarm_id AS id, source, kind, severity, status, location, device, occurred_at AS "occurredAt",
       acknowledged_at AS "acknowledgedAt", closed_at AS "closedAt", closed_as AS "closedAs", work_order_id AS "workOrderId",
       coalesce((payload->>'groupCount')::int, 1) AS "groupCount"
     FROM alarms WHERE group_id IS NULL ORDER BY occurred_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r: Record<string, unknown>) => ({ ...r, id: Number(r.id), workOrderId: r.workOrderId === null ? null : Number(r.workOrderId) }));
}

/** The newest work orders across the sites. */
export async function workOrdersView(pool: pg.Pool, limit: number): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT site_id AS site, order_id AS id, alarm_id AS "alarmId", title, grid, grid_name AS "gridName", worker, complexity, status,
       created_at AS "createdAt", assigned_at AS "assignedAt", on_site_at AS "onSiteAt", resolved_at AS "resolvedAt", planned_at AS "plannedAt"
     FROM work_orders ORDER BY created_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r: Record<string, unknown>) => ({ ...r, id: Number(r.id), alarmId: r.alarmId === null ? null : Number(r.alarmId) }));
}

export interface GridStats {
  site: string;
  grid: string | null;
  gridName: string | null;
  orders: number;
  medianToSiteS: number | null;
  onSitePct: number | null;
  smallFixPct: number | null;
  complexPlanPct: number | null;
}

/**
 * The 52022 statistics per community and grid, as each site counts them (src/alarms/work-orders.ts
 * `statistics`), with each site's own deadlines: orders assigned in the range, median time from
 * assignment to on site, and for each deadline the share met among the orders whose deadline is
 * decided (met, or passed without the step).
 */
export async function workOrderStats(pool: pg.Pool, from: Date, to: Date): Promise<GridStats[]> {
  const { rows } = await pool.query<{ site: string; grid: string | null; grid_name: string | null; orders: string; median_ms: number | null; on_site: number | null; small_fix: number | null; complex_plan: number | null }>(
    `WITH o AS (
       SELECT site_id, grid, grid_name, complexity, extract(epoch FROM assigned_at) * 1000 AS a,
         extract(epoch FROM on_site_at) * 1000 AS s, extract(epoch FROM resolved_at) * 1000 AS r, extract(epoch FROM planned_at) * 1000 AS p,
         on_site_min * 60000 AS on_lim, small_fix_min * 60000 AS fix_lim, complex_plan_hours * 3600000 AS plan_lim, extract(epoch FROM now()) * 1000 AS now
       FROM work_orders WHERE assigned_at IS NOT NULL AND assigned_at >= $1 AND assigned_at < $2)
     SELECT site_id AS site, grid, max(grid_name) AS grid_name, count(*) AS orders,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s - a) FILTER (WHERE s IS NOT NULL) AS median_ms,
       100.0 * count(*) FILTER (WHERE s IS NOT NULL AND s - a <= on_lim) / nullif(count(*) FILTER (WHERE s IS NOT NULL OR now - a > on_lim), 0) AS on_site,
       100.0 * count(*) FILTER (WHERE complexity = 'small' AND r IS NOT NULL AND r - a <= fix_lim) / nullif(count(*) FILTER (WHERE complexity = 'small' AND (r IS NOT NULL OR now - a > fix_lim)), 0) AS small_fix,
       100.0 * count(*) FILTER (WHERE complexity = 'complex' AND p IS NOT NULL AND p - a <= plan_lim) / nullif(count(*) FILTER (WHERE complexity = 'complex' AND (p IS NOT NULL OR now - a > plan_lim)), 0) AS complex_plan
     FROM o GROUP BY site_id, grid ORDER BY site_id, grid`,
    [from, to],
  );
  const pct = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);
  return rows.map((r) => ({
    site: r.site,
    grid: r.grid,
    gridName: r.grid_name,
    orders: Number(r.orders),
    medianToSiteS: r.median_ms === null ? null : Math.round(Number(r.median_ms) / 100) / 10,
    onSitePct: pct(r.on_site),
    smallFixPct: pct(r.small_fix),
    complexPlanPct: pct(r.complex_plan),
  }));
}
