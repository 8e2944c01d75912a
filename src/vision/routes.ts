/** HTTP side of vision: zones (admin edits), the detection list and its snapshots, counts, live boxes, status. */
import { join } from 'node:path';
import { z } from 'zod';
import { NotFoundError, UserError } from '../core/errors.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import type { VisionService } from './service.js';
import type { VisionStore } from './store.js';
import { zoneInput } from './zones.js';

const SNAPSHOT_FILE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jpg$/;
const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}:00Z$/;

function param(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function visionRoutes(d: { service: VisionService; store: VisionStore; snapshotDir: string }): RouteModule {
  return defineRoutes([
    {
      method: 'get',
      path: '/api/vision/status',
      access: 'viewer',
      summary: 'Whether video analysis runs, its backend and model, and per camera what became of the sampled frames',
      handler: () => d.service.status(),
    },
    {
      method: 'get',
      path: '/api/vision/zones',
      access: 'viewer',
      summary: 'Detection zones (per camera and preset); ?camera= for one camera',
      handler: (req) => {
        const camera = param(req.query.camera);
        return { zones: camera ? d.store.zonesOf(camera) : d.store.zones() };
      },
    },
    {
      method: 'post',
      path: '/api/vision/zones',
      access: 'admin',
      audit: 'vision.zone.add',
      created: true,
      summary: 'Adds a zone: polygon (or line) in fractions of the picture, kind, classes, schedule, thresholds',
      handler: (req, _res, ctx) => d.store.addZone(parseBody(zoneInput, req.body), ctx.principal?.name ?? 'unknown'),
    },
    {
      method: 'put',
      path: '/api/vision/zones/:id',
      access: 'admin',
      audit: 'vision.zone.change',
      summary: 'Replaces a zone (switching it on or off, its schedule, its shape)',
      handler: (req, _res, ctx) => d.store.replaceZone(param(req.params.id), parseBody(zoneInput, req.body), ctx.principal?.name ?? 'unknown'),
    },
    {
      method: 'delete',
      path: '/api/vision/zones/:id',
      access: 'admin',
      audit: 'vision.zone.remove',
      summary: 'Removes a zone',
      handler: (req) => d.store.removeZone(param(req.params.id)),
    },
    {
      method: 'get',
      path: '/api/vision/zones/:id/counts',
      access: 'viewer',
      summary: 'Line-crossing counts per hour (UTC), direction and class; ?from=&to= as YYYY-MM-DDTHH:00Z',
      handler: (req) => {
        const zone = d.store.zone(param(req.params.id));
        const from = param(req.query.from) || `${new Date(Date.now() - 86_400_000).toISOString().slice(0, 13)}:00Z`;
        const to = param(req.query.to) || '9999-12-31T23:00Z';
        if (!HOUR.test(from) || !HOUR.test(to)) throw new UserError('vision.hour-invalid', {}, 400, 'invalid_request');
        return { zone: zone.id, name: zone.name, counts: d.store.counts(zone.id, from, to) };
      },
    },
    {
      method: 'get',
      path: '/api/vision/events',
      access: 'viewer',
      summary: 'The detection list, newest first; ?camera=, ?limit= (1..500), ?before= (ISO time)',
      handler: (req) => {
        const q = parseBody(z.object({ camera: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(50), before: z.string().max(40).optional() }), req.query);
        return { events: d.store.events({ cameraId: q.camera, limit: q.limit, before: q.before }) };
      },
    },
    {
      method: 'get',
      path: '/api/vision/snapshots/:file',
      access: 'viewer',
      summary: 'The annotated snapshot (JPEG, boxes drawn) of a detection',
      handler: (req, res) => {
        const file = param(req.params.file);
        if (!SNAPSHOT_FILE.test(file) || !d.store.snapshotExists(file)) throw new NotFoundError('vision.snapshot-not-found', { file });
        return new Promise<void>((resolve, reject) => {
          res.type('image/jpeg').sendFile(join(d.snapshotDir, file), (err) => (err ? reject(new NotFoundError('vision.snapshot-gone', { file })) : resolve()));
        });
      },
    },
    {
      method: 'get',
      path: '/api/vision/cameras/:id/live',
      access: 'viewer',
      summary: 'The objects tracked on a camera now (boxes in fractions of the picture), for live boxes over the tile',
      handler: (req) => {
        const live = d.service.live(param(req.params.id));
        if (!live) throw new NotFoundError('vision.camera-not-analysed', { camera: param(req.params.id) });
        return live;
      },
    },
  ]);
}
