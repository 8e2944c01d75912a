/**
 * The simulator's control API: faults real cameras have (offline, frozen video, dropped RTSP
 * sessions, slow or failing SOAP, reboots, clock jumps) and scene events (a moving figure that
 * raises a motion alarm). Used by tests and demos; every timer it starts is freed by dispose().
 */
import type { PtzPhysical } from '../../devices/onvif-camera/protocol.js';
import { resolveBehaviours, type BehaviourName, type FieldBehaviours } from './behaviours.js';
import type { CameraSimulator } from './camera.js';
import type { Sprite } from './scene/sprite.js';
import { SoapFault } from './soap/envelope.js';
import type { HttpFaults } from './soap/http-server.js';

export interface FaultState {
  http: HttpFaults;
  clockOffsetMs: number;
  videoFrozen: boolean;
  online: boolean;
  rebooting: boolean;
}

export interface FigureOptions {
  /** How long the figure takes to cross, ms. Default 3000. */
  durationMs?: number;
  /** Start and end azimuth, degrees. Default: across the current view. */
  fromAzDeg?: number;
  toAzDeg?: number;
  /** Elevation of its feet, degrees. Default: at the centre of the current view. */
  elevationDeg?: number;
  /** Its height, degrees. Default 3. */
  heightDeg?: number;
  /** `block` (default): a red block with a head; `person`: a photographed person (a detector sees a person). */
  look?: 'block' | 'person';
}

export interface FailOptions {
  code?: 'env:Sender' | 'env:Receiver';
  /** Subcodes, e.g. ['ter:Action']; default ['ter:Action']. */
  subcodes?: string[];
  reason?: string;
}

export class CameraControl {
  private readonly timers = new Set<NodeJS.Timeout>();
  private autoMotion: NodeJS.Timeout | undefined;

  constructor(private readonly cam: CameraSimulator) {}

  /** The camera disappears from the network (every socket closed) until goOnline(). */
  async goOffline(): Promise<void> {
    await this.cam.goOffline();
  }

  async goOnline(): Promise<void> {
    await this.cam.goOnline();
  }

  /** The picture stops changing (the same frame repeats, stamp counter stuck); the stream keeps flowing. */
  freezeVideo(frozen = true): void {
    this.cam.faults.videoFrozen = frozen;
  }

  /** The video hangs: RTSP sockets stay open but no picture is sent (until hangVideo(false)). */
  hangVideo(hung = true): void {
    this.cam.rtsp?.hangVideo(hung);
  }

  /** Closes every RTSP connection and session; returns how many sessions were dropped. */
  dropRtspSessions(): number {
    return this.cam.rtsp?.dropSessions() ?? 0;
  }

  /** Every SOAP answer (and snapshot) waits this long first; 0 to stop. */
  slowSoap(delayMs: number): void {
    if (!(delayMs >= 0)) throw new Error(`delay must be >= 0 ms, got ${delayMs}`);
    this.cam.faults.http.delayMs = delayMs;
  }

  /** The next N authenticated SOAP calls answer with a fault (default env:Receiver ter:Action). */
  failNextCalls(count: number, fault: FailOptions = {}): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
    this.cam.faults.http.failNext = count;
    this.cam.faults.http.failFault = new SoapFault(fault.code ?? 'env:Receiver', fault.subcodes ?? ['ter:Action'], fault.reason ?? 'simulated failure');
  }

  /** Down for `seconds` (sockets closed, sessions and subscriptions lost), then back; resolves when back. */
  async reboot(seconds = this.cam.options.rebootSeconds): Promise<void> {
    if (this.cam.faults.rebooting) return;
    this.cam.faults.rebooting = true;
    await this.cam.goOffline();
    this.cam.ptz.stop();
    await new Promise<void>((resolve) => this.later(resolve, seconds * 1000));
    this.cam.faults.rebooting = false;
    await this.cam.goOnline();
  }

  /** Moves the camera's clock by deltaMs (NTP step, battery-less RTC after power loss). */
  jumpClock(deltaMs: number): void {
    this.cam.faults.clockOffsetMs += deltaMs;
  }

  setClockOffset(offsetMs: number): void {
    this.cam.faults.clockOffsetMs = offsetMs;
  }

  /**
   * A figure walks through the scene: MotionAlarm State=true now, State=false when it has left.
   * Resolves when it has left.
   */
  addMovingFigure(opts: FigureOptions = {}): Promise<void> {
    if (opts.look === 'person') return this.cam.loadPersonSprite().then((sprite) => this.walk(opts, sprite));
    return this.walk(opts);
  }

  private walk(opts: FigureOptions, sprite?: Sprite): Promise<void> {
    const view = this.cam.ptz.position();
    const halfFov = 30 / view.zoom;
    const figure = {
      startedAt: performance.now(),
      durationMs: opts.durationMs ?? 3000,
      fromAz: opts.fromAzDeg ?? view.panDeg - halfFov,
      toAz: opts.toAzDeg ?? view.panDeg + halfFov,
      elDeg: opts.elevationDeg ?? view.tiltDeg - 1,
      heightDeg: opts.heightDeg ?? 3,
      ...(sprite ? { sprite } : {}),
    };
    this.cam.figures.add(figure);
    if (this.cam.figures.size === 1) this.cam.publishMotion(true);
    return new Promise((resolve) => {
      this.later(() => {
        this.cam.figures.delete(figure);
        if (this.cam.figures.size === 0) this.cam.publishMotion(false);
        resolve();
      }, figure.durationMs);
    });
  }

  /** The field behaviours in force now (a copy). */
  get behaviours(): FieldBehaviours {
    return { ...this.cam.options.behaviours };
  }

  /** Switches field behaviours at run time: named ones, then single flags (e.g. { strictRenew: false }). */
  setBehaviours(names: readonly (BehaviourName | string)[], flags: Partial<FieldBehaviours> = {}): FieldBehaviours {
    const next = resolveBehaviours([], { ...this.cam.options.behaviours, ...resolveBehavioursOnly(names), ...flags });
    Object.assign(this.cam.options.behaviours, next);
    return this.behaviours;
  }

  /** PullPoint subscriptions the camera holds now (slots in use). */
  subscriptionsInUse(): number {
    return this.cam.events.subscriptionCount;
  }

  /** The most subscriptions held at once since start or the last resetPeakSubscriptions(). */
  peakSubscriptions(): number {
    return this.cam.events.peakSubscriptionCount;
  }

  /** PullPoint subscriptions created since the camera started. */
  subscriptionsCreated(): number {
    return this.cam.events.createdCount;
  }

  resetPeakSubscriptions(): void {
    this.cam.events.resetPeak();
  }

  /** Puts the head at a position at once (test set-up; ONVIF clients move it at real speed). */
  setPosition(position: Partial<PtzPhysical>): void {
    this.cam.ptz.teleport({ ...this.cam.ptz.position(), ...position });
  }

  /** Raises a MotionAlarm event directly, without anything in the picture. */
  motion(state: boolean): void {
    this.cam.publishMotion(state);
  }

  /** Clears injected faults (slow/failing SOAP, frozen video); the clock offset returns to the configured one. */
  reset(): void {
    this.cam.faults.http.delayMs = 0;
    this.cam.faults.http.failNext = 0;
    this.cam.faults.videoFrozen = false;
    this.cam.faults.clockOffsetMs = this.cam.options.clockOffsetMs;
  }

  startAutoMotion(): void {
    const every = this.cam.options.autoMotionEverySec;
    if (every > 0 && !this.autoMotion) this.autoMotion = setInterval(() => void this.addMovingFigure(), every * 1000);
  }

  dispose(): void {
    if (this.autoMotion) clearInterval(this.autoMotion);
    this.autoMotion = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.cam.figures.clear();
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

/** Only the flags the named behaviours set (not the defaults of the others). */
function resolveBehavioursOnly(names: readonly string[]): Partial<FieldBehaviours> {
  const all = resolveBehaviours(names);
  const none = resolveBehaviours([]);
  return Object.fromEntries(Object.entries(all).filter(([k, v]) => none[k as keyof FieldBehaviours] !== v));
}
