/** REST: PTZ moves, presets and patrol tours of one camera. Every change is audited by the router. */
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { RouteDef } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import type { PresetService } from './presets.js';
import type { Actor, PtzControl } from './ptz-control.js';
import type { CameraRegistry } from './registry.js';
import type { TourRunner } from './tour-runner.js';
import { tourInputSchema, type TourDefinitions } from './tours.js';

export interface PtzRoutesDeps {
  registry: CameraRegistry;
  ptz: PtzControl;
  presets: PresetService;
  definitions: TourDefinitions;
  tours: TourRunner;
}

const unit = z.number().min(-1).max(1);
const speed = z.number().min(0.01).max(1).optional();

function actor(p: Principal | undefined): Actor {
  return { name: p!.name, role: p!.role, ...(p!.tokenId ? { tokenId: p!.tokenId } : {}) };
}

export function ptzRoutes(d: PtzRoutesDeps): RouteDef[] {
  const id = (req: { params: Record<string, unknown> }): string => {
    const value = String(req.params.id);
    d.registry.get(value);
    return value;
  };
  return [
    {
      method: 'get',
      path: '/api/cameras/:id/ptz/status',
      access: 'viewer',
      summary: 'PTZ position (generic space) and whether the camera moves, asked now',
      handler: async (req) => {
        const cam = d.registry.get(String(req.params.id));
        const s = await cam.driver.status();
        cam.notePtz(s.position, s.moving);
        return { position: s.position, moving: s.moving ?? null };
      },
    },
    {
      method: 'post',
      path: '/api/cameras/:id/ptz/absolute',
      access: 'officer',
      audit: 'camera.ptz.absolute',
      summary: 'Move to {x, y} (-1..1) and optional zoom (0..1)',
      handler: async (req, _r, ctx) => {
        const b = parseBody(z.strictObject({ x: unit.optional(), y: unit.optional(), zoom: z.number().min(0).max(1).optional(), speed }), req.body);
        await d.ptz.absolute(id(req), actor(ctx.principal), { ...(b.x !== undefined ? { x: b.x } : {}), ...(b.y !== undefined ? { y: b.y } : {}), ...(b.zoom !== undefined ? { zoom: b.zoom } : {}) }, b.speed);
        return { ok: true };
      },
    },
    {
      method: 'post',
      path: '/api/cameras/:id/ptz/relative',
      access: 'officer',
      audit: 'camera.ptz.relative',
      summary: 'Move by {x, y, zoom} (-1..1 of the full range)',
      handler: async (req, _r, ctx) => {
        const b = parseBody(z.strictObject({ x: unit.default(0), y: unit.default(0), zoom: unit.default(0), speed }), req.body);
        await d.ptz.relative(id(req), actor(ctx.principal), { x: b.x, y: b.y, zoom: b.zoom }, b.speed);
        return { ok: true };
      },
    },
    {
      method: 'post',
      path: '/api/cameras/:id/ptz/zoom',
      access: 'officer',
      audit: 'camera.ptz.zoom',
      summary: 'Zoom to {zoom} (0 = wide .. 1 = tele)',
      handler: async (req, _r, ctx) => {
        const b = parseBody(z.strictObject({ zoom: z.number().min(0).max(1), speed }), req.body);
        await d.ptz.zoom(id(req), actor(ctx.principal), b.zoom, b.speed);
        return { ok: true };
      },
    },
    {
      method: 'post',
      path: '/api/cameras/:id/ptz/stop',
      access: 'officer',
      audit: 'camera.ptz.stop',
      summary: 'Stop every movement',
      handler: async (req, _r, ctx) => {
        await d.ptz.stop(id(req), actor(ctx.principal));
        return { ok: true };
      },
    },
    {
      method: 'post',
      path: '/api/cameras/:id/ptz/home',
      access: 'officer',
      audit: 'camera.ptz.home',
      summary: 'Go to the home position',
      handler: async (req, _r, ctx) => {
        const b = parseBody(z.strictObject({ speed }), req.body);
        await d.ptz.home(id(req), actor(ctx.principal), b.speed);
        return { ok: true };
      },
    },
    {
      method: 'post',
      path: '/api/cameras/:id/ptz/home/set',
      access: 'officer',
      audit: 'camera.home.set',
      summary: 'Make the current position the home position',
      handler: async (req, _r, ctx) => {
        await d.ptz.setHome(id(req), actor(ctx.principal));
        return { ok: true };
      },
    },
    { method: 'get', path: '/api/cameras/:id/presets', access: 'viewer', summary: 'Presets (token, name, position)', handler: async (req) => ({ presets: await d.presets.list(id(req)) }) },
    {
      method: 'post',
      path: '/api/cameras/:id/presets',
      access: 'officer',
      audit: 'camera.preset.save',
      created: true,
      summary: 'Save the current position as a preset {name} (UTF-8, unique per camera)',
      handler: (req, _r, ctx) => d.presets.save(id(req), actor(ctx.principal), parseBody(z.strictObject({ name: z.string().max(200) }), req.body).name),
    },
    {
      method: 'patch',
      path: '/api/cameras/:id/presets/:preset',
      access: 'officer',
      audit: 'camera.preset.rename',
      summary: 'Rename a preset (by token or name) to {name}; the position is kept',
      handler: (req) => d.presets.rename(id(req), String(req.params.preset), parseBody(z.strictObject({ name: z.string().max(200) }), req.body).name),
    },
    {
      method: 'delete',
      path: '/api/cameras/:id/presets/:preset',
      access: 'officer',
      audit: 'camera.preset.delete',
      summary: 'Delete a preset (refused while a tour uses it)',
      handler: (req, _r, ctx) => d.presets.remove(id(req), actor(ctx.principal), String(req.params.preset)),
    },
    {
      method: 'post',
      path: '/api/cameras/:id/presets/:preset/goto',
      access: 'officer',
      audit: 'camera.preset.goto',
      summary: 'Go to a preset (by token or name), optional {speed}',
      handler: async (req, _r, ctx) => d.presets.goto(id(req), actor(ctx.principal), String(req.params.preset), parseBody(z.strictObject({ speed }), req.body).speed),
    },
    {
      method: 'get',
      path: '/api/cameras/:id/tours',
      access: 'viewer',
      summary: 'Patrol tours of the camera and the running one',
      handler: (req) => ({ tours: d.definitions.list(id(req)), running: d.tours.status(String(req.params.id)) }),
    },
    {
      method: 'put',
      path: '/api/cameras/:id/tours/:name',
      access: 'officer',
      audit: 'camera.tour.save',
      summary: 'Create or replace a tour: {steps: [{preset, dwellMs, speed?}], loop, windows?: [{from, to, days?}]}',
      handler: async (req, _r, ctx) => {
        const cameraId = id(req);
        const saved = await d.definitions.save(cameraId, String(req.params.name), parseBody(tourInputSchema, req.body), ctx.principal!.name);
        if (d.tours.status(cameraId)?.name === saved.name) d.tours.startTour(cameraId, saved.name, ctx.principal!.name);
        return saved;
      },
    },
    {
      method: 'delete',
      path: '/api/cameras/:id/tours/:name',
      access: 'officer',
      audit: 'camera.tour.delete',
      summary: 'Delete a tour (stops it if it runs)',
      handler: (req) => {
        const cameraId = id(req);
        d.tours.forget(cameraId, String(req.params.name));
        d.definitions.remove(cameraId, String(req.params.name));
        return { deleted: String(req.params.name) };
      },
    },
    {
      method: 'post',
      path: '/api/cameras/:id/tours/:name/start',
      access: 'officer',
      audit: 'camera.tour.start',
      summary: 'Start a tour (replaces the running one; 409 while someone controls the camera)',
      handler: (req, _r, ctx) => d.tours.startTour(id(req), String(req.params.name), ctx.principal!.name, ctx.principal!.tokenId),
    },
    {
      method: 'post',
      path: '/api/cameras/:id/tour/stop',
      access: 'officer',
      audit: 'camera.tour.stop',
      summary: 'Stop the running tour',
      handler: (req) => ({ stopped: d.tours.stopTour(id(req)) }),
    },
    { method: 'get', path: '/api/cameras/:id/tour', access: 'viewer', summary: 'The running tour and its current step', handler: (req) => ({ running: d.tours.status(id(req)) }) },
  ];
}
