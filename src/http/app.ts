import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { AuditLog } from '../auth/audit-log.js';
import { allows, type Access, type Principal } from '../auth/principal.js';
import type { TokenService } from '../auth/tokens.js';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { tokenFromRequest } from './credentials.js';
import { ROUTE_ACCESS, auditDetail, type RouteDef, type RouteModule } from './route.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export interface AppDeps {
  modules: readonly RouteModule[];
  tokens: TokenService;
  audit: AuditLog;
  log: Logger;
  /** Static folders served at the root (dashboards, player page). */
  staticDirs?: readonly string[];
  corsOrigins?: readonly string[];
}

type TaggedHandler = RequestHandler & { [ROUTE_ACCESS]?: Access };

function accessGate(access: Access, tokens: TokenService): TaggedHandler {
  const gate: TaggedHandler = (req, res, next) => {
    const token = tokenFromRequest(req);
    const principal = token ? tokens.resolve(token) : undefined;
    if (principal) req.principal = principal;
    if (access === 'public') return next();
    if (!principal) {
      res.status(401).json({ error: token ? 'your login has expired or was revoked; log in again' : 'log in first (no token given)', code: 'unauthorized' });
      return;
    }
    if (!allows(principal, access)) {
      res.status(403).json({ error: `this needs the ${access} role; you are ${principal.via === 'wall' ? 'a read-only wall' : principal.role}`, code: 'forbidden' });
      return;
    }
    next();
  };
  gate[ROUTE_ACCESS] = access;
  return gate;
}

function runRoute(route: RouteDef, audit: AuditLog): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const ctx = { principal: req.principal, remote: req.ip };
    const record = (outcome: 'ok' | 'failed' | 'refused', error?: string) => {
      if (!route.audit) return;
      // A public route (login) names who it was about in res.locals.auditSubject.
      const subject = res.locals.auditSubject as string | undefined;
      audit.record({
        principal: req.principal ?? { name: subject ?? 'anonymous', role: 'viewer', via: 'session' },
        action: route.audit,
        target: Object.values(req.params ?? {}).join('/') || undefined,
        detail: error ? { request: auditDetail(req.body), error } : auditDetail(req.body),
        remote: ctx.remote,
        outcome,
      });
    };
    try {
      const result = await route.handler(req, res, ctx);
      record('ok');
      if (!res.headersSent) {
        if (result === undefined) res.status(204).end();
        else res.status(route.created ? 201 : 200).json(result);
      }
    } catch (err) {
      const refused = err instanceof UserError && (err.status === 401 || err.status === 403);
      record(refused ? 'refused' : 'failed', err instanceof Error ? err.message : String(err));
      next(err);
    }
  };
}

/** Builds the express app: every route from the feature modules, each behind its declared role. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '1mb' }));
  if (deps.corsOrigins?.length) {
    const origins = new Set(deps.corsOrigins);
    app.use((req, res, next) => {
      const origin = req.headers.origin;
      if (origin && origins.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      }
      if (req.method === 'OPTIONS') return void res.status(204).end();
      next();
    });
  }
  for (const module of deps.modules) {
    for (const route of module.routes()) {
      if (route.method !== 'get' && !route.audit) throw new Error(`${route.method.toUpperCase()} ${route.path} changes state but names no audit action`);
      app[route.method](route.path, accessGate(route.access, deps.tokens), runRoute(route, deps.audit));
    }
  }
  for (const dir of deps.staticDirs ?? []) app.use(express.static(dir, { index: 'index.html', fallthrough: true }));
  app.use('/api', (req, res) => {
    res.status(404).json({ error: `no API route ${req.method} ${req.baseUrl}${req.path}`, code: 'not_found' });
  });
  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof UserError) {
      res.status(err.status).json({ error: err.message, code: err.code, ...(err.details ? { details: err.details } : {}) });
      return;
    }
    const status = (err as { status?: number; type?: string }).status;
    if (status && status >= 400 && status < 500) {
      const message = (err as { type?: string }).type === 'entity.parse.failed' ? 'the request body is not valid JSON' : (err as Error).message;
      res.status(status).json({ error: message, code: 'bad_request' });
      return;
    }
    deps.log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    res.status(500).json({ error: 'internal error; see the gateway log', code: 'internal' });
  };
  app.use(onError);
  return app;
}
