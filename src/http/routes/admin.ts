import { z } from 'zod';
import { csvLine } from '../../access/csv.js';
import type { AuditFilter, AuditLog } from '../../auth/audit-log.js';
import { MAX_SITE_NAME, type SiteSettings } from '../../auth/site-settings.js';
import type { UserDirectory } from '../../auth/users.js';
import { UserError } from '../../core/errors.js';
import { roleSchema } from '../../config/schema.js';
import { siteLocalTime, utcOffsetLabel } from '../../core/site-time.js';
import { defineRoutes, type RouteModule } from '../route.js';
import { parseBody } from '../validate.js';

const userName = z.string().trim().min(1).max(64).regex(/^[^\s/:]+$/, 'no spaces, "/" or ":"');
const displayName = z.string().trim().max(64).nullable().optional();
const createBody = z.strictObject({ name: userName, role: roleSchema, password: z.string().max(256), displayName });
const updateBody = z.strictObject({ role: roleSchema.optional(), displayName });

const AUDIT_CSV_MAX_ROWS = 50_000;
const AUDIT_CSV_PAGE = 1000;

/** The audit filters of a query string: action (exact, or a prefix ending in "."), user, outcome, from, to (ISO times). */
export function auditFilter(query: Record<string, unknown>): AuditFilter {
  const text = (key: string, max = 200) => (typeof query[key] === 'string' && query[key] ? String(query[key]).slice(0, max) : undefined);
  const time = (key: string) => {
    const value = text(key, 40);
    return value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;
  };
  return { action: text('action'), user: text('user', 64), outcome: text('outcome', 16), from: time('from'), to: time('to') };
}

/** Administration: users and their roles, the audit log as CSV. */
export function adminRoutes(deps: { users: UserDirectory; audit: AuditLog; settings: SiteSettings; utcOffsetMinutes: number }): RouteModule {
  return defineRoutes([
    {
      method: 'put',
      path: '/api/site/name',
      access: 'admin',
      audit: 'site.name.set',
      summary: 'Renames the site (body: name, 1 to 64 characters); kept in the database over site.name of the configuration.',
      handler: (req, _res, ctx) => {
        const raw: unknown = req.body && typeof req.body === 'object' ? (req.body as { name?: unknown }).name : undefined;
        const name = typeof raw === 'string' ? raw.trim() : '';
        if (!name || [...name].length > MAX_SITE_NAME) throw new UserError('settings.site-name', { max: MAX_SITE_NAME });
        return { name: deps.settings.setSiteName(name, ctx.principal!.name) };
      },
    },
    {
      method: 'post',
      path: '/api/users',
      access: 'admin',
      audit: 'auth.user.create',
      created: true,
      summary: 'Adds a user (body: name, role, password, displayName); the password follows the password rules (400 `weak_password`).',
      handler: (req) => deps.users.create(parseBody(createBody, req.body)),
    },
    {
      method: 'patch',
      path: '/api/users/:name',
      access: 'admin',
      audit: 'auth.user.update',
      summary: "Changes a user's role or display name (not users of the configuration file; never the last admin, never yourself out of admin). A role change ends the user's login sessions.",
      handler: (req, _res, ctx) => deps.users.update(String(req.params.name), parseBody(updateBody, req.body), ctx.principal!.name),
    },
    {
      method: 'delete',
      path: '/api/users/:name',
      access: 'admin',
      audit: 'auth.user.remove',
      summary: 'Removes a user and ends their login sessions (not users of the configuration file, not yourself, not the last admin).',
      handler: (req, _res, ctx) => {
        deps.users.remove(String(req.params.name), ctx.principal!.name);
        return { ok: true };
      },
    },
    {
      method: 'get',
      path: '/api/audit.csv',
      access: 'admin',
      summary: "The audit log as CSV (UTF-8 with BOM, newest first, times in the site's UTC offset), same filters as /api/audit; at most 50,000 rows.",
      handler: (req, res) => {
        const filter = auditFilter(req.query as Record<string, unknown>);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', 'attachment; filename="audit.csv"');
        let out = '\ufeff' + csvLine([`time (${utcOffsetLabel(deps.utcOffsetMinutes)})`, 'user', 'role', 'action', 'target', 'outcome', 'from', 'detail']);
        let before: number | undefined;
        for (let rows = 0; rows < AUDIT_CSV_MAX_ROWS; ) {
          const page = deps.audit.list({ ...filter, limit: AUDIT_CSV_PAGE, beforeId: before });
          for (const e of page) out += csvLine([siteLocalTime(e.at, deps.utcOffsetMinutes), e.user, e.role, e.action, e.target ?? '', e.outcome, e.remote ?? '', e.detail === null ? '' : JSON.stringify(e.detail)]);
          rows += page.length;
          if (page.length < AUDIT_CSV_PAGE) break;
          before = page[page.length - 1]!.id;
        }
        res.send(out);
      },
    },
  ]);
}
