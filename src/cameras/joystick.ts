/**
 * The joystick WebSocket of one camera (`/api/cameras/:id/joystick`). The client sends
 * `{"pan","tilt","zoom"}` velocities (-1..1) at least 5 times a second while held, and a zero
 * vector (or `{"type":"stop"}`) on release. The gateway sends ContinuousMove only when the
 * vector changes (or to refresh it before its Timeout lapses), Stop on release, and — the
 * dead-man — Stop at once when the socket closes or nothing arrives for `deadmanMs`.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import type { CameraCapabilities, PtzVector } from '../../devices/onvif-camera/driver.js';
import type { AuditLog } from '../auth/audit-log.js';
import type { Principal } from '../auth/principal.js';
import type { CamerasConfig } from '../config/schema.js';
import { errorMessage, UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { WsEndpoint } from '../http/ws-router.js';
import { sameHolder, type ControlLock, type LockHolder } from './lock.js';
import { parseVector, type PtzControl } from './ptz-control.js';

const ZERO: PtzVector = { pan: 0, tilt: 0, zoom: 0 };

function same(a: PtzVector, b: PtzVector): boolean {
  return a.pan === b.pan && a.tilt === b.tilt && a.zoom === b.zoom;
}

function isZero(v: PtzVector): boolean {
  return same(v, ZERO);
}

export interface JoystickDeps {
  ptz: PtzControl;
  lock: ControlLock;
  audit: AuditLog;
  config: CamerasConfig;
  log: Logger;
}

type EndReason = 'closed' | 'preempted' | 'refused';

export class JoystickSession {
  private sent: PtzVector = ZERO;
  private sentAt = 0;
  private deadman: NodeJS.Timeout | undefined;
  private ended = false;
  private moves = 0;
  private deadmanStops = 0;
  private readonly startedAt = Date.now();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly cameraId: string,
    private readonly principal: Principal,
    private readonly remote: string | undefined,
    private readonly deps: JoystickDeps,
  ) {}

  open(takeover: boolean): void {
    try {
      this.deps.ptz.control(this.cameraId, this.principal, takeover);
      const holder = this.deps.lock.holder(this.cameraId);
      this.send({
        type: 'ready',
        camera: this.cameraId,
        controller: holder ? { name: holder.name, displayName: holder.displayName ?? holder.name, since: holder.since } : null,
        deadmanMs: this.deps.config.ptz.deadmanMs,
      });
    } catch (err) {
      const e = err instanceof UserError ? err : new UserError('internal.detail', { reason: errorMessage(err) }, 500, 'internal');
      this.send({ type: 'error', status: e.status, code: e.code, error: e.message, messageCode: e.messageCode, params: e.params, ...(e.details ?? {}) });
      this.ended = true;
      this.ws.close(4000 + e.status, e.code);
      return;
    }
    this.audit('camera.ptz.session.start', {});
    this.unsubscribe = this.deps.lock.onChange((id, holder) => this.onLockChange(id, holder));
    this.ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : data.toString('utf8')));
    this.ws.on('close', () => this.end('closed'));
    this.ws.on('error', () => this.end('closed'));
    this.armDeadman();
  }

  private onMessage(text: string): void {
    if (this.ended) return;
    const receivedAt = performance.now();
    this.armDeadman();
    let vector: PtzVector;
    try {
      const parsed = JSON.parse(text) as unknown;
      vector = (parsed as { type?: string } | null)?.type === 'stop' ? ZERO : parseVector(parsed);
    } catch (err) {
      this.send({ type: 'error', status: 400, code: 'bad_request', error: err instanceof SyntaxError ? 'messages are JSON {"pan","tilt","zoom"}' : errorMessage(err) });
      return;
    }
    if (isZero(vector)) {
      if (!isZero(this.sent)) this.halt(receivedAt);
      else this.deps.lock.touch(this.cameraId, this.principal);
      return;
    }
    const refresh = performance.now() - this.sentAt >= this.deps.config.ptz.refreshMs;
    if (same(vector, this.sent) && !refresh) {
      this.deps.lock.touch(this.cameraId, this.principal);
      return;
    }
    this.sent = vector;
    this.sentAt = performance.now();
    this.moves++;
    this.deps.ptz.move(this.cameraId, this.principal, vector, receivedAt).catch((err: unknown) => this.fail(err));
  }

  private halt(receivedAt?: number): void {
    this.sent = ZERO;
    this.sentAt = 0;
    this.deps.ptz.stop(this.cameraId, this.principal, receivedAt).catch(() =>
      // Lost the lock meanwhile (takeover): stop anyway, this socket started the move.
      this.deps.ptz.stopUnconditionally(this.cameraId).catch((err: unknown) => this.fail(err)),
    );
  }

  private armDeadman(): void {
    if (this.deadman) clearTimeout(this.deadman);
    this.deadman = setTimeout(() => {
      this.deadman = undefined;
      if (this.ended || isZero(this.sent)) return;
      this.deadmanStops++;
      this.deps.log.info({ camera: this.cameraId, user: this.principal.name }, 'joystick silent: dead-man stop');
      this.halt();
      this.send({ type: 'stopped', reason: 'deadman' });
    }, this.deps.config.ptz.deadmanMs);
  }

  private onLockChange(cameraId: string, holder: LockHolder | null): void {
    if (cameraId !== this.cameraId || this.ended || holder === null || sameHolder(holder, this.principal)) return;
    this.send({ type: 'preempted', controller: { name: holder.name, displayName: holder.displayName ?? holder.name, kind: holder.kind, since: holder.since } });
    this.end('preempted');
    this.ws.close(4409, 'control taken over');
  }

  private end(reason: EndReason): void {
    if (this.ended) return;
    this.ended = true;
    if (this.deadman) clearTimeout(this.deadman);
    this.deadman = undefined;
    this.unsubscribe?.();
    if (!isZero(this.sent)) {
      this.sent = ZERO;
      // At once, without waiting for anything: the dead-man promise.
      this.deps.ptz.stopUnconditionally(this.cameraId).catch((err: unknown) => this.deps.log.warn({ camera: this.cameraId, err: errorMessage(err) }, 'stop after joystick close failed'));
    }
    if (reason === 'closed') this.deps.lock.release(this.cameraId, this.principal);
    this.audit('camera.ptz.session.end', { reason, durationMs: Date.now() - this.startedAt, moves: this.moves, deadmanStops: this.deadmanStops });
  }

  private fail(err: unknown): void {
    this.send({ type: 'error', status: err instanceof UserError ? err.status : 500, error: errorMessage(err) });
  }

  private send(message: Record<string, unknown>): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private audit(action: string, detail: Record<string, unknown>): void {
    this.deps.audit.record({ principal: this.principal, action, target: this.cameraId, detail, remote: this.remote });
  }
}

export function joystickEndpoint(deps: JoystickDeps & { exists: (id: string) => boolean; capabilities: (id: string) => CameraCapabilities | null }): WsEndpoint {
  return {
    path: '/api/cameras/:id/joystick',
    access: 'officer',
    // Velocity vectors and stop messages: well under 1 KiB.
    maxPayload: 4 * 1024,
    summary: 'Joystick for one camera: send {"pan","tilt","zoom"} (-1..1) 5+ times a second while held, a zero vector on release; ?takeover=1 for admins.',
    handle(ws, _req, ctx) {
      const id = ctx.params.id!;
      if (!deps.exists(id)) {
        ws.send(JSON.stringify({ type: 'error', status: 404, code: 'not_found', error: `no camera "${id}"` }));
        ws.close(4404, 'no such camera');
        return;
      }
      // A camera known to have no continuous moves: refuse now, without taking the control lock.
      const caps = deps.capabilities(id);
      if (caps && !caps.continuousMove) {
        const why = !caps.ptz ? `no pan/tilt/zoom${caps.reasons.ptz ? ` (${caps.reasons.ptz})` : ''}` : `no continuous moves${caps.reasons.continuousMove ? ` (${caps.reasons.continuousMove})` : ''}`;
        ws.send(JSON.stringify({ type: 'error', status: 501, code: 'not_supported', error: `camera "${id}" has ${why}: no joystick` }));
        ws.close(4501, 'camera has no joystick control');
        return;
      }
      new JoystickSession(ws, id, ctx.principal!, ctx.remote, deps).open(ctx.query.get('takeover') === '1' || ctx.query.get('takeover') === 'true');
    },
  };
}
