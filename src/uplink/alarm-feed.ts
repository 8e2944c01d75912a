import type { AlarmsConfig } from '../alarms/config.js';
import type { Db } from '../store/database.js';
import { registerUplinkKind } from './kinds.js';
import { OUTBOX_SIZE_SQL } from './outbox.js';

export const ALARM_KIND = registerUplinkKind({ name: 'alarm', description: 'an alarm as it is after each change (id: alarm id/revision)' });
export const WORK_ORDER_KIND = registerUplinkKind({ name: 'work-order', description: 'a work order as it is after each change, with its 52022 deadlines (id: order id/revision)' });

const TRIGGERS = ['uplink_alarm_insert', 'uplink_alarm_update', 'uplink_work_order_insert', 'uplink_work_order_update'];

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
/** The id the outbox row about to be inserted gets (AUTOINCREMENT: one above the highest ever used): the record's revision. */
const NEXT_OUTBOX_ID = "(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'uplink_outbox'), 0) + 1)";
const NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
const SIZE = `(${OUTBOX_SIZE_SQL})`;

function body(kind: string, payload: string, maxRows: number): string {
  return `
    UPDATE uplink_state SET value = value + 1 WHERE key = 'dropped' AND ${SIZE} >= ${maxRows};
    INSERT INTO uplink_outbox (kind, record_id, payload, created_at)
      SELECT ${lit(kind)}, NEW.id || '/' || ${NEXT_OUTBOX_ID}, ${payload}, ${NOW_MS} WHERE ${SIZE} < ${maxRows};`;
}

/**
 * Alarms and work orders into the outbox, in the very transaction that changes them: SQLite
 * triggers on `alarms` and `work_orders` (src/alarms' tables) append a row with the record as it
 * is after the change, for every insert and update, whichever code path or connection made it
 * (the alarm store's own writer connection included). The outbox bound is the same as for entries
 * (full: not queued, counted in uplink_state.dropped). Each change has its own id
 * `<record id>/<revision>`, the revision being the outbox row's id (rising for ever), so the
 * district keeps the newest revision of each record. The grid names and the 52022 deadlines of
 * this site's configuration are written into the triggers (they are installed again at each start).
 * Answers false when the alarm tables are not there (the alarms feature is not part of this build).
 */
export function installAlarmFeed(db: Db, o: { maxRows: number; alarms: AlarmsConfig }): boolean {
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('alarms', 'work_orders')").all();
  if (tables.length < 2) return false;
  const max = Math.floor(o.maxRows);
  const alarm = `json_object('id', NEW.id, 'rev', ${NEXT_OUTBOX_ID}, 'source', NEW.source, 'kind', NEW.kind, 'severity', NEW.severity, 'status', NEW.status,
    'location', NEW.location, 'device', NEW.device, 'occurredAt', NEW.occurred_at, 'receivedAt', NEW.received_at, 'groupId', NEW.group_id, 'groupCount', NEW.group_count,
    'acknowledgedBy', NEW.acknowledged_by, 'acknowledgedAt', NEW.acknowledged_at, 'closedBy', NEW.closed_by, 'closedAt', NEW.closed_at, 'closedAs', NEW.closed_as,
    'workOrderId', NEW.work_order_id, 'escalationLevel', NEW.escalation_level)`;
  const grids = o.alarms.grids;
  const gridName = grids.length ? `CASE NEW.grid ${grids.map((g) => `WHEN ${lit(g.id)} THEN ${lit(g.name)}`).join(' ')} END` : 'NULL';
  const d = o.alarms.deadlines;
  const order = `json_object('id', NEW.id, 'rev', ${NEXT_OUTBOX_ID}, 'origin', NEW.origin, 'alarmId', NEW.alarm_id, 'title', NEW.title, 'location', NEW.location,
    'grid', NEW.grid, 'gridName', ${gridName}, 'worker', NEW.worker, 'complexity', NEW.complexity, 'status', NEW.status,
    'createdAt', NEW.created_at, 'assignedAt', NEW.assigned_at, 'acceptedAt', NEW.accepted_at, 'onSiteAt', NEW.on_site_at, 'resolvedAt', NEW.resolved_at, 'plannedAt', NEW.planned_at,
    'breaches', json(NEW.breaches), 'deadlines', json_object('onSiteMin', ${Number(d.onSiteMin)}, 'smallFixMin', ${Number(d.smallFixMin)}, 'complexPlanHours', ${Number(d.complexPlanHours)}))`;
  db.transaction(() => {
    removeAlarmFeed(db);
    db.exec(`CREATE TRIGGER uplink_alarm_insert AFTER INSERT ON alarms BEGIN ${body(ALARM_KIND.name, alarm, max)} END;`);
    db.exec(`CREATE TRIGGER uplink_alarm_update AFTER UPDATE ON alarms BEGIN ${body(ALARM_KIND.name, alarm, max)} END;`);
    db.exec(`CREATE TRIGGER uplink_work_order_insert AFTER INSERT ON work_orders BEGIN ${body(WORK_ORDER_KIND.name, order, max)} END;`);
    db.exec(`CREATE TRIGGER uplink_work_order_update AFTER UPDATE ON work_orders BEGIN ${body(WORK_ORDER_KIND.name, order, max)} END;`);
  })();
  return true;
}

/** No more alarms and work orders into the outbox (the uplink was turned off). */
export function removeAlarmFeed(db: Db): void {
  for (const t of TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${t}`);
}
