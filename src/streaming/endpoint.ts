/**
 * `/api/streams/:camera?profile=main|sub&format=mse|jsmpeg` — the one WebSocket for live video.
 *
 * jsmpeg: the server speaks first, like node-rtsp-stream: an 8-byte `jsmp` header (width,
 * height), then MPEG-TS. mse: the player speaks first, `{"type":"hello","codecs":[...]}` listing
 * what MediaSource.isTypeSupported accepts; the server answers `{"type":"mse","mime":...}` and the
 * init segment, then fMP4 fragments; or, when the browser cannot play the camera's codec,
 * `{"type":"jsmpeg",...}` and the jsmpeg byte stream on the same socket.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { StreamProfile, StreamSource } from '../cameras/stream-sources.js';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { WsContext, WsEndpoint } from '../http/ws-router.js';
import type { StreamManager, StreamingConfig } from './manager.js';
import { STREAM_FORMATS, STREAM_PROFILES, type InitSegment, type StreamFormat } from './types.js';
import { CLOSE, Viewer } from './viewer.js';

export interface StreamEndpointDeps {
  manager: StreamManager;
  config: StreamingConfig;
  log: Logger;
}

/** Whether a player that listed `codecs` can play a camera codec family through MSE. */
export function playerCanPlay(codec: StreamSource['codec'] | string, codecs: readonly string[]): boolean {
  const family = codec.startsWith('avc') || codec === 'h264' ? 'h264' : codec.startsWith('hvc') || codec.startsWith('hev') || codec === 'h265' ? 'h265' : 'unknown';
  if (family === 'h264') return codecs.some((c) => /^avc[13]\./i.test(c));
  if (family === 'h265') return codecs.some((c) => /^(hvc1|hev1)\./i.test(c));
  return true; // unknown until the init segment tells: decided there
}

function closeFor(err: unknown): { code: number; reason: string } {
  if (err instanceof UserError) return { code: err.status === 404 ? CLOSE.notFound : err.status >= 500 ? CLOSE.unavailable : CLOSE.badRequest, reason: err.message };
  return { code: CLOSE.internal, reason: 'internal error; see the gateway log' };
}

function parseHello(data: unknown): string[] | undefined {
  try {
    const msg = JSON.parse(String(data)) as { type?: unknown; codecs?: unknown };
    if (msg.type !== 'hello' || !Array.isArray(msg.codecs)) return undefined;
    return msg.codecs.filter((c): c is string => typeof c === 'string').slice(0, 64);
  } catch {
    return undefined;
  }
}

export function streamEndpoint(deps: StreamEndpointDeps): WsEndpoint {
  const { manager, config, log } = deps;

  const join = (viewer: Viewer, cameraId: string, profile: StreamProfile, format: StreamFormat, source: StreamSource, codecs?: string[]): void => {
    if (!viewer.open) return;
    if (format === 'jsmpeg') {
      manager.attach({ cameraId, profile, format }, source, { viewer });
      return;
    }
    const fallback = (reason: string): void => {
      viewer.control({ type: 'jsmpeg', reason, width: source.width, height: source.height });
      manager.attach({ cameraId, profile, format: 'jsmpeg' }, source, { viewer });
    };
    if (!playerCanPlay(source.codec, codecs ?? [])) {
      return fallback(`this browser cannot play ${source.codec.toUpperCase()} through MSE; sending MPEG1 (transcoded)`);
    }
    manager.attach({ cameraId, profile, format }, source, {
      viewer,
      acceptsInit: (init: InitSegment) => playerCanPlay(init.codecs, codecs ?? []),
      onInitRefused: (init: InitSegment) => fallback(`this browser cannot play ${init.codecs} through MSE; sending MPEG1 (transcoded)`),
    });
  };

  return {
    path: '/api/streams/:camera',
    access: 'viewer',
    summary:
      'Live video of a camera: ?profile=main|sub (default main) &format=jsmpeg|mse (default jsmpeg). jsmpeg: `jsmp` header + MPEG-TS/MPEG1 (node-rtsp-stream compatible). ' +
      'mse: send {"type":"hello","codecs":[...]} first; answered with {"type":"mse","mime"} + fMP4, or {"type":"jsmpeg"} + the jsmpeg stream when the browser cannot play the codec.',
    // The player sends one small hello (at most 64 codec strings).
    maxPayload: 16 * 1024,
    handle(ws: WebSocket, _req: IncomingMessage, ctx: WsContext): void {
      const cameraId = ctx.params.camera!;
      const profile = (ctx.query.get('profile') ?? 'main') as StreamProfile;
      const format = (ctx.query.get('format') ?? 'jsmpeg') as StreamFormat;
      const viewer = new Viewer(ws, { maxQueueBytes: config.viewerQueueBytes, slowCloseMs: config.slowViewerCloseMs });
      if (!STREAM_PROFILES.includes(profile)) return viewer.close(CLOSE.badRequest, `profile must be one of ${STREAM_PROFILES.join(', ')}`);
      if (!STREAM_FORMATS.includes(format)) return viewer.close(CLOSE.badRequest, `format must be one of ${STREAM_FORMATS.join(', ')}`);
      const who = { camera: cameraId, profile, format, viewer: viewer.id, user: ctx.principal?.name, remote: ctx.remote };
      log.debug(who, 'viewer connected');
      viewer.onClose(() => log.debug(who, 'viewer left'));
      // Resolve while (for mse) the hello is on its way; refuse unknown cameras at once.
      const resolving = manager.resolve(cameraId, profile);
      resolving.catch((err: unknown) => {
        const { code, reason } = closeFor(err);
        if (code === CLOSE.internal) log.error({ err, ...who }, 'resolving the stream source failed');
        viewer.close(code, reason);
      });
      if (format === 'jsmpeg') {
        void resolving.then((source) => join(viewer, cameraId, profile, format, source), () => {});
        return;
      }
      const timer = setTimeout(() => viewer.close(CLOSE.badRequest, 'send {"type":"hello","codecs":[...]} first'), config.helloTimeoutMs);
      viewer.onClose(() => clearTimeout(timer));
      ws.once('message', (data) => {
        clearTimeout(timer);
        const codecs = parseHello(data);
        if (!codecs) return viewer.close(CLOSE.badRequest, 'the first message must be {"type":"hello","codecs":[...]}');
        void resolving.then((source) => join(viewer, cameraId, profile, format, source, codecs), () => {});
      });
    },
  };
}
