/**
 * `/api/streams/:camera?profile=main|sub&format=mse|jsmpeg` — the one WebSocket for live video.
 *
 * jsmpeg: the server speaks first, like node-rtsp-stream: an 8-byte `jsmp` header (width,
 * height), then MPEG-TS. mse: the player speaks first, `{"type":"hello","codecs":[...]}` listing
 * what MediaSource.isTypeSupported accepts; the server answers `{"type":"mse","mime":...}` and the
 * init segment, then fMP4 fragments; or, when the browser cannot play the camera's codec,
 * `{"type":"jsmpeg",...}` and the jsmpeg byte stream on the same socket.
 *
 * Status text messages (`{"type":"status",...}`, stream-status.ts) go to every mse socket and to
 * jsmpeg sockets that asked with `?status=1` (a plain JSMpeg client feeds every message to its
 * demuxer). A viewer of an offline camera stays connected: it is told why, the cameras feature
 * is asked to reconnect, and the stream starts as soon as the camera is back.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { StreamProfile, StreamSource } from '../cameras/stream-sources.js';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { WsContext, WsEndpoint } from '../http/ws-router.js';
import type { StreamSink } from './live-stream.js';
import type { StreamManager, StreamingConfig } from './manager.js';
import { reasonFromSourceError, sameStatus, stateFor, statusMessage, type StatusMessage } from './stream-status.js';
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

/** While the camera is offline, the source is asked again this often (no process is started). */
const SOURCE_RETRY_MS = 500;

/** The player's hello, validated: a text frame holding `{"type":"hello","codecs":[string...]}`; undefined for anything else. */
export function parseHello(data: unknown, isBinary: boolean): string[] | undefined {
  if (isBinary) return undefined;
  try {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data as Buffer[]).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const msg: unknown = JSON.parse(text);
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return undefined;
    const { type, codecs } = msg as { type?: unknown; codecs?: unknown };
    if (type !== 'hello' || !Array.isArray(codecs)) return undefined;
    return codecs.filter((c): c is string => typeof c === 'string' && c.length <= 100).slice(0, 64);
  } catch {
    return undefined;
  }
}

/** Errors that mean "not now" (camera offline, login refused): the viewer waits and is told why. */
function worthWaiting(err: unknown): boolean {
  if (!(err instanceof UserError)) return false;
  if (err.status === 503 || err.status === 504) return true;
  return err.status !== 404 && reasonFromSourceError(err).code === 'camera.login_refused';
}

/**
 * Resolves the camera's source; while the camera is offline tells the viewer (`tell`), asks the
 * cameras feature to reconnect (rate-limited by the manager) and tries again. Undefined once the
 * viewer has left; throws what is not worth waiting for (unknown camera).
 */
async function waitForSource(manager: StreamManager, cameraId: string, profile: StreamProfile, viewer: Viewer, tell: (m: StatusMessage) => void): Promise<StreamSource | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  viewer.onClose(() => {
    if (timer) clearTimeout(timer);
    wake?.();
  });
  for (;;) {
    try {
      return await manager.resolve(cameraId, profile);
    } catch (err) {
      if (!worthWaiting(err)) throw err;
      if (!viewer.open) return undefined;
      const reason = reasonFromSourceError(err);
      tell(statusMessage(stateFor(reason), reason));
      manager.nudgeReconnect(cameraId);
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, SOURCE_RETRY_MS);
      });
      timer = wake = undefined;
      if (!viewer.open) return undefined;
    }
  }
}

/** A sink that passes on only the stream's status messages (`media=0`: the pictures go by WebRTC). */
function statusOnly(viewer: Viewer): StreamSink {
  return {
    droppedUnits: 0,
    onClose: (handler) => viewer.onClose(handler),
    control: (message) => {
      if (message.type === 'status') viewer.control(message);
    },
    raw: () => {},
    resync: () => {},
    unit: () => true,
    close: (code, reason) => viewer.close(code, reason),
  };
}

export function streamEndpoint(deps: StreamEndpointDeps): WsEndpoint {
  const { manager, config, log } = deps;

  const join = (viewer: Viewer, cameraId: string, profile: StreamProfile, format: StreamFormat, source: StreamSource, wantsStatus: boolean, codecs?: string[], media = true): void => {
    if (!viewer.open) return;
    if (!media) {
      // A WebRTC tile's status channel: the stream's status messages, no pictures.
      manager.attach({ cameraId, profile, format: 'mse' }, source, { viewer: statusOnly(viewer), wantsStatus: true });
      return;
    }
    if (format === 'jsmpeg') {
      manager.attach({ cameraId, profile, format }, source, { viewer, wantsStatus });
      return;
    }
    const fallback = (reason: string): void => {
      viewer.control({ type: 'jsmpeg', reason, width: source.width, height: source.height });
      manager.attach({ cameraId, profile, format: 'jsmpeg' }, source, { viewer, wantsStatus: true });
    };
    if (!playerCanPlay(source.codec, codecs ?? [])) {
      return fallback(`this browser cannot play ${source.codec.toUpperCase()} through MSE; sending MPEG1 (transcoded)`);
    }
    manager.attach({ cameraId, profile, format }, source, {
      viewer,
      wantsStatus: true,
      acceptsInit: (init: InitSegment) => playerCanPlay(init.codecs, codecs ?? []),
      onInitRefused: (init: InitSegment) => fallback(`this browser cannot play ${init.codecs} through MSE; sending MPEG1 (transcoded)`),
    });
  };

  return {
    path: '/api/streams/:camera',
    access: 'viewer',
    summary:
      'Live video of a camera: ?profile=main|sub (default main) &format=jsmpeg|mse (default jsmpeg). jsmpeg: `jsmp` header + MPEG-TS/MPEG1 (node-rtsp-stream compatible). ' +
      'mse: send {"type":"hello","codecs":[...]} first; answered with {"type":"mse","mime"} + fMP4, or {"type":"jsmpeg"} + the jsmpeg stream when the browser cannot play the codec. ' +
      'Status text messages {"type":"status","state","reason":{"code","message"}} on mse, and on jsmpeg with &status=1. ' +
      'mse with &media=0: status messages only, no pictures (the status channel of a WebRTC tile).',
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
      const wantsStatus = format === 'mse' || ctx.query.get('status') === '1';
      const media = !(format === 'mse' && ctx.query.get('media') === '0');
      // mse: nothing goes to the player before its hello; the last status waits for it.
      let talking = format === 'jsmpeg';
      let told: StatusMessage | undefined;
      let pending: StatusMessage | undefined;
      const tell = (m: StatusMessage): void => {
        if (!wantsStatus || sameStatus(told ?? pending, m)) return;
        if (talking) {
          told = m;
          viewer.control({ ...m });
        } else pending = m;
      };
      // Resolve while (for mse) the hello is on its way; refuse unknown cameras at once.
      const resolving = waitForSource(manager, cameraId, profile, viewer, tell);
      resolving.catch((err: unknown) => {
        const { code, reason } = closeFor(err);
        if (code === CLOSE.internal) log.error({ err, ...who }, 'resolving the stream source failed');
        viewer.close(code, reason);
      });
      if (format === 'jsmpeg') {
        void resolving.then((source) => source && join(viewer, cameraId, profile, format, source, wantsStatus), () => {});
        return;
      }
      const timer = setTimeout(() => viewer.close(CLOSE.badRequest, 'send {"type":"hello","codecs":[...]} first'), config.helloTimeoutMs);
      viewer.onClose(() => clearTimeout(timer));
      ws.once('message', (data, isBinary) => {
        clearTimeout(timer);
        const codecs = parseHello(data, isBinary);
        if (!codecs) return viewer.close(CLOSE.badRequest, 'the first message must be {"type":"hello","codecs":[...]}');
        talking = true;
        const waiting = pending;
        pending = undefined;
        if (waiting) tell(waiting);
        void resolving.then((source) => source && join(viewer, cameraId, profile, format, source, true, codecs, media), () => {});
      });
    },
  };
}
