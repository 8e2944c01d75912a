import { z } from 'zod';
import type { Role } from '../config/schema.js';
import { UserError } from '../core/errors.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import type { AlarmService, Clock } from './alarm-service.js';
import type { AlarmStore } from './alarm-store.js';
import type { RuleBook } from './rule-book.js';
import type { HomeWatch } from './watch.js';
import { statisticsCsv, type Stepper, type WorkOrders } from './work-orders.js';

const idParam = (raw: unknown): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UserError('request.id-invalid', {}, 400, 'bad_id');
  return n;
};
const text = (max: number) => z.string().trim().min(1).max(max);

const manualBody = z.strictObject({
  kind: text(64).default('manual'),
  severity: z.enum(['info', 'warning', 'critical']).default('warning'),
  location: text(128).optional(),
  cameraId: text(64).optional(),
  note: z.string().max(500).optional(),
});
const closeBody = z.strictObject({ as: z.enum(['false', 'handled']), note: z.string().max(500).optional() });
const workOrderBody = z.strictObject({
  origin: z.enum(['patrol', 'resident']),
  title: text(128),
  description: z.string().max(2000).optional(),
  location: text(128).optional(),
  callerPhone: z.string().regex(/^[0-9+\- ]{3,20}$/, 'a phone number (digits, +, - and spaces)').optional(),
  cameraId: text(64).optional(),
  grid: text(64).optional(),
  worker: text(64).optional(),
  complexity: z.enum(['small', 'complex']).optional(),
});
const resolveBody = z.strictObject({
  note: text(2000),
  complexity: z.enum(['small', 'complex']).optional(),
  photo: z.strictObject({ contentType: z.enum(['image/jpeg', 'image/png']), base64: z.string().max(6 * 1024 * 1024) }).optional(),
});

/** Alarms, rules, homes under watch and work orders over HTTP. */
export function alarmRoutes(deps: { service: AlarmService; store: AlarmStore; rules: RuleBook; watch: HomeWatch; orders: WorkOrders; clock: Clock }): RouteModule {
  const { service, store, orders } = deps;
  const who = (ctx: { principal?: { name: string } | undefined }) => ctx.principal?.name ?? 'unknown';
  const stepper = (ctx: { principal?: { name: string; role: Role } | undefined }): Stepper => ({ name: ctx.principal?.name ?? 'unknown', role: ctx.principal?.role ?? 'viewer' });
  return defineRoutes([
    {
      method: 'get',
      path: '/api/alarms',
      access: 'viewer',
      summary: 'Alarms, newest first (filters: status, source, severity, from, to, limit; storms show as one with groupCount).',
      handler: (req) => {
        const q = req.query as Record<string, string | undefined>;
        return { alarms: store.list({ status: q.status as never, source: q.source, severity: q.severity, from: q.from, to: q.to, limit: q.limit ? Number(q.limit) : undefined }) };
      },
    },
    { method: 'get', path: '/api/alarms/:id', access: 'viewer', summary: 'One alarm with the outcome of each linkage action.', handler: (req) => store.get(idParam(req.params.id)) },
    {
      method: 'post',
      path: '/api/alarms',
      access: 'officer',
      audit: 'alarm.manual',
      created: true,
      summary: 'A manual alarm raised by an officer from a camera tile ("I see something").',
      handler: async (req, _res, ctx) => {
        const body = parseBody(manualBody, req.body);
        const { alarm } = await service.raiseNow({ source: 'manual', kind: body.kind, severity: body.severity, location: body.location ?? null, device: null, occurredAt: new Date(deps.clock.now()).toISOString(), raw: { by: who(ctx), note: body.note ?? null }, cameraId: body.cameraId });
        return alarm;
      },
    },
    { method: 'post', path: '/api/alarms/:id/acknowledge', access: 'officer', audit: 'alarm.acknowledge', summary: 'Acknowledge: cameras are given back, warnings stop.', handler: (req, _res, ctx) => service.acknowledge(idParam(req.params.id), who(ctx)) },
    {
      method: 'post',
      path: '/api/alarms/:id/close',
      access: 'officer',
      audit: 'alarm.close',
      summary: 'Close as false alarm or handled (body: as, note).',
      handler: (req, _res, ctx) => {
        const body = parseBody(closeBody, req.body);
        return service.close(idParam(req.params.id), who(ctx), body.as, body.note);
      },
    },
    {
      method: 'post',
      path: '/api/alarms/:id/work-order',
      access: 'officer',
      audit: 'alarm.work-order',
      created: true,
      summary: 'Turn the alarm into a work order assigned to the worker of its grid (body: optional worker, complexity).',
      handler: (req, _res, ctx) => {
        const body = parseBody(z.strictObject({ worker: text(64).optional(), complexity: z.enum(['small', 'complex']).optional() }), req.body ?? {});
        const alarm = store.get(idParam(req.params.id));
        if (alarm.workOrderId) return orders.get(alarm.workOrderId);
        const order = orders.create({ origin: 'alarm', alarmId: alarm.id, title: `${alarm.kind} (${alarm.source}) ${alarm.location ?? alarm.device ?? ''}`.trim(), location: alarm.location ?? undefined, cameraId: alarm.cameraId ?? undefined, device: alarm.device ?? undefined, worker: body.worker, complexity: body.complexity }, who(ctx));
        service.close(alarm.id, who(ctx), 'work-order', undefined, order.id);
        return order;
      },
    },
    { method: 'get', path: '/api/alarm-rules', access: 'viewer', summary: 'The linkage rules in force (YAML and parsed).', handler: () => deps.rules.current() },
    {
      method: 'put',
      path: '/api/alarm-rules',
      access: 'admin',
      audit: 'alarm.rules.save',
      summary: 'Replace the linkage rules (body: yaml). Refused with every problem named when a rule is invalid or names a missing camera, preset, speaker or barrier.',
      maxJsonBytes: 300 * 1024,
      handler: async (req, _res, ctx) => deps.rules.save(parseBody(z.strictObject({ yaml: z.string().max(256 * 1024) }), req.body).yaml, who(ctx)),
    },
    {
      method: 'post',
      path: '/api/alarm-rules/dry-run',
      access: 'officer',
      audit: 'alarm.rules.dry-run',
      summary: 'What the rules (the ones in force, or body.yaml) would do with an alarm (body.alarm: source, kind, device, location, zone, severity, occurredAt). Nothing runs.',
      maxJsonBytes: 300 * 1024,
      handler: async (req) => {
        const body = parseBody(
          z.strictObject({
            yaml: z.string().max(256 * 1024).optional(),
            alarm: z.strictObject({ source: z.string(), kind: z.string(), device: z.string().optional(), location: z.string().optional(), zone: z.string().optional(), severity: z.enum(['info', 'warning', 'critical']).default('warning'), occurredAt: z.iso.datetime({ offset: true }).optional(), cameraId: z.string().optional() }),
          }),
          req.body,
        );
        const rules = body.yaml !== undefined ? (await deps.rules.validate(body.yaml)).rules : deps.rules.rules();
        const a = body.alarm;
        return {
          results: service.dryRun(
            { source: a.source as never, kind: a.kind, severity: a.severity, device: a.device ?? null, location: a.location ?? null, zone: a.zone, occurredAt: a.occurredAt ?? new Date(deps.clock.now()).toISOString(), raw: null, cameraId: a.cameraId },
            rules,
          ),
        };
      },
    },
    { method: 'get', path: '/api/homes', access: 'viewer', summary: 'Homes and whether each is under watch today.', handler: () => ({ homes: deps.watch.list(deps.clock.now()) }) },
    { method: 'get', path: '/api/homes/:id/log', access: 'viewer', summary: 'The daily log of door openings of a home.', handler: (req) => ({ home: String(req.params.id), days: deps.watch.dailyLog(String(req.params.id)) }) },
    { method: 'get', path: '/api/grids', access: 'viewer', summary: 'Grids and their workers (with their open orders).', handler: () => ({ grids: orders.grids(), workers: orders.workers() }) },
    {
      method: 'get',
      path: '/api/work-orders',
      access: 'viewer',
      summary: 'Work orders, newest first (filters: status, worker, grid, limit), with their running deadlines.',
      handler: (req) => {
        const q = req.query as Record<string, string | undefined>;
        return { now: deps.clock.now(), deadlines: null, workOrders: orders.list({ status: q.status, worker: q.worker, grid: q.grid, limit: q.limit ? Number(q.limit) : undefined }) };
      },
    },
    {
      method: 'post',
      path: '/api/work-orders',
      access: 'officer',
      audit: 'work-order.create',
      created: true,
      summary: 'A work order from video patrol or a resident request (phone, location, what); assigned to the worker of its grid.',
      handler: (req, _res, ctx) => orders.create(parseBody(workOrderBody, req.body), who(ctx)),
    },
    {
      method: 'get',
      path: '/api/work-orders/statistics',
      access: 'viewer',
      summary: 'Per grid and worker: orders, median time to site, % within each deadline (the red/black board); `?format=csv` for CSV.',
      handler: (req, res) => {
        const q = req.query as Record<string, string | undefined>;
        const stats = orders.statistics({ from: q.from ? Date.parse(q.from) : undefined, to: q.to ? Date.parse(q.to) : undefined });
        if (q.format === 'csv') {
          res.type('text/csv; charset=utf-8').attachment('work-order-statistics.csv').send('\ufeff' + statisticsCsv([...stats.byGrid.map((l) => ({ ...l, key: `grid:${l.key}` })), ...stats.byWorker.map((l) => ({ ...l, key: `worker:${l.key}` }))]));
          return;
        }
        return stats;
      },
    },
    { method: 'get', path: '/api/work-orders/:id', access: 'viewer', summary: 'One work order with its history.', handler: (req) => ({ ...orders.get(idParam(req.params.id)), history: orders.history(idParam(req.params.id)) }) },
    {
      method: 'post',
      path: '/api/work-orders/:id/assign',
      access: 'officer',
      audit: 'work-order.assign',
      summary: 'Assign (or reassign) to a worker (body: worker); the deadlines start again.',
      handler: (req, _res, ctx) => orders.assign(idParam(req.params.id), parseBody(z.strictObject({ worker: text(64) }), req.body).worker, who(ctx)),
    },
    { method: 'post', path: '/api/work-orders/:id/accept', access: 'officer', audit: 'work-order.accept', summary: 'The worker accepts the order (the assigned worker, the grid\'s supervisor or an admin; others 403 not_assigned_worker).', handler: (req, _res, ctx) => orders.accept(idParam(req.params.id), stepper(ctx)) },
    { method: 'post', path: '/api/work-orders/:id/on-site', access: 'officer', audit: 'work-order.on-site', summary: 'The worker is on site (the assigned worker, the grid\'s supervisor or an admin).', handler: (req, _res, ctx) => orders.arrive(idParam(req.params.id), stepper(ctx)) },
    {
      method: 'post',
      path: '/api/work-orders/:id/resolve',
      access: 'officer',
      audit: 'work-order.resolve',
      summary: 'Resolved (small) or planned (complex), with a note and an optional JPEG/PNG photo (base64); the assigned worker, the grid\'s supervisor or an admin.',
      maxJsonBytes: 7 * 1024 * 1024,
      handler: (req, _res, ctx) => orders.resolve(idParam(req.params.id), stepper(ctx), parseBody(resolveBody, req.body)),
    },
  ]);
}
