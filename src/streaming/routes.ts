/** HTTP side of streaming: per-stream status, and the JSMpeg player script from npm for the player page. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { defineRoutes, type RouteModule } from '../http/route.js';
import type { StreamManager } from './manager.js';
import { STREAM_FORMATS, STREAM_PROFILES, type StreamFormat } from './types.js';
import type { StreamProfile } from '../cameras/stream-sources.js';

/** A page's streams about to be watched: at most one grid's worth. */
const prepareBody = z.strictObject({
  streams: z
    .array(z.strictObject({ camera: z.string().min(1).max(64), profile: z.enum(STREAM_PROFILES as [StreamProfile, ...StreamProfile[]]), format: z.enum(STREAM_FORMATS as [StreamFormat, ...StreamFormat[]]) }))
    .min(1)
    .max(16),
});

/** How long a prepared stream waits for its viewer: the configured grace, at least long enough for a page's players to load. */
export function prepareHoldMs(graceMs: number): number {
  return Math.max(5000, graceMs);
}

/** JSMpeg (MIT, phoboslab) as packaged by @cycjimmy/jsmpeg-player: its UMD build defines `window.JSMpeg`. */
export function jsmpegScriptPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@cycjimmy/jsmpeg-player')), 'jsmpeg-player.umd.min.js');
}

export function streamingRoutes(manager: StreamManager, graceMs: number): RouteModule {
  const script = jsmpegScriptPath();
  return defineRoutes([
    {
      method: 'get',
      path: '/api/streams',
      access: 'viewer',
      summary: 'Live streams now running (viewers, bitrate, fps, restarts, last error) and the cameras that can be watched',
      handler: () => ({ streams: manager.list(), cameras: manager.cameras() }),
    },
    {
      method: 'post',
      path: '/api/streams/prepare',
      access: 'viewer',
      audit: 'stream.prepare',
      body: prepareBody,
      summary:
        'Start the streams a page is about to show {streams: [{camera, profile: main|sub, format: mse|jsmpeg}]} (at most 16), so that its players find them running; ' +
        'each waits for its viewer for the grace period (at least 5 s). Unknown or offline cameras are skipped and listed.',
      handler: async (req) => {
        const { streams } = req.body as z.infer<typeof prepareBody>;
        const hold = prepareHoldMs(graceMs);
        const done = await Promise.all(streams.map((s) => manager.prepare({ cameraId: s.camera, profile: s.profile, format: s.format }, hold)));
        return { prepared: streams.filter((_, i) => done[i]).map((s) => s.camera), skipped: streams.filter((_, i) => !done[i]).map((s) => s.camera), holdMs: hold };
      },
    },
    {
      method: 'get',
      path: '/player/jsmpeg.min.js',
      access: 'public',
      summary: 'The JSMpeg player script used by /player.html (from the npm package @cycjimmy/jsmpeg-player, MIT)',
      handler: (_req, res) =>
        // resolve only once sent: the route runner answers 204 to a handler that returned nothing
        new Promise<void>((resolve, reject) => {
          res.setHeader('Cache-Control', 'public, max-age=86400');
          res.type('application/javascript').sendFile(script, (err) => (err ? reject(err) : resolve()));
        }),
    },
  ]);
}
