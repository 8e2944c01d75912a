/**
 * One camera as the gateway keeps it: its driver, whether it answers (polled; offline at the
 * first failed poll or command, then reconnect with exponential backoff and jitter; "login
 * refused" when it answers but refuses the credentials), its last PTZ position, its PullPoint
 * events onto the bus, and a Stop at connect when an earlier run left it moving.
 */
import { Backoff } from '../../devices/onvif-camera/backoff.js';
import { CameraLoginRefusedError, OnvifCameraDriver, type CameraCapabilities, type DeviceInformation, type CameraEvent, type PtzPosition } from '../../devices/onvif-camera/driver.js';
import type { EventHealth } from '../../devices/onvif-camera/events.js';
import type { CamerasConfig } from '../config/schema.js';
import { DeviceUnavailableError, errorMessage, TimeoutError, UserError } from '../core/errors.js';
import type { MessageCode, MessageParams } from '../core/messages.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../core/logger.js';
import type { MovingMarks } from './moving-marks.js';
import type { CameraDefinition } from './store.js';
import './events.js';

/** `login_refused`: the camera answers but refuses the configured user name or password. */
export type CameraStatus = 'online' | 'offline' | 'login_refused';

/** A viewer may ask for an immediate reconnect at most this often. */
export const RECONNECT_NOW_MIN_INTERVAL_MS = 1000;

/** An error as a message code with parameters: a gateway error's own, else the internal one with its text. */
function codedError(err: unknown): { messageCode: MessageCode; params: MessageParams } {
  return err instanceof UserError ? { messageCode: err.messageCode, params: err.params } : { messageCode: 'internal.detail', params: { reason: errorMessage(err) } };
}

export interface CameraLiveState {
  status: CameraStatus;
  online: boolean;
  since: string;
  lastError: string | null;
  /** The last error as a message code with parameters (the dashboards translate it). */
  lastErrorCode: { messageCode: MessageCode; params: MessageParams } | null;
  position: PtzPosition | null;
  moving: boolean | undefined;
  clockOffsetMs: number;
  /** The last time the camera answered (connect or poll). */
  lastSeenAt: string | null;
  /** GetDeviceInformation at the last connect (null: not read, or the camera refused it). */
  device: DeviceInformation | null;
}

export interface ManagedCameraDeps {
  config: CamerasConfig;
  bus: EventBus;
  log: Logger;
  /** Something visible changed (availability, position, moving). */
  onChange: (id: string) => void;
  /** Cameras an earlier run left moving (Stop at connect). */
  moving?: MovingMarks | undefined;
}

export class ManagedCamera {
  readonly driver: OnvifCameraDriver;
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private connecting = false;
  private lastReconnectNow = 0;
  private reading = false;
  private deviceRead = false;
  private deviceProbe: OnvifCameraDriver | undefined;
  private state: CameraLiveState = { status: 'offline', online: false, since: new Date().toISOString(), lastError: null, lastErrorCode: null, position: null, moving: undefined, clockOffsetMs: 0, lastSeenAt: null, device: null };

  constructor(
    readonly def: CameraDefinition,
    readonly source: 'config' | 'added',
    private readonly deps: ManagedCameraDeps,
  ) {
    this.driver = new OnvifCameraDriver({
      label: def.id,
      host: def.host,
      port: def.port,
      path: def.path,
      username: def.username,
      password: def.password,
      requestTimeoutMs: deps.config.requestTimeoutMs,
      mediaHosts: [...(def.mediaHosts ?? []), ...(deps.config.mediaHosts ?? [])],
    });
    this.backoff = new Backoff({ initialMs: deps.config.reconnect.initialMs, maxMs: deps.config.reconnect.maxMs });
  }

  get id(): string {
    return this.def.id;
  }

  get live(): Readonly<CameraLiveState> {
    return this.state;
  }

  get capabilities(): CameraCapabilities | null {
    return this.driver.connected ? this.driver.capabilities : null;
  }

  /** Begins connecting in the background; an unreachable camera never delays the gateway. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling and reconnecting; unsubscribes the camera's events (bounded) and closes. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([this.driver.shutdown(), this.deviceProbe?.shutdown()]);
  }

  /** How the camera's event subscription is doing (null: events not running). */
  get eventHealth(): EventHealth | null {
    return this.driver.eventHealth;
  }

  /**
   * A viewer is waiting for this camera: forget the reconnect back-off and try at once (at most
   * once per RECONNECT_NOW_MIN_INTERVAL_MS; nothing to do while online or connecting).
   */
  reconnectNow(): boolean {
    if (!this.running || this.state.online || this.connecting) return false;
    const now = Date.now();
    if (now - this.lastReconnectNow < RECONNECT_NOW_MIN_INTERVAL_MS) return false;
    this.lastReconnectNow = now;
    this.backoff.reset();
    this.schedule(0);
    return true;
  }

  /** A command failed: if the camera is unreachable, mark it offline now and reconnect. */
  reportFailure(err: unknown): void {
    if (err instanceof DeviceUnavailableError || err instanceof TimeoutError) this.goOffline(err);
  }

  /** Latest position/moving as a command path learned it (tours poll the camera themselves). */
  notePtz(position: PtzPosition, moving: boolean | undefined): void {
    const changed = !samePosition(this.state.position, position) || this.state.moving !== moving;
    this.state = { ...this.state, position, moving };
    if (changed) this.deps.onChange(this.id);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void (this.state.online ? this.poll() : this.connect());
    }, ms);
  }

  private async connect(): Promise<void> {
    if (this.connecting || !this.running) return;
    this.connecting = true;
    try {
      const caps = await this.driver.connect();
      if (!this.running) return this.driver.close();
      this.backoff.reset();
      const now = new Date().toISOString();
      this.state = { ...this.state, status: 'online', online: true, since: now, lastSeenAt: now, lastError: null, lastErrorCode: null, clockOffsetMs: this.driver.clockOffsetMs };
      this.deviceRead = false;
      this.deps.log.info({ camera: this.id, clockOffsetMs: this.state.clockOffsetMs, ptz: caps.ptz, presets: caps.presets }, 'camera online');
      this.deps.bus.emit('camera.availability', { cameraId: this.id, online: true, at: this.state.since });
      this.deps.onChange(this.id);
      if (this.deps.config.events && caps.events) {
        this.driver.startEvents(
          (e) => this.onEvent(e),
          (err) => this.deps.log.warn({ camera: this.id, err: errorMessage(err), health: this.driver.eventHealth }, 'camera events failed; retrying with back-off'),
          { ...this.deps.config.eventSubscription, onHealthChange: () => this.running && this.deps.onChange(this.id) },
        );
      }
      if (caps.ptz && this.deps.moving?.has(this.id)) await this.stopLeftoverMove();
      this.schedule(this.deps.config.pollIntervalMs);
    } catch (err) {
      if (!this.running) return;
      const delay = this.backoff.next();
      const message = errorMessage(err);
      const refused = err instanceof CameraLoginRefusedError;
      if (this.state.lastError !== message) {
        if (refused) this.deps.log.warn({ camera: this.id, err: message, retryInMs: delay }, 'camera refused the login: check its user name and password');
        else this.deps.log.warn({ camera: this.id, err: message, retryInMs: delay }, 'camera not reachable');
      }
      const status = refused ? 'login_refused' : 'offline';
      const changed = this.state.status !== status;
      this.state = { ...this.state, status, lastError: message, lastErrorCode: codedError(err), ...(changed ? { since: new Date().toISOString() } : {}) };
      if (changed) this.deps.onChange(this.id);
      this.schedule(delay);
    } finally {
      this.connecting = false;
    }
  }

  /**
   * Maker, model and firmware for the device page (asked for with GET /api/cameras?device=1): read
   * once per connect, in the background, over a connection of its own, so that the live
   * connection's calls and timing stay as they are; a camera that refuses it keeps `device: null`.
   */
  readDeviceInformation(): void {
    if (this.reading || this.deviceRead || !this.state.online) return;
    this.reading = true;
    this.deviceRead = true;
    const { def, deps } = this;
    const probe = new OnvifCameraDriver({ label: `${def.id} (device information)`, host: def.host, port: def.port, path: def.path, username: def.username, password: def.password, requestTimeoutMs: deps.config.requestTimeoutMs, mediaHosts: [] });
    this.deviceProbe = probe;
    void probe
      .connect()
      .then(() => probe.deviceInformation())
      .then(
        (device) => {
          if (!this.running) return;
          this.state = { ...this.state, device };
          deps.onChange(this.id);
        },
        () => {},
      )
      .finally(() => {
        this.reading = false;
        if (this.deviceProbe === probe) this.deviceProbe = undefined;
        void probe.shutdown();
      });
  }

  /** An earlier run set the camera moving and died before its Stop: stop it now. */
  private async stopLeftoverMove(): Promise<void> {
    try {
      await this.driver.stop();
      this.deps.moving?.clear(this.id);
      this.deps.log.warn({ camera: this.id }, 'camera was left moving by an earlier run of the gateway: Stop sent');
    } catch (err) {
      this.deps.log.warn({ camera: this.id, err: errorMessage(err) }, 'camera was left moving by an earlier run; Stop failed (tried again at the next connect)');
    }
  }

  private async poll(): Promise<void> {
    try {
      if (this.driver.capabilities.ptz) {
        const s = await this.driver.status();
        this.notePtz(s.position, s.moving);
      } else {
        await this.driver.ping();
      }
      this.state.lastSeenAt = new Date().toISOString();
      if (this.state.online) this.schedule(this.deps.config.pollIntervalMs);
    } catch (err) {
      if (err instanceof DeviceUnavailableError || err instanceof TimeoutError) this.goOffline(err);
      else {
        this.deps.log.warn({ camera: this.id, err: errorMessage(err) }, 'camera status poll failed');
        this.schedule(this.deps.config.pollIntervalMs);
      }
    }
  }

  private goOffline(err: unknown): void {
    if (!this.state.online) return;
    const reason = errorMessage(err);
    this.driver.close();
    const at = new Date().toISOString();
    this.state = { ...this.state, status: 'offline', online: false, since: at, lastError: reason, lastErrorCode: codedError(err), moving: undefined };
    this.deps.log.warn({ camera: this.id, reason }, 'camera offline');
    this.deps.bus.emit('camera.availability', { cameraId: this.id, online: false, at, reason });
    this.deps.onChange(this.id);
    this.schedule(this.backoff.next());
  }

  private onEvent(e: CameraEvent): void {
    const at = new Date().toISOString();
    this.deps.bus.emit('camera.event', { cameraId: this.id, topic: e.topic, data: e.data, at });
    const state = e.data.State ?? e.data.IsMotion ?? e.data.IsTamper;
    if (state === undefined) return;
    const on = state === 'true' || state === '1';
    if (/Motion/i.test(e.topic)) this.deps.bus.emit('camera.motion', { cameraId: this.id, state: on, at });
    else if (/Tamper/i.test(e.topic)) this.deps.bus.emit('camera.tamper', { cameraId: this.id, state: on, at });
  }
}

function samePosition(a: PtzPosition | null, b: PtzPosition): boolean {
  return a !== null && Math.abs(a.x - b.x) < 1e-4 && Math.abs(a.y - b.y) < 1e-4 && Math.abs(a.zoom - b.zoom) < 1e-4;
}
