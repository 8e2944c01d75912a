import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ANONYMOUS_ACTOR, type AuditLog } from '../auth/audit-log.js';
import { allows, type Access, type Principal } from '../auth/principal.js';
import type { TokenService } from '../auth/tokens.js';
import { UserError, errorBody, messageBody } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { redactUrl, tokenFromRequest } from './credentials.js';
import { checkOrigin } from './origin.js';
import { ROUTE_ACCESS, auditDetail, type RouteDef, type RouteModule } from './route.js';
import { setSecurityHeaders } from './security-headers.js';
import { DEFAULT_JSON_LIMIT_BYTES, assertJsonDepth } from './validate.js';

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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_TARGET_LENGTH = 200;

function accessGate(access: Access, tokens: TokenService): TaggedHandler {
  const gate: TaggedHandler = (req, res, next) => {
    const token = tokenFromRequest(req);
    const principal = token ? tokens.resolve(token) : undefined;
    if (principal) req.principal = principal;
    if (access === 'public') return next();
    if (!principal) {
      res.status(401).json(messageBody('unauthorized', token ? 'auth.expired' : 'auth.login-required'));
      return;
    }
    if (!allows(principal, access)) {
      res.status(403).json(principal.via === 'wall' ? messageBody('forbidden', 'auth.wall-read-only', { role: access }) : messageBody('forbidden', 'auth.role-needed', { role: access, current: principal.role }));
      return;
    }
    next();
  };
  gate[ROUTE_ACCESS] = access;
  return gate;
}

/** The JSON body of one route: at most its declared size, nested at most MAX_JSON_DEPTH, checked before parsing. */
function jsonBody(route: RouteDef): RequestHandler {
  return express.json({
    limit: route.maxJsonBytes ?? DEFAULT_JSON_LIMIT_BYTES,
    verify: (_req, _res, raw) => assertJsonDepth(raw),
  });
}

/**
 * Runs a route's handler. A route with an audit action gets its audit entry written before the
 * handler runs (outcome `pending`; the request is refused with 503 when it cannot be written), and
 * completed with the outcome afterwards: no change without its audit entry.
 */
function runRoute(route: RouteDef, audit: AuditLog, log: Logger): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const ctx = { principal: req.principal, remote: req.ip };
    const params = Object.values(req.params ?? {}).join('/');
    const target = params ? params.slice(0, MAX_TARGET_LENGTH) : undefined;
    const request = auditDetail(req.body);
    let auditId: number | undefined;
    if (route.audit) {
      try {
        auditId = audit.begin({ principal: req.principal ?? ANONYMOUS_ACTOR, action: route.audit, target, detail: request, remote: ctx.remote });
      } catch (err) {
        log.error({ err, action: route.audit }, 'audit log write failed; the request was refused');
        next(new UserError('audit.unavailable', {}, 503, 'audit_unavailable'));
        return;
      }
    }
    const finish = (outcome: 'ok' | 'failed' | 'refused', error?: string) => {
      if (auditId === undefined) return;
      try {
        // A public route (login) names who it was about in res.locals.auditTarget.
        const about = res.locals.auditTarget as string | undefined;
        audit.finish(auditId, {
          outcome,
          principal: req.principal,
          target: about === undefined ? undefined : about.slice(0, MAX_TARGET_LENGTH),
          detail: error === undefined ? undefined : { request, error: error.slice(0, 500) },
        });
      } catch (err) {
        log.error({ err, action: route.audit, auditId }, 'could not complete an audit entry (left pending)');
      }
    };
    try {
      const result = await route.handler(req, res, ctx);
      finish('ok');
      if (!res.headersSent) {
        if (result === undefined) res.status(204).end();
        else res.status(route.created ? 201 : 200).json(result);
      }
    } catch (err) {
      const refused = err instanceof UserError && (err.status === 401 || err.status === 403 || err.status === 429);
      finish(refused ? 'refused' : 'failed', err instanceof Error ? err.message : String(err));
      next(err);
    }
  };
}

function bodyError(err: { type?: string; status?: number; message?: string; limit?: number }): UserError {
  if (err.type === 'entity.parse.failed') return new UserError('request.not-json');
  if (err.type === 'entity.too.large') return new UserError('request.too-large', { limit: err.limit ?? '?' }, 413, 'body_too_large');
  return new UserError('request.bad', { reason: err.message ?? 'bad request' }, err.status ?? 400);
}

/** Builds the express app: every route from the feature modules, each behind its declared role. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const origins = new Set(deps.corsOrigins ?? []);
  app.use((req, res, next) => {
    setSecurityHeaders(req, res);
    next();
  });
  if (origins.size) {
    app.use((req, res, next) => {
      const origin = req.headers.origin;
      if (origin && origins.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
        res.setHeader('Vary', 'Origin');
      }
      if (req.method === 'OPTIONS') return void res.status(204).end();
      next();
    });
  }
  // Cross-site request refusal for everything that can change state (see origin.ts).
  app.use((req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const verdict = checkOrigin(req, origins);
    if (verdict.ok) return next();
    res.status(403).json({ error: verdict.error, code: verdict.code });
  });
  for (const module of deps.modules) {
    for (const route of module.routes()) {
      if (route.method !== 'get' && !route.audit) throw new Error(`${route.method.toUpperCase()} ${route.path} changes state but names no audit action`);
      app[route.method](route.path, accessGate(route.access, deps.tokens), jsonBody(route), runRoute(route, deps.audit, deps.log));
    }
  }
  for (const dir of deps.staticDirs ?? []) app.use(express.static(dir, { index: 'index.html', fallthrough: true }));
  app.use('/api', (req, res) => {
    res.status(404).json(messageBody('not_found', 'request.no-route', { method: req.method, path: `${req.baseUrl}${req.path}` }));
  });
  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof UserError) {
      res.status(err.status).json(errorBody(err));
      return;
    }
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      const answer = bodyError(err as { type?: string; status?: number; message?: string; limit?: number });
      res.status(answer.status).json(errorBody(answer));
      return;
    }
    deps.log.error({ err, method: req.method, url: redactUrl(req.originalUrl) }, 'request failed');
    res.status(500).json(messageBody('internal', 'internal'));
  };
  app.use(onError);
  return app;
}
