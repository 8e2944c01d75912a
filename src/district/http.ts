import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { UserError, errorBody, messageBody } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { DistrictClips } from './clips.js';
import type { DistrictConfig } from './config.js';
import { noticeRequestSchema, type NoticeSender } from './notices.js';
import { flowView, noticesView, plateSearch, sitesView } from './queries.js';
import { alarmsView, workOrderStats, workOrdersView } from './alarm-queries.js';
import { allowsRole, type DistrictPrincipal, type DistrictRole, type DistrictUsers } from './users.js';

type Handler = (req: Request, principal: DistrictPrincipal) => Promise<unknown>;

/** The raw body of an upload, refused (413) past `limit` bytes before it is all read; empty is 400. */
async function readUpload(req: Request, limit: number): Promise<Buffer> {
  const mib = Math.round(limit / 1048576);
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new UserError('district.clip-size', { mib }, 413, 'too-large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new UserError('district.clip-size', { mib }, 413, 'too-large');
    chunks.push(chunk);
  }
  if (size === 0) throw new UserError('district.clip-size', { mib }, 400, 'empty');
  return Buffer.concat(chunks);
}

/**
 * The district's HTTP API (its own users and roles; Bearer tokens only, so no cookie can be
 * forged from another origin). Errors are the gateway's `{ error, code, messageCode, params }` with a 4xx/5xx status.
 */
export function districtApp(deps: { pool: pg.Pool; users: DistrictUsers; notices: NoticeSender; clips: DistrictClips; config: DistrictConfig; log: Logger; staticDir?: string }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  const route = (role: DistrictRole, handler: Handler) => async (req: Request, res: Response) => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const principal = token ? await deps.users.verify(token) : undefined;
    if (!principal) return void res.status(401).json(messageBody('unauthenticated', 'district.login-required'));
    if (!allowsRole(principal, role)) return void res.status(403).json(messageBody('forbidden', 'auth.role-needed', { role, current: principal.role }));
    res.json(await handler(req, principal));
  };

  app.post('/api/district/login', async (req, res) => {
    const body = z.object({ name: z.string().max(64), password: z.string().max(256) }).safeParse(req.body);
    if (!body.success) return void res.status(400).json(messageBody('invalid-body', 'district.login-body'));
    const session = await deps.users.login(body.data.name, body.data.password);
    if (!session) return void res.status(401).json(messageBody('invalid-credentials', 'auth.wrong-login'));
    res.json({ token: session.token, user: session.principal });
  });
  app.get('/api/district/me', route('viewer', async (_req, p) => p));
  app.get('/api/district/sites', route('viewer', async () => ({ sites: await sitesView(deps.pool, deps.config.sites, deps.config.offlineAfterMs) })));
  app.get(
    '/api/district/flow',
    route('viewer', async (req) => {
      const q = z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }).safeParse(req.query);
      if (!q.success) throw new UserError('district.range-invalid', {}, 400, 'invalid-range');
      const to = q.data.to ? new Date(q.data.to) : new Date();
      const from = q.data.from ? new Date(q.data.from) : new Date(to.getTime() - 24 * 3600_000);
      if (to.getTime() - from.getTime() > 93 * 24 * 3600_000 || to <= from) throw new UserError('district.range-too-long', { days: 93 }, 400, 'invalid-range');
      return { from: from.toISOString(), to: to.toISOString(), buckets: await flowView(deps.pool, from, to) };
    }),
  );
  app.get(
    '/api/district/entries',
    route('viewer', async (req) => {
      const q = z.object({ plate: z.string().trim().min(2).max(32), limit: z.coerce.number().int().min(1).max(1000).default(200) }).safeParse(req.query);
      if (!q.success) throw new UserError('district.plate-invalid', { min: 2, max: 32 }, 400, 'invalid-plate');
      return { plate: q.data.plate, entries: await plateSearch(deps.pool, q.data.plate, q.data.limit) };
    }),
  );
  app.get('/api/district/alarms', route('viewer', async () => ({ alarms: await alarmsView(deps.pool, 200) })));
  app.get('/api/district/work-orders', route('viewer', async () => ({ workOrders: await workOrdersView(deps.pool, 200) })));
  app.get(
    '/api/district/work-orders/statistics',
    route('viewer', async (req) => {
      const q = z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }).safeParse(req.query);
      if (!q.success) throw new UserError('district.range-invalid', {}, 400, 'invalid-range');
      const to = q.data.to ? new Date(q.data.to) : new Date();
      const from = q.data.from ? new Date(q.data.from) : new Date(to.getTime() - 30 * 24 * 3600_000);
      if (to.getTime() - from.getTime() > 366 * 24 * 3600_000 || to <= from) throw new UserError('district.range-too-long', { days: 366 }, 400, 'invalid-range');
      return { from: from.toISOString(), to: to.toISOString(), grids: await workOrderStats(deps.pool, from, to) };
    }),
  );
  app.get('/api/district/clips', route('viewer', async () => ({ clips: await deps.clips.list() })));
  app.post(
    '/api/district/clips',
    route('officer', async (req, p) => {
      const name = typeof req.query.name === 'string' ? req.query.name.trim() : '';
      if (!name || name.length > 64) throw new UserError('district.clip-name', { max: 64 }, 400, 'invalid-clip-name');
      if (/json|form/.test(String(req.headers['content-type'] ?? ''))) throw new UserError('district.clip-type', { type: String(req.headers['content-type']) }, 415, 'unsupported-media-type');
      const data = await readUpload(req, deps.config.clips.maxUploadMb * 1024 * 1024);
      return { clip: await deps.clips.add({ name, data, contentType: req.headers['content-type'], by: p.name }) };
    }),
  );
  app.get('/api/district/notices', route('viewer', async () => ({ notices: await noticesView(deps.pool, 100) })));
  app.post(
    '/api/district/notices',
    route('officer', async (req, p) => {
      const body = noticeRequestSchema.safeParse(req.body);
      if (!body.success) throw new UserError('district.notice-invalid', { problems: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }, 400, 'invalid-notice');
      return deps.notices.send(body.data, p.name);
    }),
  );
  if (deps.staticDir) {
    const dir = deps.staticDir;
    app.use(express.static(dir, { index: false }));
    // the dashboard's district page (the same built dashboards as the gateway's)
    app.get(['/', '/district', '/district/*rest'], (_req, res) => res.sendFile(join(dir, 'index.html'), (err) => err && res.status(404).json(messageBody('not-built', 'district.not-built'))));
  }
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof UserError) return void res.status(err.status).json(errorBody(err));
    if ((err as { type?: string }).type === 'entity.too.large') return void res.status(413).json(messageBody('too-large', 'request.too-large', { limit: 64 * 1024 }));
    if (err instanceof SyntaxError) return void res.status(400).json(messageBody('invalid-json', 'request.not-json'));
    deps.log.error({ err: String(err) }, 'district request failed');
    res.status(500).json(messageBody('internal', 'district.internal'));
  });
  return app;
}
