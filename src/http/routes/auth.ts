import { z } from 'zod';
import type { AuditLog } from '../../auth/audit-log.js';
import type { LoginGuard } from '../../auth/login-guard.js';
import { MAX_PASSWORD_LENGTH } from '../../auth/password-policy.js';
import type { TokenService } from '../../auth/tokens.js';
import type { UserDirectory } from '../../auth/users.js';
import { NotFoundError, UserError } from '../../core/errors.js';
import { TOKEN_COOKIE } from '../credentials.js';
import { auditFilter } from './admin.js';
import { defineRoutes, type RouteModule } from '../route.js';
import { parseBody } from '../validate.js';

/** Longest login name accepted (config user names are identifiers, far shorter). */
export const MAX_LOGIN_NAME_LENGTH = 64;
const secretField = z.string().min(1).max(MAX_PASSWORD_LENGTH, `at most ${MAX_PASSWORD_LENGTH} characters`);
const loginBody = z.object({ name: z.string().min(1).max(MAX_LOGIN_NAME_LENGTH, `at most ${MAX_LOGIN_NAME_LENGTH} characters`), password: secretField });
// The strength of the new password is checked by the user directory (stable codes in `details.reason`).
const passwordBody = z.object({ currentPassword: secretField, newPassword: z.string().max(MAX_PASSWORD_LENGTH + 1) });
const unlockBody = z
  .strictObject({ name: z.string().min(1).max(MAX_LOGIN_NAME_LENGTH).optional(), address: z.string().min(1).max(64).optional() })
  .refine((b) => b.name !== undefined || b.address !== undefined, { message: 'give name, address or both' });
const wallBody = z.object({ label: z.string().min(1).max(64) });

export function authRoutes(deps: { users: UserDirectory; tokens: TokenService; audit: AuditLog; guard: LoginGuard; sessionTtlMs: number }): RouteModule {
  return defineRoutes([
    {
      method: 'post',
      path: '/api/auth/login',
      access: 'public',
      audit: 'auth.login',
      summary: 'Log in with name and password; answers a token for HTTP (Authorization: Bearer) and WebSocket (?token=), and sets it as a cookie.',
      handler: async (req, res) => {
        const body = parseBody(loginBody, req.body);
        res.locals.auditTarget = body.name;
        const lock = deps.guard.check(body.name, req.ip);
        if (lock) {
          res.setHeader('Retry-After', String(lock.retryAfterSeconds));
          throw new UserError(
            lock.scope === 'user' ? 'auth.locked-name' : 'auth.locked-address',
            { seconds: lock.retryAfterSeconds },
            429,
            'login_locked',
            { scope: lock.scope, retryAfterSeconds: lock.retryAfterSeconds },
          );
        }
        const user = await deps.users.authenticate(body.name, body.password);
        if (!user) {
          deps.guard.failure(body.name, req.ip);
          throw new UserError('auth.wrong-login', {}, 401, 'unauthorized');
        }
        deps.guard.success(body.name);
        const issued = deps.tokens.issueSession(user);
        req.principal = { name: user.name, role: user.role, via: 'session', tokenId: issued.id };
        res.cookie(TOKEN_COOKIE, issued.token, { httpOnly: true, sameSite: 'strict', secure: req.secure, maxAge: deps.sessionTtlMs, path: '/' });
        return { token: issued.token, expiresAt: issued.expiresAt, user };
      },
    },
    {
      method: 'post',
      path: '/api/auth/logout',
      access: 'viewer',
      audit: 'auth.logout',
      summary: 'Ends this login (the token stops working).',
      handler: (_req, res, ctx) => {
        if (ctx.principal?.tokenId && ctx.principal.via === 'session') deps.tokens.revoke(ctx.principal.tokenId);
        res.clearCookie(TOKEN_COOKIE, { path: '/' });
        return { ok: true };
      },
    },
    {
      method: 'get',
      path: '/api/auth/me',
      access: 'viewer',
      summary: 'Who the token belongs to, and its role.',
      handler: (_req, _res, ctx) => ({ name: ctx.principal!.name, role: ctx.principal!.role, via: ctx.principal!.via }),
    },
    {
      method: 'post',
      path: '/api/auth/password',
      access: 'viewer',
      audit: 'auth.password.change',
      summary:
        'Changes your own password (not for wall tokens, not for users of the configuration file: 409 `password_managed_by_config`). 400 `weak_password` with `details.reason`: too_short, too_long, too_few_distinct, repetitive, sequence, common. Ends your other login sessions.',
      handler: async (req, _res, ctx) => {
        const body = parseBody(passwordBody, req.body);
        if (ctx.principal!.via !== 'session') throw new UserError('auth.wall-no-password', {}, 403, 'forbidden');
        if (!(await deps.users.authenticate(ctx.principal!.name, body.currentPassword))) throw new UserError('auth.wrong-password', {}, 400, 'wrong_password');
        const { endedSessions } = deps.users.changePassword(ctx.principal!.name, body.newPassword, { keepTokenId: ctx.principal!.tokenId });
        return { ok: true, endedSessions };
      },
    },
    {
      method: 'get',
      path: '/api/auth/lockouts',
      access: 'admin',
      summary: 'Login names and addresses locked now after too many failed logins.',
      handler: () => ({ lockouts: deps.guard.lockouts() }),
    },
    {
      method: 'post',
      path: '/api/auth/unlock',
      access: 'admin',
      audit: 'auth.login.unlock',
      summary: 'Lifts the login lock of a name and/or an address (body: name, address); 404 when neither was locked.',
      handler: (req) => {
        const body = parseBody(unlockBody, req.body);
        const lifted = deps.guard.unlock(body);
        if (lifted.length === 0) throw new NotFoundError('auth.unlock-none');
        return { ok: true, lifted };
      },
    },
    {
      method: 'get',
      path: '/api/wall-tokens',
      access: 'admin',
      summary: 'Every TV-wall token (never the token itself).',
      handler: () => ({ tokens: deps.tokens.listWalls() }),
    },
    {
      method: 'post',
      path: '/api/wall-tokens',
      access: 'admin',
      audit: 'auth.wall-token.create',
      created: true,
      summary: 'Creates a long-lived read-only token for a TV wall; the token is shown only in this answer.',
      handler: (req, _res, ctx) => {
        const body = parseBody(wallBody, req.body);
        const issued = deps.tokens.issueWall(body.label, ctx.principal!.name);
        return { id: issued.id, token: issued.token, label: body.label };
      },
    },
    {
      method: 'delete',
      path: '/api/wall-tokens/:id',
      access: 'admin',
      audit: 'auth.wall-token.revoke',
      summary: 'Revokes a wall token: walls using it show a refusal at their next request.',
      handler: (req) => {
        if (!deps.tokens.revoke(String(req.params.id))) throw new NotFoundError('wall-token.not-found', { id: String(req.params.id) });
        return { ok: true };
      },
    },
    {
      method: 'get',
      path: '/api/users',
      access: 'admin',
      summary: 'Users and their roles.',
      handler: () => ({ users: deps.users.list() }),
    },
    {
      method: 'get',
      path: '/api/audit',
      access: 'admin',
      summary: 'The audit log, newest first (`limit`, `before` id; filters `action` (exact, or a prefix ending in "."), `user`, `outcome`, `from`, `to`).',
      handler: (req) => {
        const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100) || 100));
        const before = req.query.before === undefined ? undefined : Number(req.query.before);
        return { entries: deps.audit.list({ ...auditFilter(req.query as Record<string, unknown>), limit, beforeId: Number.isFinite(before) ? before : undefined }) };
      },
    },
  ]);
}
