import type { Request, Response } from 'express';
import type { Access, Principal } from '../auth/principal.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext {
  /** The caller; always set unless the route is public. */
  principal: Principal | undefined;
  /** The caller's address, for the audit log. */
  remote: string | undefined;
}

/**
 * One HTTP route and who may call it. Every route of the gateway is declared this way, so that a
 * route without a declared role cannot exist (a test walks the router to check). Routes that
 * change state name their audit action; the router writes the audit entry.
 */
export interface RouteDef {
  method: HttpMethod;
  path: string;
  access: Access;
  /** Audit action written for every call (required for every method but GET). */
  audit?: string;
  summary: string;
  /**
   * Return a value to answer it as JSON (200, or 201 when `created` is set), or write `res` yourself
   * before the returned promise settles; returning nothing without writing answers 204.
   */
  handler: (req: Request, res: Response, ctx: RouteContext) => unknown;
  created?: boolean;
}

export const ROUTE_ACCESS = Symbol('routeAccess');

/** A feature's routes, mounted by the HTTP server. */
export interface RouteModule {
  routes(): RouteDef[];
}

export function defineRoutes(routes: RouteDef[]): RouteModule {
  return { routes: () => routes };
}

/** Fields never written into the audit log. */
const SECRET_FIELD = /password|secret|token/i;

export function auditDetail(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  if (Array.isArray(body)) return body.length > 20 ? { items: body.length } : body.map(auditDetail);
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : auditDetail(v)]));
}
