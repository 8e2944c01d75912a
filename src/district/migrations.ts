import type pg from 'pg';

/** The district's PostgreSQL schema, in numbered steps applied once each (district_migrations). */
export const DISTRICT_MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'sites, entries, availability, hourly flow, records, notices, users',
    sql: `
      CREATE TABLE sites (
        id TEXT PRIMARY KEY,
        name TEXT,
        last_contact_at TIMESTAMPTZ,
        last_record_at TIMESTAMPTZ
      );
      CREATE TABLE entries (
        site_id TEXT NOT NULL,
        record_id TEXT NOT NULL,
        gate TEXT NOT NULL,
        event_id TEXT NOT NULL,
        occurred_at TIMESTAMPTZ NOT NULL,
        direction TEXT NOT NULL,
        credential_type TEXT NOT NULL,
        credential_value TEXT NOT NULL,
        result TEXT NOT NULL,
        reason TEXT,
        plate_color TEXT,
        vehicle_type TEXT,
        committed_at TIMESTAMPTZ NOT NULL,
        stored_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (site_id, record_id),
        UNIQUE (site_id, gate, event_id)
      );
      CREATE INDEX entries_time ON entries (occurred_at);
      CREATE INDEX entries_plate ON entries (credential_value, occurred_at);
      CREATE TABLE device_availability (
        site_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        device_id TEXT NOT NULL,
        availability TEXT NOT NULL,
        since TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (site_id, kind, device_id)
      );
      CREATE TABLE hourly_flow (
        site_id TEXT NOT NULL,
        gate TEXT NOT NULL,
        hour_start TIMESTAMPTZ NOT NULL,
        entries_in INTEGER NOT NULL,
        entries_out INTEGER NOT NULL,
        denied INTEGER NOT NULL,
        PRIMARY KEY (site_id, gate, hour_start)
      );
      CREATE TABLE records (
        site_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        payload JSONB NOT NULL,
        committed_at TIMESTAMPTZ NOT NULL,
        stored_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (site_id, kind, record_id)
      );
      CREATE TABLE notices (
        id TEXT PRIMARY KEY,
        created_by TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        content JSONB NOT NULL,
        sites TEXT[] NOT NULL,
        groups TEXT[] NOT NULL,
        priority TEXT NOT NULL,
        play_at TIMESTAMPTZ,
        expires_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE notice_deliveries (
        notice_id TEXT NOT NULL REFERENCES notices (id),
        site_id TEXT NOT NULL,
        state TEXT NOT NULL,
        rank INTEGER NOT NULL,
        detail TEXT,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (notice_id, site_id)
      );
      CREATE TABLE district_users (
        name TEXT PRIMARY KEY,
        display_name TEXT,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'officer', 'admin')),
        password_hash TEXT NOT NULL
      );
      CREATE TABLE district_sessions (
        token_hash TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES district_users (name) ON DELETE CASCADE,
        expires_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'alarms and work orders from the sites',
    sql: `
      CREATE TABLE alarms (
        site_id TEXT NOT NULL,
        alarm_id BIGINT NOT NULL,
        rev BIGINT NOT NULL,
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        status TEXT NOT NULL,
        location TEXT,
        device TEXT,
        occurred_at TIMESTAMPTZ NOT NULL,
        received_at TIMESTAMPTZ NOT NULL,
        acknowledged_at TIMESTAMPTZ,
        closed_at TIMESTAMPTZ,
        closed_as TEXT,
        group_id BIGINT,
        work_order_id BIGINT,
        payload JSONB NOT NULL,
        stored_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (site_id, alarm_id)
      );
      CREATE INDEX alarms_time ON alarms (occurred_at);
      CREATE TABLE work_orders (
        site_id TEXT NOT NULL,
        order_id BIGINT NOT NULL,
        rev BIGINT NOT NULL,
        alarm_id BIGINT,
        title TEXT NOT NULL,
        grid TEXT,
        grid_name TEXT,
        worker TEXT,
        complexity TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        assigned_at TIMESTAMPTZ,
        on_site_at TIMESTAMPTZ,
        resolved_at TIMESTAMPTZ,
        planned_at TIMESTAMPTZ,
        on_site_min DOUBLE PRECISION NOT NULL,
        small_fix_min DOUBLE PRECISION NOT NULL,
        complex_plan_hours DOUBLE PRECISION NOT NULL,
        payload JSONB NOT NULL,
        stored_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (site_id, order_id)
      );
      CREATE INDEX work_orders_assigned ON work_orders (assigned_at);
    `,
  },
  {
    version: 3,
    name: 'clips uploaded for notices',
    sql: `
      CREATE TABLE district_clips (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        chunks INTEGER NOT NULL,
        format TEXT NOT NULL,
        uploaded_by TEXT NOT NULL,
        uploaded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        audio BYTEA NOT NULL
      );
    `,
  },
];

/** Applies the steps not applied yet, each in its own transaction, under an advisory lock (two district processes may start together). */
export async function migrateDistrict(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(19019)');
    await client.query('CREATE TABLE IF NOT EXISTS district_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM district_migrations')).rows.map((r) => r.version));
    for (const m of DISTRICT_MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO district_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(19019)').catch(() => {});
    client.release();
  }
  return applied;
}
