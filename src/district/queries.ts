import type pg from 'pg';

export interface SiteView {
  id: string;
  name: string;
  state: 'online' | 'offline' | 'never';
  lastContactAt: string | null;
  entriesToday: number;
  devicesOffline: number;
}

/** Every configured or seen site with its state (from its last contact) and today's entries. */
export async function sitesView(pool: pg.Pool, configured: ReadonlyArray<{ id: string; name: string }>, offlineAfterMs: number): Promise<SiteView[]> {
  const { rows } = await pool.query<{ id: string; last_contact_at: Date | null; today: string; offline: string }>(
    `SELECT s.id, s.last_contact_at,
       (SELECT count(*) FROM entries e WHERE e.site_id = s.id AND e.occurred_at >= date_trunc('day', now())) AS today,
       (SELECT count(*) FROM device_availability d WHERE d.site_id = s.id AND d.availability = 'offline') AS offline
     FROM sites s`,
  );
  const seen = new Map(rows.map((r) => [r.id, r]));
  const ids = [...new Set([...configured.map((s) => s.id), ...seen.keys()])].sort();
  return ids.map((id) => {
    const r = seen.get(id);
    const last = r?.last_contact_at ?? null;
    return {
      id,
      name: configured.find((s) => s.id === id)?.name ?? id,
      state: !last ? 'never' : Date.now() - last.getTime() <= offlineAfterMs ? 'online' : 'offline',
      lastContactAt: last?.toISOString() ?? null,
      entriesToday: Number(r?.today ?? 0),
      devicesOffline: Number(r?.offline ?? 0),
    };
  });
}

/** Entries per site and hour (granted in/out, denied) from the entries themselves. */
export async function flowView(pool: pg.Pool, from: Date, to: Date): Promise<Array<{ site: string; hour: string; in: number; out: number; denied: number }>> {
  const { rows } = await pool.query<{ site_id: string; hour: Date; in: string; out: string; denied: string }>(
    `SELECT site_id, date_trunc('hour', occurred_at) AS hour,
       count(*) FILTER (WHERE result = 'granted' AND direction = 'in') AS "in",
       count(*) FILTER (WHERE result = 'granted' AND direction = 'out') AS "out",
       count(*) FILTER (WHERE result = 'denied') AS denied
     FROM entries WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY 1, 2 ORDER BY 2, 1`,
    [from, to],
  );
  return rows.map((r) => ({ site: r.site_id, hour: r.hour.toISOString(), in: Number(r.in), out: Number(r.out), denied: Number(r.denied) }));
}

/** A plate's passages across every site, newest first. */
export async function plateSearch(pool: pg.Pool, plate: string, limit: number): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT site_id AS site, gate, event_id AS "eventId", occurred_at AS "occurredAt", direction, result, credential_value AS plate
     FROM entries WHERE credential_type = 'plate' AND credential_value = $1 ORDER BY occurred_at DESC LIMIT $2`,
    [plate, limit],
  );
  return rows;
}

export async function noticesView(pool: pg.Pool, limit: number): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT n.id, n.created_by AS "createdBy", n.created_at AS "createdAt", n.content, n.groups, n.priority, n.play_at AS "playAt", n.expires_at AS "expiresAt",
       coalesce(json_agg(json_build_object('site', d.site_id, 'state', d.state, 'detail', d.detail, 'updatedAt', d.updated_at) ORDER BY d.site_id) FILTER (WHERE d.site_id IS NOT NULL), '[]') AS deliveries
     FROM notices n LEFT JOIN notice_deliveries d ON d.notice_id = n.id GROUP BY n.id ORDER BY n.created_at DESC LIMIT $1`,
    [limit],
  );
  return rows;
}
