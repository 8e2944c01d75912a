/** REST: saved console views (own and shared) and each user's current grid. */
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { UserError } from '../core/errors.js';
import type { RouteDef } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import { LAYOUT_CELLS, VIEW_LAYOUTS, type ViewStore } from './store.js';

const cameraId = z.string().min(1).max(64);
const grid = z
  .strictObject({ layout: z.enum(VIEW_LAYOUTS), cells: z.array(cameraId.nullable()).max(16) })
  .refine((g) => g.cells.length <= LAYOUT_CELLS[g.layout], { message: 'more cells than the layout has', path: ['cells'] });

/** Views belong to people: a TV wall's token has none. */
function person(p: Principal | undefined): Principal {
  if (!p || p.via === 'wall') throw new UserError('views.wall-none', {}, 403, 'forbidden');
  return p;
}

export function viewRoutes(store: ViewStore): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/views',
      access: 'viewer',
      summary: 'Your saved console views and the shared ones, and your current grid (restored after a reload)',
      handler: (_req, _res, ctx) => {
        const p = person(ctx.principal);
        return { views: store.list(p.name), current: store.current(p.name) };
      },
    },
    {
      method: 'post',
      path: '/api/views',
      access: 'viewer',
      audit: 'console.view.save',
      summary: 'Save a view {name, layout: 1|4|9|16|1+5|1+7|2x3, cells: [camera id or null], shared?}; the same name replaces it; shared views need an admin',
      handler: (req, _res, ctx) => {
        const p = person(ctx.principal);
        const body = parseBody(z.strictObject({ name: z.string().trim().min(1).max(60), shared: z.boolean().default(false), layout: z.enum(VIEW_LAYOUTS), cells: z.array(cameraId.nullable()).max(16) }), req.body);
        const checked = parseBody(grid, { layout: body.layout, cells: body.cells });
        if (body.shared && p.role !== 'admin') throw new UserError('views.share-admin-only', {}, 403, 'forbidden');
        return store.save(p.name, body.name, body.shared, checked);
      },
    },
    {
      method: 'delete',
      path: '/api/views/:id',
      access: 'viewer',
      audit: 'console.view.delete',
      summary: 'Delete one of your views (shared views: admins only)',
      handler: (req, _res, ctx) => {
        const p = person(ctx.principal);
        store.remove(String(req.params.id), p.name, p.role === 'admin');
        return { deleted: String(req.params.id) };
      },
    },
    {
      method: 'put',
      path: '/api/views/current',
      access: 'viewer',
      audit: 'console.view.current',
      summary: 'Remember your current grid {layout, cells, viewId?} (the console restores it after a reload)',
      handler: (req, _res, ctx) => {
        const p = person(ctx.principal);
        const body = parseBody(z.strictObject({ layout: z.enum(VIEW_LAYOUTS), cells: z.array(cameraId.nullable()).max(16), viewId: z.string().max(64).nullable().default(null) }), req.body);
        store.setCurrent(p.name, parseBody(grid, { layout: body.layout, cells: body.cells }), body.viewId);
        return { ok: true };
      },
    },
  ];
}
