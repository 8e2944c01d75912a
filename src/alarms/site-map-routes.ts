import { z } from 'zod';
import { NotFoundError, UserError } from '../core/errors.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import { MAX_PLAN_BYTES, SITE_MAP_KINDS, type SiteMapKind, type SiteMapStore } from './site-map-store.js';

/** Something that can be placed on the map, with the name people know it by. */
export interface SiteMapItem {
  kind: SiteMapKind;
  id: string;
  name: string;
  /** The alarm devices that flash this place (a home's door sensors; a device itself). */
  devices: string[];
  /** The camera that sees it (a camera is its own). */
  cameraId?: string;
}

const fraction = z.number().min(0).max(1);
const placeBody = z.strictObject({ x: fraction, y: fraction });
const imageBody = z.strictObject({ base64: z.string().min(1).max(Math.ceil((MAX_PLAN_BYTES * 4) / 3) + 4096) });

/** The site map over HTTP: the plan image (admin uploads), the things on it (officers place them). */
export function siteMapRoutes(deps: { store: SiteMapStore; items: () => SiteMapItem[]; cameraKnown: (id: string) => boolean }): RouteModule {
  const { store } = deps;
  const who = (ctx: { principal?: { name: string } | undefined }) => ctx.principal?.name ?? 'unknown';
  const kindOf = (raw: unknown): SiteMapKind => {
    const kind = String(raw);
    if (!(SITE_MAP_KINDS as readonly string[]).includes(kind)) throw new UserError('site-map.kind-unknown', { kind: kind.slice(0, 32), kinds: SITE_MAP_KINDS.join(', ') }, 400, 'bad_kind');
    return kind as SiteMapKind;
  };
  const itemOf = (kind: SiteMapKind, id: string): SiteMapItem => {
    const item = deps.items().find((i) => i.kind === kind && i.id === id);
    if (item) return item;
    // cameras added at run time (kept in the database) are not in the configuration
    if (kind === 'cameras' && deps.cameraKnown(id)) return { kind, id, name: id, devices: [id], cameraId: id };
    throw new NotFoundError('site-map.item-unknown', { id: id.slice(0, 64) });
  };
  return defineRoutes([
    {
      method: 'get',
      path: '/api/site-map',
      access: 'viewer',
      summary: 'The site map: the plan image (type, size, version; null before one is uploaded), everything that can be placed (kind, id, name, the alarm devices that flash it) and where each placed thing sits (x, y as fractions of the image).',
      handler: () => ({ image: store.image(), items: deps.items(), placements: store.placements() }),
    },
    {
      method: 'get',
      path: '/api/site-map/image',
      access: 'viewer',
      summary: 'The plan image itself (PNG or JPEG).',
      handler: (_req, res) => {
        const image = store.imageBytes();
        if (!image) throw new NotFoundError('site-map.no-image');
        res.type(image.contentType).set('cache-control', 'private, max-age=0, must-revalidate').set('x-content-type-options', 'nosniff').send(image.bytes);
      },
    },
    {
      method: 'put',
      path: '/api/site-map/image',
      access: 'admin',
      audit: 'site-map.image',
      summary: 'Upload the plan image (body: base64 of a PNG or JPEG, at most 5 MiB; the type is read from its first bytes). The places already set are kept.',
      maxJsonBytes: Math.ceil((MAX_PLAN_BYTES * 4) / 3) + 64 * 1024,
      handler: (req, _res, ctx) => {
        const body = parseBody(imageBody, req.body);
        return store.saveImage(Buffer.from(body.base64, 'base64'), who(ctx));
      },
    },
    {
      method: 'put',
      path: '/api/site-map/placements/:kind/:id',
      access: 'officer',
      audit: 'site-map.place',
      summary: 'Put a camera, barrier, speaker, alarm button, door sensor or watched home at a place on the plan (body: x, y as fractions 0..1 of the image).',
      handler: (req, _res, ctx) => {
        const kind = kindOf(req.params.kind);
        const item = itemOf(kind, String(req.params.id));
        if (!store.image()) throw new UserError('site-map.no-image-yet', {}, 409, 'no_image');
        const body = parseBody(placeBody, req.body);
        return store.place(kind, item.id, body.x, body.y, who(ctx));
      },
    },
    {
      method: 'delete',
      path: '/api/site-map/placements/:kind/:id',
      access: 'officer',
      audit: 'site-map.remove',
      summary: 'Take a thing off the plan.',
      handler: (req) => {
        const kind = kindOf(req.params.kind);
        const id = String(req.params.id);
        if (!store.remove(kind, id)) throw new NotFoundError('site-map.not-placed', { id: id.slice(0, 64) });
      },
    },
  ]);
}
