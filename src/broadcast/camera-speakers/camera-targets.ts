/**
 * Which configured cameras' loudspeakers can take broadcasts: each is asked (when it comes
 * online, and again every probeIntervalMs while it has none) for its audio outputs (ONVIF
 * GetAudioOutputs) and for the backchannel itself (DESCRIBE with Require, SETUP, PLAY, TEARDOWN).
 * Only a camera whose backchannel answered is offered as a target; the others are listed with
 * the reason, for the speakers page.
 */
import { BackchannelSession, BackchannelUnsupportedError } from '../../../devices/onvif-camera/backchannel-session.js';
import type { G711Codec } from '../../../devices/onvif-camera/backchannel-sdp.js';
import type { BackchannelSource } from '../../../devices/onvif-camera/camera-backchannel.js';
import type { CameraAudio } from '../../cameras/camera-audio.js';
import type { CameraSpeakersConfig } from '../../config/camera-speakers-schema.js';
import { errorMessage, NotSupportedError } from '../../core/errors.js';
import type { EventBus } from '../../core/event-bus.js';
import type { Service } from '../../core/lifecycle.js';
import type { Logger } from '../../core/logger.js';
import { cameraTargetId } from '../speaker-output.js';

export type BackchannelStatus = 'available' | 'unsupported' | 'unknown';

export interface CameraTargetView {
  /** The target id (`camera:<cameraId>`). */
  id: string;
  cameraId: string;
  /** The camera's display name. */
  name: string;
  groups: string[];
  backchannel: BackchannelStatus;
  codec: G711Codec | null;
  /** Audio outputs the camera reported (null: not asked yet, or it does not answer GetAudioOutputs). */
  audioOutputs: number | null;
  /** Why it is not offered (or the last probe's problem). */
  reason: string | null;
  online: boolean;
  /** When its availability as a target last changed. */
  since: string | null;
  checkedAt: string | null;
}

interface Entry extends CameraTargetView {
  probing: boolean;
  /** A probe that failed for a passing reason (timeout, connection) is tried again after this long, doubling. */
  retryMs: number;
  retry: NodeJS.Timeout | undefined;
}

const FIRST_RETRY_MS = 1000;

export class CameraSpeakerTargets implements Service {
  readonly name = 'camera-speaker-targets';
  private readonly entries = new Map<string, Entry>();
  private cameras: CameraAudio | undefined;
  private offBus: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly offlineListeners = new Set<(cameraId: string, reason: string) => void>();
  /** Probes under way (stop waits for them: each is bounded by timeoutMs per request). */
  private readonly probes = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      config: CameraSpeakersConfig;
      /** Looked up at start (the cameras feature provides it). */
      cameraAudio: () => CameraAudio | undefined;
      bus: EventBus;
      log: Logger;
    },
  ) {
    for (const c of deps.config.cameras) {
      this.entries.set(c.camera, { id: cameraTargetId(c.camera), cameraId: c.camera, name: c.camera, groups: [...c.groups], backchannel: 'unknown', codec: null, audioOutputs: null, reason: null, online: false, since: null, checkedAt: null, probing: false, retryMs: FIRST_RETRY_MS, retry: undefined });
    }
  }

  async start(): Promise<void> {
    this.running = true;
    this.cameras = this.deps.cameraAudio();
    if (!this.cameras) {
      for (const e of this.entries.values()) e.reason = 'the cameras feature is not running';
      this.deps.log.warn('camera loudspeakers are configured but the cameras feature is not running');
      return;
    }
    this.offBus.push(
      this.deps.bus.on('camera.availability', (event) => {
        const entry = this.entries.get(event.cameraId);
        if (!entry) return;
        if (event.online) this.probeSoon(entry);
        else this.goOffline(entry, event.reason ?? 'no answer');
      }),
    );
    this.refreshNames();
    for (const entry of this.entries.values()) this.probeSoon(entry);
    this.timer = setInterval(() => {
      for (const entry of this.entries.values()) if (entry.backchannel !== 'available') this.probeSoon(entry);
    }, this.deps.config.probeIntervalMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const off of this.offBus) off();
    this.offBus = [];
    for (const e of this.entries.values()) clearTimeout(e.retry);
    await Promise.allSettled([...this.probes]);
  }

  /** The camera went offline (or its loudspeaker was lost for good): jobs on it end. */
  onOffline(listener: (cameraId: string, reason: string) => void): () => void {
    this.offlineListeners.add(listener);
    return () => this.offlineListeners.delete(listener);
  }

  /** Every configured camera loudspeaker, offered or not. */
  views(): CameraTargetView[] {
    this.refreshNames();
    return [...this.entries.values()].map(({ probing: _probing, retryMs: _retryMs, retry: _retry, ...view }) => ({ ...view, groups: [...view.groups] }));
  }

  /** The targets offered to officers: cameras whose backchannel answered. */
  offered(): CameraTargetView[] {
    return this.views().filter((v) => v.backchannel === 'available');
  }

  byTarget(targetId: string): CameraTargetView | undefined {
    return this.views().find((v) => v.id === targetId);
  }

  isOnline(targetId: string): boolean {
    const v = this.byTarget(targetId);
    return v !== undefined && v.backchannel === 'available' && v.online;
  }

  /** Where the backchannel of a camera is opened. */
  async source(cameraId: string): Promise<BackchannelSource> {
    if (!this.cameras) throw new Error('the cameras feature is not running');
    return this.cameras.rtspSource(cameraId, this.deps.config.profile);
  }

  /** A session found that the camera refuses the backchannel after all. */
  markUnsupported(cameraId: string, reason: string): void {
    const entry = this.entries.get(cameraId);
    if (entry) this.set(entry, { backchannel: 'unsupported', reason });
  }

  private refreshNames(): void {
    for (const c of this.cameras?.list() ?? []) {
      const entry = this.entries.get(c.id);
      if (entry) entry.name = c.name;
    }
  }

  private goOffline(entry: Entry, reason: string): void {
    if (entry.online) this.set(entry, { online: false });
    for (const l of this.offlineListeners) l(entry.cameraId, `camera "${entry.name}" went offline: ${reason}`);
  }

  private set(entry: Entry, patch: Partial<CameraTargetView>): void {
    const offeredBefore = entry.backchannel === 'available' && entry.online;
    Object.assign(entry, patch);
    if (offeredBefore !== (entry.backchannel === 'available' && entry.online)) entry.since = new Date().toISOString();
  }

  private probeSoon(entry: Entry): void {
    clearTimeout(entry.retry);
    entry.retry = undefined;
    const probe = this.probe(entry).finally(() => this.probes.delete(probe));
    this.probes.add(probe);
  }

  private async probe(entry: Entry): Promise<void> {
    const cameras = this.cameras;
    if (!cameras || entry.probing || !this.running) return;
    const camera = cameras.list().find((c) => c.id === entry.cameraId);
    if (!camera) {
      this.set(entry, { online: false, reason: `no camera "${entry.cameraId}" is configured` });
      return;
    }
    entry.name = camera.name;
    if (!camera.online) {
      this.set(entry, { online: false });
      return;
    }
    entry.probing = true;
    try {
      let outputs: number | null = null;
      try {
        outputs = (await cameras.audioOutputs(entry.cameraId)).length;
      } catch (err) {
        // A camera that does not know GetAudioOutputs may still take the backchannel: ask RTSP.
        if (!(err instanceof NotSupportedError)) throw err;
      }
      if (outputs === 0) {
        this.set(entry, { backchannel: 'unsupported', audioOutputs: 0, codec: null, online: true, reason: 'the camera reports no audio output (GetAudioOutputs)', checkedAt: new Date().toISOString() });
        return;
      }
      const session = await BackchannelSession.open({ ...(await cameras.rtspSource(entry.cameraId, this.deps.config.profile)), timeoutMs: this.deps.config.timeoutMs });
      const codec = session.track.codec;
      await session.close();
      this.set(entry, { backchannel: 'available', audioOutputs: outputs, codec, online: true, reason: null, checkedAt: new Date().toISOString() });
      entry.retryMs = FIRST_RETRY_MS;
      this.deps.log.info({ camera: entry.cameraId, codec, audioOutputs: outputs }, 'camera loudspeaker available for broadcasts');
    } catch (err) {
      const reason = errorMessage(err);
      if (err instanceof BackchannelUnsupportedError) {
        this.set(entry, { backchannel: 'unsupported', codec: null, online: true, reason, checkedAt: new Date().toISOString() });
        this.deps.log.info({ camera: entry.cameraId, reason }, 'camera has no usable loudspeaker backchannel');
      } else {
        this.set(entry, { reason, checkedAt: new Date().toISOString() });
        this.deps.log.warn({ camera: entry.cameraId, reason, retryInMs: entry.retryMs }, 'camera loudspeaker could not be checked');
        if (this.running && entry.backchannel !== 'available') {
          entry.retry = setTimeout(() => this.probeSoon(entry), entry.retryMs);
          entry.retryMs = Math.min(this.deps.config.probeIntervalMs, entry.retryMs * 2);
        }
      }
    } finally {
      entry.probing = false;
    }
  }
}
