/**
 * REST: the control lock of one camera. The lock is held per login session, so the answer says
 * whether it is the caller's own session (`mine`), the holder's display name, since when and when
 * it frees itself if nothing more is sent (`expiresAt`).
 */
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { RouteDef } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import { sameHolder, type ControlLock, type LockHolder } from './lock.js';
import type { CameraRegistry } from './registry.js';

export interface LockRoutesDeps {
  registry: CameraRegistry;
  lock: ControlLock;
  /** The name people read for a user (the users' display name), if any. */
  displayName?: (name: string) => string | undefined;
}

/** What the API says about a holder: never its session id, only whether it is the caller's. */
export function describeHolder(lock: ControlLock, h: LockHolder, caller: Principal | undefined) {
  return {
    name: h.name,
    displayName: h.displayName ?? h.name,
    role: h.role,
    kind: h.kind,
    since: h.since,
    expiresAt: lock.expiresAt(h),
    mine: caller !== undefined && sameHolder(h, caller),
  };
}

export function lockRoutes(d: LockRoutesDeps): RouteDef[] {
  const camera = (req: { params: Record<string, unknown> }): string => {
    const id = String(req.params.id);
    d.registry.get(id);
    return id;
  };
  return [
    {
      method: 'get',
      path: '/api/cameras/:id/lock',
      access: 'viewer',
      summary: 'Who controls the camera (null: nobody): display name, since, expiresAt (frees itself then), mine (held by this login session)',
      handler: (req, _res, ctx) => {
        const h = d.lock.holder(camera(req));
        return { controller: h ? describeHolder(d.lock, h, ctx.principal) : null };
      },
    },
    {
      method: 'post',
      path: '/api/cameras/:id/lock',
      access: 'officer',
      audit: 'camera.lock.acquire',
      summary: 'Take control of the camera for this login session (409 naming the holder); admins may send {"takeover":true}',
      handler: (req, _res, ctx) => {
        const id = camera(req);
        const { takeover } = parseBody(z.strictObject({ takeover: z.boolean().default(false) }), req.body);
        const p = ctx.principal!;
        const displayName = d.displayName?.(p.name);
        const h = d.lock.acquire(id, { name: p.name, role: p.role, ...(p.tokenId ? { tokenId: p.tokenId } : {}), ...(displayName ? { displayName } : {}) }, takeover);
        return { controller: describeHolder(d.lock, h, p) };
      },
    },
    {
      method: 'delete',
      path: '/api/cameras/:id/lock',
      access: 'officer',
      audit: 'camera.lock.release',
      summary: 'Give control of the camera back (only the session holding it can); it is free for others at once',
      handler: (req, _res, ctx) => ({ released: d.lock.release(camera(req), ctx.principal!) }),
    },
  ];
}
