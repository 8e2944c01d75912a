/**
 * Runs patrol tours: at most one per camera. Each step moves to its preset, waits until the camera
 * has arrived (MoveStatus IDLE, or the position stops changing for cameras that never report
 * it), then dwells. A tour pauses as soon as anyone takes the control lock (an officer, an
 * alarm) and resumes `resumeAfterIdleMs` after the lock is free again, at the step it was on;
 * outside its time windows it waits. Which tour runs is persisted, so it continues after a restart.
 */
import type { CamerasConfig } from '../config/schema.js';
import { ConflictError, errorMessage } from '../core/errors.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { ControlLock } from './lock.js';
import type { PtzControl } from './ptz-control.js';
import type { CameraRegistry } from './registry.js';
import type { CameraStore } from './store.js';
import { inWindows } from './tour-schedule.js';
import type { TourDefinition, TourDefinitions } from './tours.js';

export type TourPhase = 'moving' | 'dwelling' | 'paused' | 'outside-window' | 'waiting-camera' | 'finished';

export interface TourStatus {
  name: string;
  phase: TourPhase;
  /** 1-based step number. */
  step: number;
  stepCount: number;
  preset: string;
  since: string;
  loops: number;
}

interface Run {
  tour: TourDefinition;
  status: TourStatus;
  abort: AbortController;
  paused: boolean;
  resumeTimer: NodeJS.Timeout | undefined;
}

class Aborted extends Error {}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new Aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class TourRunner implements Service {
  readonly name = 'camera-tours';
  private readonly runs = new Map<string, Run>();
  private readonly listeners = new Set<(cameraId: string) => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: {
      registry: CameraRegistry;
      definitions: TourDefinitions;
      store: CameraStore;
      ptz: PtzControl;
      lock: ControlLock;
      config: CamerasConfig;
      log: Logger;
    },
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.deps.lock.onChange((cameraId, holder) => (holder ? this.pause(cameraId) : this.scheduleResume(cameraId)));
    for (const active of this.deps.store.activeTours()) {
      try {
        this.begin(active.cameraId, this.deps.definitions.get(active.cameraId, active.name));
      } catch (err) {
        this.deps.log.warn({ camera: active.cameraId, tour: active.name, err: errorMessage(err) }, 'cannot resume tour');
      }
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    for (const run of this.runs.values()) this.halt(run);
    this.runs.clear();
  }

  onChange(listener: (cameraId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(cameraId: string): TourStatus | null {
    return this.runs.get(cameraId)?.status ?? null;
  }

  /** Starts a tour (replacing a running one); refused while someone else controls the camera. */
  startTour(cameraId: string, name: string, by: string, tokenId?: string): TourStatus {
    this.deps.registry.get(cameraId);
    const tourDefinition = this.deps.definitions.get(cameraId, name);
    // The controller starting a tour hands the camera to it.
    this.deps.lock.release(cameraId, { name: by, tokenId });
    const holder = this.deps.lock.holder(cameraId);
    if (holder) throw new ConflictError('tour.camera-controlled', { camera: cameraId, holder: holder.displayName ?? holder.name }, { holder: { name: holder.name, displayName: holder.displayName ?? holder.name, since: holder.since } });
    const tour = tourDefinition;
    this.deps.store.setActiveTour(cameraId, tour.name, by);
    return this.begin(cameraId, tour);
  }

  stopTour(cameraId: string): boolean {
    const run = this.runs.get(cameraId);
    this.deps.store.setActiveTour(cameraId, null);
    if (!run) return false;
    this.halt(run);
    this.runs.delete(cameraId);
    this.emit(cameraId);
    return true;
  }

  /** The camera was removed, or the tour definition changed/deleted. */
  forget(cameraId: string, tourName?: string): void {
    const run = this.runs.get(cameraId);
    if (run && (tourName === undefined || run.tour.name === tourName)) this.stopTour(cameraId);
  }

  private begin(cameraId: string, tour: TourDefinition): TourStatus {
    const old = this.runs.get(cameraId);
    if (old) this.halt(old);
    const run: Run = {
      tour,
      status: { name: tour.name, phase: 'moving', step: 1, stepCount: tour.steps.length, preset: tour.steps[0]!.presetName, since: new Date().toISOString(), loops: 0 },
      abort: new AbortController(),
      paused: false,
      resumeTimer: undefined,
    };
    this.runs.set(cameraId, run);
    if (this.deps.lock.holder(cameraId)) this.pause(cameraId);
    else void this.loop(cameraId, run, run.abort.signal);
    return run.status;
  }

  private halt(run: Run): void {
    run.abort.abort();
    if (run.resumeTimer) clearTimeout(run.resumeTimer);
    run.resumeTimer = undefined;
  }

  private pause(cameraId: string): void {
    const run = this.runs.get(cameraId);
    if (!run) return;
    if (run.resumeTimer) clearTimeout(run.resumeTimer);
    run.resumeTimer = undefined;
    if (run.paused) return;
    run.paused = true;
    run.abort.abort();
    this.setPhase(cameraId, run, 'paused');
  }

  private scheduleResume(cameraId: string): void {
    const run = this.runs.get(cameraId);
    if (!run || !run.paused) return;
    if (run.resumeTimer) clearTimeout(run.resumeTimer);
    run.resumeTimer = setTimeout(() => {
      run.resumeTimer = undefined;
      if (this.runs.get(cameraId) !== run || this.deps.lock.holder(cameraId)) return;
      run.paused = false;
      run.abort = new AbortController();
      void this.loop(cameraId, run, run.abort.signal);
    }, this.deps.config.tours.resumeAfterIdleMs);
  }

  private async loop(cameraId: string, run: Run, signal: AbortSignal): Promise<void> {
    const steps = run.tour.steps;
    let index = run.status.step - 1;
    try {
      for (;;) {
        if (!inWindows(run.tour.windows)) {
          this.setPhase(cameraId, run, 'outside-window');
          await sleep(30_000, signal);
          continue;
        }
        const step = steps[index]!;
        let arrivedAt = Date.now();
        this.setPhase(cameraId, run, 'moving', index);
        try {
          await this.deps.ptz.forTour(cameraId, (d) => d.gotoPreset(step.presetToken, step.speed));
          arrivedAt = await this.waitArrival(cameraId, signal);
        } catch (err) {
          if (err instanceof Aborted || signal.aborted) throw new Aborted();
          this.deps.log.warn({ camera: cameraId, tour: run.tour.name, err: errorMessage(err) }, 'tour step failed; retrying');
          this.setPhase(cameraId, run, 'waiting-camera', index);
          await sleep(Math.max(1000, this.deps.config.pollIntervalMs), signal);
          continue;
        }
        this.setPhase(cameraId, run, 'dwelling', index);
        // The dwell counts from the camera's arrival, not from when a poll noticed it.
        await sleep(Math.max(0, step.dwellMs - (Date.now() - arrivedAt)), signal);
        index++;
        if (index >= steps.length) {
          if (!run.tour.loop) {
            this.setPhase(cameraId, run, 'finished', steps.length - 1);
            this.deps.store.setActiveTour(cameraId, null);
            return;
          }
          index = 0;
          run.status = { ...run.status, loops: run.status.loops + 1 };
        }
      }
    } catch (err) {
      if (!(err instanceof Aborted)) this.deps.log.error({ camera: cameraId, err }, 'tour loop failed');
    }
  }

  /**
   * Until the camera reports IDLE (or, if it never reports MoveStatus, its position stops
   * changing). Returns when it arrived, as well as the polls tell: midway between the last answer
   * that said moving and the question that found it idle (a poll's gap and round trip would
   * otherwise lengthen every dwell by ~50-150 ms).
   */
  private async waitArrival(cameraId: string, signal: AbortSignal): Promise<number> {
    const cam = this.deps.registry.get(cameraId);
    const deadline = Date.now() + this.deps.config.tours.maxTravelMs;
    let last: string | undefined;
    let stableCount = 0;
    let movingUntil: number | undefined;
    await sleep(this.deps.config.tours.arrivalPollMs, signal);
    while (Date.now() < deadline) {
      const askedAt = Date.now();
      const s = await cam.driver.status();
      cam.notePtz(s.position, s.moving);
      if (s.moving === false) return movingUntil === undefined ? askedAt : (movingUntil + askedAt) / 2;
      movingUntil = Date.now();
      const key = `${s.position.x.toFixed(4)},${s.position.y.toFixed(4)},${s.position.zoom.toFixed(4)}`;
      if (s.moving === undefined) {
        stableCount = key === last ? stableCount + 1 : 0;
        if (stableCount >= 2) return askedAt;
      }
      last = key;
      await sleep(this.deps.config.tours.arrivalPollMs, signal);
    }
    return Date.now();
  }

  private setPhase(cameraId: string, run: Run, phase: TourPhase, index?: number): void {
    const i = index ?? run.status.step - 1;
    run.status = { ...run.status, phase, step: i + 1, preset: run.tour.steps[i]!.presetName, since: new Date().toISOString() };
    this.emit(cameraId);
  }

  private emit(cameraId: string): void {
    for (const l of this.listeners) l(cameraId);
  }
}
