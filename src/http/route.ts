import type { Request, Response } from 'express';
import type { z } from 'zod';
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
  /** Largest JSON body this route accepts, in bytes (default DEFAULT_JSON_LIMIT_BYTES). */
  maxJsonBytes?: number;
  /**
   * The JSON body's schema: checked before the handler runs (a 400 naming every bad field), the
   * handler gets the parsed value in `req.body`, and it documents the body in the OpenAPI document.
   */
  body?: z.ZodType;
  /** The query string's schema: checked before the handler runs and documented the same way. */
  query?: z.ZodType;
  /** Tag grouping the route in the OpenAPI document (default: the path's first segment after /api). */
  tag?: string;
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
/** Bounds of what one audit entry keeps of a request body. */
const DETAIL_MAX_DEPTH = 6;
const DETAIL_MAX_KEYS = 40;
const DETAIL_MAX_ITEMS = 20;
const DETAIL_MAX_STRING = 300;
const DETAIL_MAX_JSON = 8 * 1024;

function summarise(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > DETAIL_MAX_STRING ? `${value.slice(0, DETAIL_MAX_STRING)}… (${value.length} characters)` : value;
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  if (depth >= DETAIL_MAX_DEPTH) return Array.isArray(value) ? `[${value.length} items]` : '{…}';
  if (Array.isArray(value)) return value.length > DETAIL_MAX_ITEMS ? { items: value.length } : value.map((v) => summarise(v, depth + 1));
  const out: Record<string, unknown> = {};
  let keys = 0;
  for (const key of Object.keys(value)) {
    if (keys++ >= DETAIL_MAX_KEYS) {
      out['…'] = `${Object.keys(value).length - DETAIL_MAX_KEYS} more fields`;
      break;
    }
    const field = key.length > 64 ? `${key.slice(0, 64)}…` : key;
    Object.defineProperty(out, field, {
      value: SECRET_FIELD.test(key) ? '[redacted]' : summarise((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * What the audit log keeps of a request body: secrets redacted, depth, fields, items, strings and
 * total size bounded. It never throws, whatever it is given.
 */
export function auditDetail(body: unknown): unknown {
  try {
    const detail = summarise(body, 0);
    const json = JSON.stringify(detail);
    if (json !== undefined && json.length > DETAIL_MAX_JSON) return { truncated: true, bytes: json.length };
    return detail;
  } catch {
    return { unreadable: true };
  }
}
