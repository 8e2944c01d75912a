/** Live video over WebSocket: stream manager, the one endpoint, status routes and the player page. */
import { fileURLToPath } from 'node:url';
import type { FeatureFactory } from '../feature.js';
import { streamEndpoint } from './endpoint.js';
import { LIVE_FRAGMENTS, liveFragments } from './fragment-tap.js';
import { StreamManager } from './manager.js';
import { streamingRoutes } from './routes.js';

export const streamingFeature: FeatureFactory = (ctx) => {
  const log = ctx.log.child({ component: 'streaming' });
  const manager = new StreamManager({
    config: ctx.config.streaming,
    ffmpegConfiguredPath: ctx.config.ffmpeg.path,
    capabilities: ctx.capabilities,
    metrics: ctx.metrics,
    log,
  });
  ctx.capabilities.provide(LIVE_FRAGMENTS, liveFragments(manager));
  return {
    name: 'streaming',
    services: [manager],
    routes: streamingRoutes(manager, ctx.config.streaming.graceMs),
    wsEndpoints: [streamEndpoint({ manager, config: ctx.config.streaming, log })],
    staticDirs: [fileURLToPath(new URL('./public', import.meta.url))],
  };
};
