/** HTTP side of streaming: per-stream status, and the JSMpeg player script from npm for the player page. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineRoutes, type RouteModule } from '../http/route.js';
import type { StreamManager } from './manager.js';

/** JSMpeg (MIT, phoboslab) as packaged by @cycjimmy/jsmpeg-player: its UMD build defines `window.JSMpeg`. */
export function jsmpegScriptPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@cycjimmy/jsmpeg-player')), 'jsmpeg-player.umd.min.js');
}

export function streamingRoutes(manager: StreamManager): RouteModule {
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
