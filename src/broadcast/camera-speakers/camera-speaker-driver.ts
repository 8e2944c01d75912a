/**
 * The cameras' loudspeakers as speakers: what an MQTT speaker does on its own side is done here
 * for each camera. It keeps the jobs it was told about (`play`), plays the highest-priority one
 * (the earlier on a tie) and drops the others' frames, reports started / preempted / resumed /
 * finished / stopped / failed like a speaker does, and turns the job's audio (G.711 mu-law 8 kHz,
 * or 16 kHz PCM) into the camera's G.711 at 8 kHz through its backchannel. A camera that goes
 * offline, or whose backchannel cannot be restored, fails the jobs on it with the reason.
 */
import { CameraBackchannel } from '../../../devices/onvif-camera/camera-backchannel.js';
import type { PublishTargets, SpeakerEventListener } from '../../../devices/mqtt-speaker/driver.js';
import { decodeMulaw } from '../../../devices/mqtt-speaker/g711.js';
import { SPEAKER_CONTRACT_VERSION, type AudioFrame, type PlayMessage, type SpeakerEvent, type SpeakerState, type StopMessage } from '../../../devices/mqtt-speaker/protocol.js';
import type { CameraSpeakersConfig } from '../../config/camera-speakers-schema.js';
import type { Service } from '../../core/lifecycle.js';
import type { Logger } from '../../core/logger.js';
import { StreamResampler, floatToInt16, int16ToFloat } from '../codecs/resampler.js';
import type { SpeakerOutput } from '../speaker-output.js';
import type { CameraSpeakerTargets } from './camera-targets.js';

interface CameraJob {
  jobId: string;
  stream: number;
  priority: number;
  order: number;
  volume: number | null;
  ended: boolean;
  played: boolean;
  frames: number;
  resampler: StreamResampler | undefined;
}

interface Outlet {
  cameraId: string;
  targetId: string;
  sink: CameraBackchannel;
  jobs: Map<string, CameraJob>;
  streams: Map<number, CameraJob>;
  current: CameraJob | undefined;
  volume: number;
}

/** Jobs remembered per camera (ended ones are forgotten beyond this). */
const MAX_JOBS = 50;

export class CameraSpeakerDriver implements SpeakerOutput, Service {
  readonly name = 'camera-speaker-driver';
  private readonly outlets = new Map<string, Outlet>();
  private readonly listeners = new Set<SpeakerEventListener>();
  private order = 0;
  private offOffline: (() => void) | undefined;

  constructor(
    private readonly deps: { config: CameraSpeakersConfig; targets: CameraSpeakerTargets; log: Logger },
  ) {}

  async start(): Promise<void> {
    this.offOffline = this.deps.targets.onOffline((cameraId, reason) => this.outlets.get(cameraId)?.sink.fail(reason));
  }

  async stop(): Promise<void> {
    this.offOffline?.();
    for (const outlet of this.outlets.values()) {
      for (const job of outlet.jobs.values()) if (!job.ended) this.finish(outlet, job, 'stopped', 'gateway stopping', false);
    }
    await Promise.all([...this.outlets.values()].map((o) => o.sink.stop()));
    this.outlets.clear();
    this.listeners.clear();
  }

  state(id: string): SpeakerState | undefined {
    const view = this.deps.targets.byTarget(id);
    if (!view) return undefined;
    const outlet = this.outlets.get(view.cameraId);
    const current = outlet?.current;
    return {
      v: SPEAKER_CONTRACT_VERSION,
      state: current ? 'playing' : 'idle',
      jobId: current?.jobId ?? null,
      priority: current?.priority ?? null,
      volume: outlet?.volume ?? 100,
      groups: view.groups,
      capabilities: { codecs: ['pcmu'], nativeTts: [] },
    };
  }

  onEvent(listener: SpeakerEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async play(targets: PublishTargets, message: PlayMessage): Promise<void> {
    for (const outlet of this.outletsFor(targets)) {
      const existing = outlet.jobs.get(message.jobId);
      if (existing && !existing.ended) continue; // a repeated announcement
      const job: CameraJob = { jobId: message.jobId, stream: message.stream, priority: message.priority, order: this.order++, volume: message.volume, ended: false, played: false, frames: 0, resampler: undefined };
      outlet.jobs.set(job.jobId, job);
      outlet.streams.set(job.stream, job);
      this.forgetOld(outlet);
      if (message.codec === 'none') {
        this.finish(outlet, job, 'failed', 'a camera loudspeaker cannot speak text by itself');
        continue;
      }
      outlet.sink.hold();
      this.arbitrate(outlet);
    }
  }

  frame(targets: PublishTargets, frame: AudioFrame): void {
    for (const outlet of this.outletsFor(targets)) {
      const job = outlet.streams.get(frame.stream);
      if (!job || job.ended) continue;
      if (job !== outlet.current) {
        if (frame.endOfStream) this.finish(outlet, job, 'finished');
        continue;
      }
      job.frames++;
      if (frame.data.length > 0) outlet.sink.push(this.toCamera(outlet, job, frame));
      if (frame.endOfStream) this.finishAfterDrain(outlet, job);
    }
  }

  async stopJob(targets: PublishTargets, message: StopMessage): Promise<void> {
    for (const outlet of this.outletsFor(targets)) {
      const job = outlet.jobs.get(message.jobId);
      if (!job || job.ended) continue;
      if (message.drain) {
        this.finishAfterDrain(outlet, job);
        continue;
      }
      if (outlet.current === job) outlet.sink.flush();
      this.finish(outlet, job, 'stopped', message.reason);
    }
  }

  async setVolume(targets: PublishTargets, volume: number): Promise<void> {
    for (const outlet of this.outletsFor(targets)) outlet.volume = volume;
  }

  /** Audio held for a camera and dropped for being too far ahead, for the API. */
  stats(cameraId: string): { heldMs: number; droppedSamples: number; packetsSent: number; connects: number; connected: boolean } | undefined {
    const sink = this.outlets.get(cameraId)?.sink;
    return sink && { heldMs: sink.heldMs, droppedSamples: sink.droppedSamples, packetsSent: sink.packetsSent, connects: sink.connects, connected: sink.connected };
  }

  private outletsFor(targets: PublishTargets): Outlet[] {
    const out: Outlet[] = [];
    for (const id of new Set(targets.speakers)) {
      const view = this.deps.targets.byTarget(id);
      if (!view) continue;
      out.push(this.outlet(view.cameraId, id));
    }
    return out;
  }

  private outlet(cameraId: string, targetId: string): Outlet {
    let outlet = this.outlets.get(cameraId);
    if (outlet) return outlet;
    const { config, targets } = this.deps;
    const sink = new CameraBackchannel({
      label: cameraId,
      source: () => targets.source(cameraId),
      timeoutMs: config.timeoutMs,
      reconnect: config.reconnect,
      failAfterMs: config.failAfterMs,
      maxQueueMs: config.maxQueueMs,
      idleCloseMs: config.idleCloseMs,
      onFailed: (reason, unsupported) => this.failOutlet(cameraId, reason, unsupported),
    });
    outlet = { cameraId, targetId, sink, jobs: new Map(), streams: new Map(), current: undefined, volume: 100 };
    this.outlets.set(cameraId, outlet);
    return outlet;
  }

  /** The job's frame as 8 kHz samples at the target's volume (100 = as sent). */
  private toCamera(outlet: Outlet, job: CameraJob, frame: AudioFrame): Int16Array {
    let samples: Int16Array;
    if (frame.codec === 'pcmu') samples = decodeMulaw(frame.data);
    else {
      const pcm = new Int16Array(Math.floor(frame.data.length / 2));
      for (let i = 0; i < pcm.length; i++) pcm[i] = frame.data.readInt16LE(i * 2);
      job.resampler ??= new StreamResampler(16000, 8000);
      samples = floatToInt16(job.resampler.push(int16ToFloat(pcm)));
    }
    const volume = job.volume ?? outlet.volume;
    if (volume !== 100) for (let i = 0; i < samples.length; i++) samples[i] = Math.max(-32768, Math.min(32767, Math.round((samples[i]! * volume) / 100)));
    return samples;
  }

  private finishAfterDrain(outlet: Outlet, job: CameraJob): void {
    void outlet.sink.drained().then(() => {
      if (!job.ended) this.finish(outlet, job, 'finished');
    });
  }

  private failOutlet(cameraId: string, reason: string, unsupported: boolean): void {
    const outlet = this.outlets.get(cameraId);
    if (!outlet) return;
    if (unsupported) this.deps.targets.markUnsupported(cameraId, reason);
    const name = this.deps.targets.byTarget(outlet.targetId)?.name ?? cameraId;
    if (!reason.startsWith('camera "')) reason = `the loudspeaker of camera "${name}" could not be reached: ${reason}`;
    const failing = [...outlet.jobs.values()].filter((j) => !j.ended);
    if (failing.length) this.deps.log.warn({ camera: cameraId, reason, jobs: failing.map((j) => j.jobId) }, 'camera loudspeaker failed: its part of the jobs ends');
    for (const job of failing) this.finish(outlet, job, 'failed', reason, false);
    outlet.current = undefined;
  }

  private finish(outlet: Outlet, job: CameraJob, end: 'finished' | 'stopped' | 'failed', reason?: string, arbitrate = true): void {
    job.ended = true;
    this.send(outlet, job, end, reason);
    outlet.sink.release();
    if (outlet.current === job) outlet.current = undefined;
    if (arbitrate) this.arbitrate(outlet);
  }

  private arbitrate(outlet: Outlet): void {
    let next: CameraJob | undefined;
    for (const job of outlet.jobs.values()) {
      if (job.ended) continue;
      if (!next || job.priority > next.priority || (job.priority === next.priority && job.order < next.order)) next = job;
    }
    const previous = outlet.current;
    if (next === previous) return;
    if (previous && !previous.ended) {
      outlet.sink.flush(); // the higher job speaks at once, not after the lower one's buffered audio
      this.send(outlet, previous, 'preempted', `preempted by ${next?.jobId ?? 'nothing'}`);
    }
    outlet.current = next;
    if (next) {
      this.send(outlet, next, next.played ? 'resumed' : 'started');
      next.played = true;
    }
  }

  private send(outlet: Outlet, job: CameraJob, event: SpeakerEvent['event'], reason?: string): void {
    const payload: SpeakerEvent = { jobId: job.jobId, event, at: new Date().toISOString(), ...(reason ? { reason: reason.slice(0, 500) } : {}) };
    for (const l of this.listeners) {
      try {
        l(outlet.targetId, payload);
      } catch (err) {
        this.deps.log.error({ err, camera: outlet.cameraId }, 'a camera loudspeaker event listener failed');
      }
    }
  }

  private forgetOld(outlet: Outlet): void {
    for (const [id, job] of outlet.jobs) {
      if (outlet.jobs.size <= MAX_JOBS) break;
      if (!job.ended) continue;
      outlet.jobs.delete(id);
      if (outlet.streams.get(job.stream) === job) outlet.streams.delete(job.stream);
    }
  }
}
