import { z } from 'zod';
import { defineRoutes, type RouteModule } from '../http/route.js';
import { gridSchema, homeSchema, workerSchema } from './config.js';
import type { AlarmDirectory } from './directory.js';

const idOf = (raw: unknown): string => String(raw);
const gridBody = gridSchema.omit({ id: true });
const workerBody = workerSchema.omit({ id: true });
const homeBody = homeSchema.omit({ id: true });

/** A device a page may pick (door sensors for homes; gates and alarm devices for grids). */
export interface PickableDevice {
  id: string;
  name: string;
  kind: string;
}

/**
 * Grids, grid workers and homes under watch edited on the pages: admins edit grids and workers,
 * officers set on-duty states and edit homes under watch, viewers read (GET /api/grids and
 * /api/homes). Entries of the configuration file are refused with 409 `directory.from-config`.
 */
export function directoryRoutes(deps: { directory: AlarmDirectory; devices: () => PickableDevice[] }): RouteModule {
  const { directory } = deps;
  const who = (ctx: { principal?: { name: string } | undefined }) => ctx.principal?.name ?? 'unknown';
  return defineRoutes([
    {
      method: 'get',
      path: '/api/alarm-directory/options',
      access: 'viewer',
      summary: 'What the grid and home pages may pick: door sensors (with the home each is in), gates and alarm devices, by name.',
      handler: () => {
        const homes = directory.homes();
        return { devices: deps.devices().map((d) => ({ ...d, home: homes.find((h) => h.sensors.includes(d.id))?.id ?? null })) };
      },
    },
    { method: 'post', path: '/api/grids', access: 'admin', audit: 'grid.add', created: true, body: gridSchema, summary: 'Add a grid (id, name, buildings, gates, cameras, devices, supervisor, supervisorUser).', handler: (req, _res, ctx) => directory.addGrid(req.body as z.infer<typeof gridSchema>, who(ctx)) },
    { method: 'put', path: '/api/grids/:id', access: 'admin', audit: 'grid.update', body: gridBody, summary: 'Change a grid added on the page (grids of the configuration file: 409).', handler: (req, _res, ctx) => directory.updateGrid(idOf(req.params.id), req.body as z.infer<typeof gridBody>, who(ctx)) },
    { method: 'delete', path: '/api/grids/:id', access: 'admin', audit: 'grid.remove', summary: 'Remove a grid added on the page that has no workers left.', handler: (req) => void directory.removeGrid(idOf(req.params.id)) },
    { method: 'post', path: '/api/grid-workers', access: 'admin', audit: 'grid-worker.add', created: true, body: workerSchema, summary: 'Add a grid worker (id, name, phone, grid, onDuty, user).', handler: (req, _res, ctx) => directory.addWorker(req.body as z.infer<typeof workerSchema>, who(ctx)) },
    { method: 'put', path: '/api/grid-workers/:id', access: 'admin', audit: 'grid-worker.update', body: workerBody, summary: 'Change a grid worker added on the page.', handler: (req, _res, ctx) => directory.updateWorker(idOf(req.params.id), req.body as z.infer<typeof workerBody>, who(ctx)) },
    { method: 'delete', path: '/api/grid-workers/:id', access: 'admin', audit: 'grid-worker.remove', summary: 'Remove a grid worker added on the page (their orders keep their history).', handler: (req) => void directory.removeWorker(idOf(req.params.id)) },
    {
      method: 'post',
      path: '/api/grid-workers/:id/duty',
      access: 'officer',
      audit: 'grid-worker.duty',
      body: z.strictObject({ onDuty: z.boolean() }),
      summary: 'On or off duty (any worker, also one of the configuration file): new work orders of the grid go to workers on duty.',
      handler: (req, _res, ctx) => directory.setOnDuty(idOf(req.params.id), (req.body as { onDuty: boolean }).onDuty, who(ctx)),
    },
    { method: 'post', path: '/api/homes', access: 'officer', audit: 'home.add', created: true, body: homeSchema, summary: 'Put a home under watch (building, unit, room, residents, phone, door sensors, nearest camera, watch dates, allowed hours).', handler: (req, _res, ctx) => directory.addHome(req.body as z.infer<typeof homeSchema>, who(ctx)) },
    { method: 'put', path: '/api/homes/:id', access: 'officer', audit: 'home.update', body: homeBody, summary: 'Change a home added on the page (an early end is undone).', handler: (req, _res, ctx) => directory.updateHome(idOf(req.params.id), req.body as z.infer<typeof homeBody>, who(ctx)) },
    { method: 'post', path: '/api/homes/:id/end-watch', access: 'officer', audit: 'home.end-watch', summary: 'End a home\'s watch now (any home); its daily log stays.', handler: (req, _res, ctx) => directory.endWatch(idOf(req.params.id), who(ctx)) },
    { method: 'delete', path: '/api/homes/:id', access: 'officer', audit: 'home.remove', summary: 'Remove a home added on the page (its daily log stays).', handler: (req) => void directory.removeHome(idOf(req.params.id)) },
  ]);
}
