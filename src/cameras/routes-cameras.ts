/** REST: the camera list, adding/removing cameras, discovery, status, snapshots, the control lock. */
import { z } from 'zod';
import { cameraDiscovery } from '../../devices/onvif-camera/topics.js';
import type { CamerasConfig } from '../config/schema.js';
import { ConflictError, UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { RouteDef } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import { probeCameras } from './discovery.js';
import { testCameraConnection } from './connection-test.js';
import type { ControlLock } from './lock.js';
import { lockRoutes } from './routes-lock.js';
import type { CameraRegistry } from './registry.js';
import { cameraStateView } from './state-view.js';
import type { TourRunner } from './tour-runner.js';

export interface CameraRoutesDeps {
  /** The name people read for a user (the users' display name), if any. */
  displayName?: (name: string) => string | undefined;
  registry: CameraRegistry;
  lock: ControlLock;
  tours: TourRunner;
  publisher: MqttPublisher;
  config: CamerasConfig;
  log: Logger;
  onRemoved: (id: string) => void;
}

const addSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only'),
  name: z.string().min(1).max(64),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  path: z.string().startsWith('/').optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  location: z.string().max(128).optional(),
  /** Speakers near the camera: speaker ids or `group:<name>`. */
  speakers: z.array(z.string().min(1).max(80)).max(32).optional(),
});

const patchSchema = addSchema.omit({ id: true }).partial().refine((p) => Object.keys(p).length > 0, 'change at least one field');

const testSchema = addSchema.omit({ id: true, name: true, location: true, speakers: true });

let discovering = false;

export function cameraRoutes(d: CameraRoutesDeps): RouteDef[] {
  const describe = (id: string): Record<string, unknown> => {
    const cam = d.registry.get(id);
    return {
      id,
      location: cam.def.location ?? null,
      group: ('group' in cam.def ? cam.def.group : undefined) ?? null,
      path: cam.def.path ?? null,
      username: cam.def.username ?? null,
      lastSeenAt: cam.live.lastSeenAt,
      device: cam.live.device,
      speakers: cam.def.speakers ?? [],
      host: cam.def.host,
      port: cam.def.port,
      source: cam.source,
      ...cameraStateView(cam, d.lock, d.tours),
      lastError: cam.live.lastError,
      lastErrorCode: cam.live.lastErrorCode,
      clockOffsetMs: cam.live.online ? cam.driver.clockOffsetMs : null,
      capabilities: cam.capabilities,
      eventHealth: cam.eventHealth,
    };
  };
  return [
    { method: 'get', path: '/api/cameras', access: 'viewer', summary: 'Every camera with its state', handler: (req) => {
        // ?device=1 (the device page): also read maker, model and firmware of cameras not read since they connected (in the background; feed shows the result).
        if (req.query.device === '1') for (const c of d.registry.list()) c.readDeviceInformation();
        return { cameras: d.registry.list().map((c) => describe(c.id)) };
      },
    },
    { method: 'get', path: '/api/cameras/:id', access: 'viewer', summary: 'One camera: state, capabilities, clock offset', handler: (req) => describe(String(req.params.id)) },
    {
      method: 'post',
      path: '/api/cameras',
      access: 'admin',
      audit: 'camera.add',
      created: true,
      summary: 'Add a camera at run time (kept in the database); its password is never shown again',
      handler: (req, _res, ctx) => {
        const body = parseBody(addSchema, req.body);
        d.registry.add(body, ctx.principal!.name);
        return describe(body.id);
      },
    },
    {
      method: 'patch',
      path: '/api/cameras/:id',
      access: 'admin',
      audit: 'camera.update',
      summary: 'Change a camera added at run time (name, address, login, location, speakers); it reconnects at once. Absent password: unchanged.',
      handler: (req) => {
        const id = String(req.params.id);
        d.registry.update(id, parseBody(patchSchema, req.body));
        return describe(id);
      },
    },
    {
      method: 'post',
      path: '/api/cameras/test',
      access: 'admin',
      audit: 'camera.test',
      summary: 'Try an address and login before adding a camera: connects, reads device information, media profiles and clock offset, then disconnects',
      handler: async (req) => {
        const body = parseBody(testSchema, req.body);
        return testCameraConnection(body, d.config.requestTimeoutMs);
      },
    },
    {
      method: 'delete',
      path: '/api/cameras/:id',
      access: 'admin',
      audit: 'camera.remove',
      summary: 'Remove a camera added at run time (with its tours and preset names)',
      handler: (req) => {
        const id = String(req.params.id);
        d.registry.remove(id);
        d.onRemoved(id);
        return { removed: id };
      },
    },
    {
      method: 'post',
      path: '/api/cameras/discover',
      access: 'admin',
      audit: 'camera.discover',
      summary: 'WS-Discovery for durationMs (progress on the feed as cameras/discovery); marks cameras already added',
      handler: async (req) => {
        const { durationMs } = parseBody(z.strictObject({ durationMs: z.number().int().min(200).max(d.config.discovery.maxDurationMs).default(3000) }), req.body);
        if (discovering) throw new ConflictError('camera.discovery-running');
        discovering = true;
        const progress = (state: 'running' | 'done', found: number, elapsedMs: number): void => {
          d.publisher.publish(cameraDiscovery, {}, { state, elapsedMs, durationMs, found }).catch(() => {});
        };
        try {
          progress('running', 0, 0);
          const found = await probeCameras({ targets: d.config.discovery.targets, durationMs, onProgress: (n, ms) => progress('running', n, ms) });
          progress('done', found.length, durationMs);
          const known = d.registry.list();
          return {
            durationMs,
            cameras: found.map((f) => ({ ...f, addedAs: known.find((k) => k.def.host === f.host && k.def.port === f.port)?.id ?? null })),
          };
        } finally {
          discovering = false;
        }
      },
    },
    {
      method: 'get',
      path: '/api/cameras/:id/snapshot',
      access: 'viewer',
      summary: 'A JPEG from the camera (?profile=main|sub), fetched by the gateway with the camera\'s credentials',
      handler: async (req, res) => {
        const cam = d.registry.get(String(req.params.id));
        const caps = cam.capabilities;
        if (!caps) throw new UserError('camera.offline', { camera: cam.id }, 503, 'device_unavailable');
        const profile = req.query.profile === 'sub' ? (caps.profiles[1] ?? caps.profiles[0]) : caps.profiles[0];
        if (!profile) throw new UserError('camera.no-profile', { camera: cam.id }, 501, 'not_supported');
        const snap = await cam.driver.snapshot(profile.token).catch((err: unknown) => {
          cam.reportFailure(err);
          throw err;
        });
        // The type the bytes show (the driver refuses anything but an image), never the camera's claim.
        res
          .status(200)
          .set({ 'Content-Type': snap.contentType, 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': 'inline', 'Content-Security-Policy': "default-src 'none'; sandbox", 'Cache-Control': 'no-store' })
          .end(snap.body);
      },
    },
    ...lockRoutes({ registry: d.registry, lock: d.lock, ...(d.displayName ? { displayName: d.displayName } : {}) }),
  ];
}
