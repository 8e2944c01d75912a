import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, NotFoundError, UserError } from '../core/errors.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import type { Db } from '../store/database.js';
import type { Role } from '../config/schema.js';
import type { Clock } from './alarm-service.js';
import type { AlarmsConfig, GridConfig, WorkerConfig } from './config.js';
import { workOrderFeed } from './topics.js';

export type WorkOrderOrigin = 'alarm' | 'patrol' | 'resident';
export type WorkOrderStatus = 'assigned' | 'unassigned' | 'accepted' | 'on-site' | 'resolved' | 'planned' | 'cancelled';
export type Deadline = 'on-site' | 'small-fix' | 'complex-plan';

export interface WorkOrder {
  id: number;
  origin: WorkOrderOrigin;
  alarmId: number | null;
  title: string;
  description: string | null;
  location: string | null;
  callerPhone: string | null;
  cameraId: string | null;
  grid: string | null;
  worker: string | null;
  complexity: 'small' | 'complex';
  status: WorkOrderStatus;
  createdBy: string;
  createdAt: number;
  assignedAt: number | null;
  acceptedAt: number | null;
  onSiteAt: number | null;
  resolvedAt: number | null;
  plannedAt: number | null;
  note: string | null;
  photo: string | null;
  breaches: Deadline[];
  /** Epoch ms of each deadline still running (from assignment). */
  due: Partial<Record<Deadline, number>>;
}

interface Row {
  id: number;
  origin: string;
  alarm_id: number | null;
  title: string;
  description: string | null;
  location: string | null;
  caller_phone: string | null;
  camera_id: string | null;
  grid: string | null;
  worker: string | null;
  complexity: string;
  status: string;
  created_by: string;
  created_at: number;
  assigned_at: number | null;
  accepted_at: number | null;
  on_site_at: number | null;
  resolved_at: number | null;
  planned_at: number | null;
  note: string | null;
  photo: string | null;
  breaches: string;
}

export interface NewWorkOrder {
  origin: WorkOrderOrigin;
  alarmId?: number | undefined;
  title: string;
  description?: string | undefined;
  location?: string | undefined;
  callerPhone?: string | undefined;
  cameraId?: string | undefined;
  device?: string | undefined;
  grid?: string | undefined;
  worker?: string | undefined;
  complexity?: 'small' | 'complex' | undefined;
}

const MAX_PHOTO_BYTES = 4 * 1024 * 1024;

/** Who records a step: a login name and its role. */
export interface Stepper {
  name: string;
  role: Role;
}

/**
 * Work orders on the 52022 clock: assigned to the worker of their grid, accepted, on site,
 * resolved (small) or planned (complex), with deadlines counted from the assignment; a breached
 * deadline escalates to the grid's supervisor once. The clock is injectable (tests).
 */
export class WorkOrders implements Service {
  readonly name = 'work-orders';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { db: () => Db; config: AlarmsConfig; directory: { grids(): GridConfig[]; workers(): WorkerConfig[] }; clock: Clock; publisher: MqttPublisher; log: Logger; photoDir: string; onEscalate?: (order: WorkOrder, deadline: Deadline, supervisor: string) => void },
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => this.checkDeadlines(), 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  grids(): GridConfig[] {
    return this.deps.directory.grids();
  }

  workers(): Array<WorkerConfig & { open: number }> {
    const open = this.deps.db().prepare<[], { worker: string; n: number }>(`SELECT worker, COUNT(*) AS n FROM work_orders WHERE status IN ('assigned','accepted','on-site') GROUP BY worker`).all();
    const byWorker = new Map(open.map((o) => [o.worker, o.n]));
    return this.deps.directory.workers().map((w) => ({ ...w, open: byWorker.get(w.id) ?? 0 }));
  }

  /** The grid a place belongs to (by device, camera, gate, then building named in the location). */
  gridOf(o: { device?: string | undefined; cameraId?: string | undefined; location?: string | undefined }): GridConfig | undefined {
    const grids = this.deps.directory.grids();
    return (
      grids.find((g) => o.device && (g.devices.includes(o.device) || g.gates.includes(o.device))) ??
      grids.find((g) => o.cameraId && g.cameras.includes(o.cameraId)) ??
      grids.find((g) => o.location && g.buildings.some((b) => new RegExp(`(^|\\D)${b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\D|$)`).test(o.location!)))
    );
  }

  create(input: NewWorkOrder, by: string): WorkOrder {
    const now = this.deps.clock.now();
    const grid = input.grid ? this.deps.directory.grids().find((g) => g.id === input.grid) : this.gridOf(input);
    if (input.grid && !grid) throw new UserError('work-order.grid-unknown', { grid: input.grid }, 400, 'unknown_grid');
    let worker: WorkerConfig | undefined;
    if (input.worker) {
      worker = this.deps.directory.workers().find((w) => w.id === input.worker);
      if (!worker) throw new UserError('work-order.worker-unknown', { worker: input.worker }, 400, 'unknown_worker');
    } else if (grid) {
      const candidates = this.workers().filter((w) => w.grid === grid.id && w.onDuty).sort((a, b) => a.open - b.open);
      worker = candidates[0];
    }
    const { lastInsertRowid } = this.deps
      .db()
      .prepare(
        `INSERT INTO work_orders (origin, alarm_id, title, description, location, caller_phone, camera_id, grid, worker, complexity, status, created_by, created_at, assigned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(input.origin, input.alarmId ?? null, input.title, input.description ?? null, input.location ?? null, input.callerPhone ?? null, input.cameraId ?? null, grid?.id ?? null, worker?.id ?? null, input.complexity ?? 'small', worker ? 'assigned' : 'unassigned', by, now, worker ? now : null);
    const id = Number(lastInsertRowid);
    this.step(id, 'created', by, now, input.origin);
    if (worker) this.step(id, 'assigned', by, now, worker.id);
    return this.changed(this.get(id));
  }

  assign(id: number, workerId: string, by: string): WorkOrder {
    const order = this.get(id);
    if (['resolved', 'planned', 'cancelled'].includes(order.status)) throw new ConflictError('work-order.already-done', { order: id, orderStatus: order.status });
    const worker = this.deps.directory.workers().find((w) => w.id === workerId);
    if (!worker) throw new UserError('work-order.worker-unknown', { worker: workerId }, 400, 'unknown_worker');
    const now = this.deps.clock.now();
    // Deadlines count from this (re)assignment.
    this.deps.db().prepare(`UPDATE work_orders SET worker = ?, grid = COALESCE(grid, ?), status = 'assigned', assigned_at = ?, accepted_at = NULL, on_site_at = NULL, breaches = '[]' WHERE id = ?`).run(worker.id, worker.grid, now, id);
    this.step(id, 'assigned', by, now, worker.id);
    return this.changed(this.get(id));
  }

  accept(id: number, by: Stepper): WorkOrder {
    this.checkStepper(this.get(id), by);
    return this.advance(id, by.name, ['assigned'], 'accepted', 'accepted_at');
  }

  arrive(id: number, by: Stepper): WorkOrder {
    this.checkStepper(this.get(id), by);
    return this.advance(id, by.name, ['assigned', 'accepted'], 'on-site', 'on_site_at');
  }

  resolve(id: number, by: Stepper, body: { note: string; photo?: { contentType: string; base64: string } | undefined; complexity?: 'small' | 'complex' | undefined }): WorkOrder {
    const order = this.get(id);
    this.checkStepper(order, by);
    const complexity = body.complexity ?? order.complexity;
    let photo: string | null = null;
    if (body.photo) photo = this.savePhoto(id, body.photo);
    if (complexity !== order.complexity) this.deps.db().prepare('UPDATE work_orders SET complexity = ? WHERE id = ?').run(complexity, id);
    this.deps.db().prepare('UPDATE work_orders SET note = ?, photo = COALESCE(?, photo) WHERE id = ?').run(body.note, photo, id);
    const next = complexity === 'complex' ? 'planned' : 'resolved';
    const updated = this.advance(id, by.name, ['assigned', 'accepted', 'on-site'], next, complexity === 'complex' ? 'planned_at' : 'resolved_at', body.note);
    return updated;
  }

  get(id: number): WorkOrder {
    const row = this.deps.db().prepare<[number], Row>('SELECT * FROM work_orders WHERE id = ?').get(id);
    if (!row) throw new NotFoundError('work-order.not-found', { order: id });
    return this.toOrder(row);
  }

  list(filter: { status?: string | undefined; worker?: string | undefined; grid?: string | undefined; limit?: number | undefined } = {}): WorkOrder[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: Math.max(1, Math.min(1000, filter.limit ?? 200)) };
    for (const k of ['status', 'worker', 'grid'] as const) {
      if (!filter[k]) continue;
      where.push(`${k} = @${k}`);
      args[k] = filter[k];
    }
    return this.deps
      .db()
      .prepare<[Record<string, unknown>], Row>(`SELECT * FROM work_orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`)
      .all(args)
      .map((r) => this.toOrder(r));
  }

  history(id: number): Array<{ step: string; by: string; at: number; detail: string | null }> {
    this.get(id);
    return this.deps.db().prepare<[number], { step: string; by: string; at: number; detail: string | null }>('SELECT step, by, at, detail FROM work_order_steps WHERE work_order_id = ? ORDER BY id').all(id);
  }

  /** Marks each deadline passed without its step, once, and escalates it to the grid's supervisor. */
  checkDeadlines(): WorkOrder[] {
    const now = this.deps.clock.now();
    const breached: WorkOrder[] = [];
    const open = this.deps.db().prepare<[], Row>(`SELECT * FROM work_orders WHERE status IN ('assigned','accepted','on-site') AND assigned_at IS NOT NULL`).all();
    for (const row of open) {
      const order = this.toOrder(row);
      const passed = (Object.entries(order.due) as Array<[Deadline, number]>).filter(([d, due]) => due <= now && !order.breaches.includes(d)).map(([d]) => d);
      if (!passed.length) continue;
      const breaches = [...order.breaches, ...passed];
      this.deps.db().prepare('UPDATE work_orders SET breaches = ? WHERE id = ?').run(JSON.stringify(breaches), order.id);
      const supervisor = this.deps.directory.grids().find((g) => g.id === order.grid)?.supervisor ?? 'duty supervisor';
      for (const d of passed) {
        this.step(order.id, `breach:${d}`, 'clock', now, `escalated to ${supervisor}`);
        this.deps.log.warn({ workOrder: order.id, deadline: d, supervisor }, 'work order deadline breached: escalated');
        this.deps.onEscalate?.(order, d, supervisor);
      }
      breached.push(this.changed(this.get(order.id)));
    }
    return breached;
  }

  /**
   * Per grid and worker: orders, median time to site, and the share within each deadline (of the
   * orders whose deadline is decided: met, or passed).
   */
  statistics(range: { from?: number | undefined; to?: number | undefined } = {}): { byWorker: StatLine[]; byGrid: StatLine[] } {
    const rows = this.deps
      .db()
      .prepare<[number, number], Row>('SELECT * FROM work_orders WHERE assigned_at IS NOT NULL AND assigned_at >= ? AND assigned_at < ?')
      .all(range.from ?? 0, range.to ?? Number.MAX_SAFE_INTEGER)
      .map((r) => this.toOrder(r));
    const now = this.deps.clock.now();
    const line = (key: string, name: string, orders: WorkOrder[]): StatLine => {
      const d = this.deps.config.deadlines;
      const toSite = orders.filter((o) => o.onSiteAt !== null).map((o) => o.onSiteAt! - o.assignedAt!);
      const share = (limitMs: number, done: (o: WorkOrder) => number | null, applies: (o: WorkOrder) => boolean) => {
        const decided = orders.filter(applies).filter((o) => done(o) !== null || now - o.assignedAt! > limitMs);
        if (!decided.length) return null;
        const within = decided.filter((o) => done(o) !== null && done(o)! - o.assignedAt! <= limitMs).length;
        return Math.round((within / decided.length) * 1000) / 10;
      };
      return {
        key,
        name,
        orders: orders.length,
        medianToSiteS: toSite.length ? Math.round(median(toSite) / 100) / 10 : null,
        onSitePct: share(d.onSiteMin * 60_000, (o) => o.onSiteAt, () => true),
        smallFixPct: share(d.smallFixMin * 60_000, (o) => o.resolvedAt, (o) => o.complexity === 'small'),
        complexPlanPct: share(d.complexPlanHours * 3600_000, (o) => o.plannedAt, (o) => o.complexity === 'complex'),
      };
    };
    const group = (keyOf: (o: WorkOrder) => string | null, nameOf: (k: string) => string) => {
      const map = new Map<string, WorkOrder[]>();
      for (const o of rows) {
        const k = keyOf(o);
        if (!k) continue;
        map.set(k, [...(map.get(k) ?? []), o]);
      }
      return [...map.entries()].map(([k, list]) => line(k, nameOf(k), list)).sort(rank);
    };
    return {
      byWorker: group((o) => o.worker, (k) => this.deps.directory.workers().find((w) => w.id === k)?.name ?? k),
      byGrid: group((o) => o.grid, (k) => this.deps.directory.grids().find((g) => g.id === k)?.name ?? k),
    };
  }

  /**
   * Accept, on site and resolve are the assigned worker's (by the worker's login, or id when it has
   * none), their grid's supervisor's (its login) or an admin's; anyone else gets a 403 that names the worker.
   */
  private checkStepper(order: WorkOrder, by: Stepper): void {
    if (by.role === 'admin') return;
    const worker = order.worker ? this.deps.directory.workers().find((w) => w.id === order.worker) : undefined;
    if (worker && (worker.user ?? worker.id) === by.name) return;
    const grid = order.grid ? this.deps.directory.grids().find((g) => g.id === order.grid) : undefined;
    if (grid?.supervisorUser !== undefined && grid.supervisorUser === by.name) return;
    if (!worker) throw new UserError('work-order.step-unassigned', { order: order.id }, 403, 'not_assigned_worker');
    throw new UserError('work-order.step-not-yours', { order: order.id, worker: worker.name }, 403, 'not_assigned_worker');
  }

  private advance(id: number, by: string, from: WorkOrderStatus[], to: WorkOrderStatus, column: string, detail?: string): WorkOrder {
    const order = this.get(id);
    if (!from.includes(order.status)) throw new ConflictError('work-order.wrong-status', { order: id, orderStatus: order.status, toStatus: to });
    const now = this.deps.clock.now();
    this.deps.db().prepare(`UPDATE work_orders SET status = ?, ${column} = ? WHERE id = ?`).run(to, now, id);
    if (to === 'on-site' && order.acceptedAt === null) this.deps.db().prepare('UPDATE work_orders SET accepted_at = ? WHERE id = ?').run(now, id);
    this.step(id, to, by, now, detail ?? null);
    return this.changed(this.get(id));
  }

  private savePhoto(id: number, photo: { contentType: string; base64: string }): string {
    const ext = photo.contentType === 'image/jpeg' ? 'jpg' : photo.contentType === 'image/png' ? 'png' : null;
    if (!ext) throw new UserError('work-order.photo-type', {}, 400, 'bad_photo');
    const bytes = Buffer.from(photo.base64, 'base64');
    if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) throw new UserError('work-order.photo-size', { mib: MAX_PHOTO_BYTES / 1024 / 1024 }, 400, 'bad_photo');
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    if ((ext === 'jpg' && !jpeg) || (ext === 'png' && !png)) throw new UserError('work-order.photo-content', { format: ext === 'jpg' ? 'JPEG' : 'PNG' }, 400, 'bad_photo');
    mkdirSync(this.deps.photoDir, { recursive: true });
    const name = `${id}-${this.deps.clock.now()}.${ext}`;
    writeFileSync(join(this.deps.photoDir, name), bytes);
    return name;
  }

  private step(id: number, step: string, by: string, at: number, detail: string | null): void {
    this.deps.db().prepare('INSERT INTO work_order_steps (work_order_id, step, by, at, detail) VALUES (?, ?, ?, ?, ?)').run(id, step, by, at, detail);
  }

  private changed(order: WorkOrder): WorkOrder {
    this.deps.publisher.publish(workOrderFeed, { id: String(order.id) }, { id: order.id, status: order.status, grid: order.grid, worker: order.worker, title: order.title, breached: order.breaches }).catch(() => {});
    return order;
  }

  private toOrder(r: Row): WorkOrder {
    const d = this.deps.config.deadlines;
    const due: WorkOrder['due'] = {};
    if (r.assigned_at !== null) {
      if (r.on_site_at === null) due['on-site'] = r.assigned_at + d.onSiteMin * 60_000;
      if (r.complexity === 'small' && r.resolved_at === null) due['small-fix'] = r.assigned_at + d.smallFixMin * 60_000;
      if (r.complexity === 'complex' && r.planned_at === null) due['complex-plan'] = r.assigned_at + d.complexPlanHours * 3600_000;
    }
    return {
      id: r.id,
      origin: r.origin as WorkOrderOrigin,
      alarmId: r.alarm_id,
      title: r.title,
      description: r.description,
      location: r.location,
      callerPhone: r.caller_phone,
      cameraId: r.camera_id,
      grid: r.grid,
      worker: r.worker,
      complexity: r.complexity as 'small' | 'complex',
      status: r.status as WorkOrderStatus,
      createdBy: r.created_by,
      createdAt: r.created_at,
      assignedAt: r.assigned_at,
      acceptedAt: r.accepted_at,
      onSiteAt: r.on_site_at,
      resolvedAt: r.resolved_at,
      plannedAt: r.planned_at,
      note: r.note,
      photo: r.photo,
      breaches: JSON.parse(r.breaches) as Deadline[],
      due,
    };
  }
}

export interface StatLine {
  key: string;
  name: string;
  orders: number;
  medianToSiteS: number | null;
  onSitePct: number | null;
  smallFixPct: number | null;
  complexPlanPct: number | null;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Red board first: more on site within the deadline, then faster to site. */
function rank(a: StatLine, b: StatLine): number {
  return (b.onSitePct ?? -1) - (a.onSitePct ?? -1) || (a.medianToSiteS ?? Infinity) - (b.medianToSiteS ?? Infinity);
}

export function statisticsCsv(lines: StatLine[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return ['key,name,orders,median_to_site_s,on_site_within_pct,small_fix_within_pct,complex_plan_within_pct', ...lines.map((l) => [l.key, l.name, l.orders, l.medianToSiteS, l.onSitePct, l.smallFixPct, l.complexPlanPct].map(cell).join(','))].join('\r\n') + '\r\n';
}
