/** Live video over WebSocket: stream manager, the one endpoint, status routes and the player page. */
import { fileURLToPath } from 'node:url';
import type { FeatureFactory } from '../feature.js';
import { streamEndpoint } from './endpoint.js';
import { LIVE_FRAGMENTS, liveFragments } from './fragment-tap.js';
import { StreamManager } from './manager.js';
import { streamingRoutes } from './routes.js';
import { webrtcRoutes } from './webrtc/routes.js';
import { WebrtcService } from './webrtc/webrtc-service.js';

export const streamingFeature: FeatureFactory = (ctx) => {
  const log = ctx.log.child({ component: 'streaming' });
  const manager = new StreamManager({
    config: ctx.config.streaming,
    ffmpegConfiguredPath: ctx.config.ffmpeg.path,
    capabilities: ctx.capabilities,
    metrics: ctx.metrics,
    log,
    relayVideoRtp: ctx.config.webrtc.enabled && ctx.config.webrtc.cameraRtp,
    relayAudioRtp: ctx.config.webrtc.audio,
  });
  ctx.capabilities.provide(LIVE_FRAGMENTS, liveFragments(manager));
  const webrtc = new WebrtcService({ manager, config: ctx.config.webrtc, httpHost: ctx.config.http.host, log: log.child({ component: 'webrtc' }) });
  const http = streamingRoutes(manager, ctx.config.streaming.graceMs);
  const whep = webrtcRoutes(webrtc);
  return {
    name: 'streaming',
    // WebRTC viewers are stopped before the streams that feed them.
    services: [manager, webrtc],
    routes: { routes: () => [...http.routes(), ...whep.routes()] },
    wsEndpoints: [streamEndpoint({ manager, config: ctx.config.streaming, log })],
    staticDirs: [fileURLToPath(new URL('./public', import.meta.url))],
  };
};
