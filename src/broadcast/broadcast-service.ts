import { randomBytes } from 'node:crypto';
import type { Counter } from 'prom-client';
import type { Principal } from '../auth/principal.js';
import { ConflictError, DeviceUnavailableError, NotFoundError } from '../core/errors.js';
import type { Service } from '../core/lifecycle.js';
import { message, renderMessage, type Message } from '../core/messages.js';
import type { GatewayContext } from '../feature.js';
import { CODEC_SAMPLE_RATE, PRIORITY_LEVELS, SPEAKER_CONTRACT_VERSION, broadcastEvents, type AudioCodec, type BroadcastEvent, type JobEventName, type PlayMessage, type PriorityClass, type SpeakerEvent } from '../../devices/mqtt-speaker/protocol.js';
import { Arbiter, type OwnershipChange } from './arbiter.js';
import { JobOutbox } from './outbox.js';
import { isEnded, type JobStatus, type JobTargets, type JobView, type PreemptPolicy } from './job.js';
import type { FrameSink, JobAudio } from './job-audio.js';
import type { JobHistory } from './job-history.js';
import type { ResolvedTargets, SpeakerDirectory } from './speaker-directory.js';
import { isCameraTarget, type SpeakerOutput } from './speaker-output.js';

declare module '../core/event-bus.js' {
  interface GatewayEvents {
    'broadcast.job': BroadcastEvent;
  }
}

/** What a job plays, built once its speakers are free (a queued job builds it later). */
export type AudioFactory = (job: JobView, sink: FrameSink, done: (status: JobStatus, reason?: Message) => void) => JobAudio;

export interface JobRequest {
  class: PriorityClass;
  source: JobView['source'];
  label: string;
  targets: JobTargets;
  createdBy: Principal;
  repeat?: number;
  volume?: number | null;
  onPreempt?: PreemptPolicy;
  text?: string;
  language?: string;
  voice?: string;
  clipId?: string;
  scheduleId?: string;
  /** Speakers speak `text` themselves: no audio frames. */
  native?: boolean;
  /** Refuse (409) when a job of the same or higher priority holds one of the speakers; otherwise queue. */
  refuseWhenBusy: boolean;
  audio: AudioFactory;
}

interface RunningJob {
  view: JobView;
  resolved: ResolvedTargets;
  request: JobRequest;
  /** The configured codec, or G.711 when a target speaker does not declare it. */
  codec: AudioCodec;
  audio: JobAudio | undefined;
  sequence: number;
  stream: number;
  failedOn: Set<string>;
  doneOn: Set<string>;
  /** Keeps play, frames and stop in order (speakers never see audio before its `play`, nor a stop after the end-of-stream). */
  outbox: JobOutbox;
}

const MAX_EVENTS = 200;

/**
 * The broadcast jobs: priorities (live > alarm > manual > scheduled), preemption on shared
 * speakers, resume/skip policies, job events on the bus, MQTT and the API, and the job history.
 */
export class BroadcastService implements Service {
  readonly name = 'broadcast';
  private readonly running = new Map<string, RunningJob>();
  /** Ended jobs whose speakers may still report (their last frames play after the job ended here). */
  private readonly recent = new Map<string, RunningJob>();
  private readonly arbiter = new Arbiter();
  private nextStream = Math.floor(Math.random() * 0x7fffffff);
  private offEvents: (() => void) | undefined;
  private publishes: Counter | undefined;
  private ended: Counter<'class' | 'status'> | undefined;

  constructor(
    private readonly deps: {
      ctx: GatewayContext;
      driver: SpeakerOutput;
      directory: SpeakerDirectory;
      history: JobHistory;
      codec: AudioCodec;
      frameMs: number;
    },
  ) {}

  async start(): Promise<void> {
    const closed = this.deps.history.closeInterrupted();
    if (closed) this.deps.ctx.log.warn({ jobs: closed }, 'broadcast jobs interrupted by the last stop were closed');
    this.publishes = this.deps.ctx.metrics.counter('gateway_broadcast_audio_publishes_total', 'Audio frames published (one per target group or single speaker)');
    this.ended = this.deps.ctx.metrics.counter('gateway_broadcast_jobs_total', 'Broadcast jobs ended, by class and final status', ['class', 'status']);
    this.deps.ctx.metrics.gauge('gateway_broadcast_jobs_running', 'Broadcast jobs running or waiting', [], (g) => g.set(this.running.size));
    this.offEvents = this.deps.driver.onEvent((speaker, event) => this.onSpeakerEvent(speaker, event));
  }

  async stop(): Promise<void> {
    this.offEvents?.();
    for (const job of [...this.running.values()]) this.end(job, 'stopped', message('job.reason.gateway-stopping'));
  }

  get codec(): AudioCodec {
    return this.deps.codec;
  }

  get frameMs(): number {
    return this.deps.frameMs;
  }

  list(limit = 50): JobView[] {
    const active = [...this.running.values()].map((j) => this.snapshot(j));
    const ids = new Set(active.map((j) => j.id));
    return [...active, ...this.deps.history.list({ limit }).filter((j) => !ids.has(j.id))].slice(0, Math.max(limit, active.length));
  }

  get(id: string): JobView {
    const running = this.running.get(id);
    if (running) return this.snapshot(running);
    const stored = this.deps.history.get(id);
    if (!stored) throw new NotFoundError('job.not-found', { job: id });
    return stored;
  }

  /** Starts (or queues) a job; throws a UserError when the targets are wrong, offline or busy. */
  create(request: JobRequest): JobView {
    const resolved = this.deps.directory.resolve(request.targets);
    if (resolved.online.length === 0) throw new DeviceUnavailableError('speakers.offline', { speakers: resolved.speakers.join(', ') });
    const priority = PRIORITY_LEVELS[request.class];
    const blockers = this.arbiter.blockers(resolved.speakers, priority);
    if (request.refuseWhenBusy && blockers.length > 0) {
      const first = blockers[0]!;
      const view = this.running.get(first.id)?.view;
      throw new ConflictError('speakers.busy', { job: first.id, kind: view?.class ?? 'job', by: view?.createdBy ?? '?' }, { jobs: blockers.map((b) => b.id) });
    }
    const now = new Date().toISOString();
    const codec = this.codecFor(resolved.online);
    const view: JobView = {
      id: `job-${randomBytes(5).toString('hex')}`,
      class: request.class,
      priority,
      source: request.source,
      status: 'queued',
      label: request.label,
      text: request.text ?? null,
      language: request.language ?? null,
      voice: request.voice ?? null,
      clipId: request.clipId ?? null,
      scheduleId: request.scheduleId ?? null,
      targets: request.targets,
      speakers: resolved.speakers,
      playingOn: [],
      offline: resolved.offline,
      codec: request.native ? 'none' : codec,
      repeat: request.repeat ?? 1,
      volume: request.volume ?? null,
      onPreempt: request.onPreempt ?? 'resume',
      createdBy: request.createdBy.name,
      createdAt: now,
      startedAt: null,
      endedAt: null,
      reason: null,
      reasonMessage: null,
      events: [],
      speakerEvents: [],
    };
    const job: RunningJob = { view, resolved, request, codec, audio: undefined, sequence: 0, stream: this.nextStream++ >>> 0, failedOn: new Set(), doneOn: new Set(), outbox: new JobOutbox() };
    this.running.set(view.id, job);
    this.deps.history.save(view);
    this.apply(this.arbiter.add({ id: view.id, priority, speakers: new Set(resolved.speakers) }));
    if (view.status === 'queued') {
      if (view.onPreempt === 'skip') this.end(job, 'skipped', message('job.reason.busy-with', { jobs: blockers.map((b) => b.id).join(', ') }));
      else this.event(job, 'queued', resolved.speakers, { by: blockers[0]?.id, reason: 'speakers busy' });
    }
    return this.snapshot(job);
  }

  /** Stops a job (an officer, a closed browser, the job's own end). */
  stopJob(id: string, reason: Message, status: JobStatus = 'stopped'): JobView {
    const job = this.running.get(id);
    if (!job) {
      const stored = this.deps.history.get(id);
      if (!stored) throw new NotFoundError('job.not-found', { job: id });
      return stored;
    }
    this.end(job, status, reason);
    return this.snapshot(job);
  }

  /** Live jobs need to reach their audio object (push from the WebSocket). */
  audioOf(id: string): JobAudio | undefined {
    return this.running.get(id)?.audio;
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** `pcmu` is mandatory for every speaker; another codec only when every online target declares it. */
  private codecFor(speakers: readonly string[]): AudioCodec {
    const wanted = this.deps.codec;
    if (wanted === 'pcmu') return wanted;
    return speakers.every((id) => this.deps.driver.state(id)?.capabilities.codecs.includes(wanted)) ? wanted : 'pcmu';
  }

  private snapshot(job: RunningJob): JobView {
    return { ...job.view, playingOn: this.arbiter.has(job.view.id) ? this.arbiter.owned(job.view.id).sort() : [], events: [...job.view.events], speakerEvents: [...job.view.speakerEvents] };
  }

  private apply(changes: OwnershipChange[]): void {
    for (const change of changes) {
      const job = this.running.get(change.jobId);
      if (!job || isEnded(job.view.status)) continue;
      if (change.gained.length > 0) this.gain(job, change.gained);
      const taken = change.lost.filter((s) => change.takenBy.has(s));
      if (taken.length > 0) this.lose(job, taken, change.takenBy.get(taken[0]!)!);
    }
  }

  private gain(job: RunningJob, speakers: string[]): void {
    const { view } = job;
    if (!job.audio) {
      view.status = 'playing';
      view.startedAt = new Date().toISOString();
      this.announce(job);
      job.audio = job.request.audio(view, this.sink(job), (status, reason) => this.end(job, status, reason));
      job.audio.start();
      this.event(job, 'started', speakers);
      return;
    }
    if (view.status === 'suspended') {
      view.status = 'playing';
      job.audio.resume();
    }
    this.event(job, 'resumed', speakers);
  }

  private lose(job: RunningJob, speakers: string[], by: string): void {
    this.event(job, 'preempted', speakers, { by });
    if (job.view.onPreempt === 'skip') {
      job.outbox.reliable(() => this.deps.driver.stopJob({ groups: [], speakers }, { jobId: job.view.id, reason: `preempted by ${by}` }));
      this.apply(this.arbiter.release(job.view.id, speakers));
    }
    if (this.arbiter.owned(job.view.id).length > 0 || isEnded(job.view.status)) return;
    if (job.view.onPreempt === 'skip') {
      this.end(job, 'skipped', message('job.reason.preempted', { job: by, kind: this.running.get(by)?.view.class ?? 'unknown' }));
      return;
    }
    job.view.status = 'suspended';
    job.audio?.pause();
  }

  private announce(job: RunningJob): void {
    const { view, request } = job;
    const message: PlayMessage = {
      v: SPEAKER_CONTRACT_VERSION,
      jobId: view.id,
      stream: job.stream,
      priority: view.priority,
      class: view.class,
      source: view.source,
      codec: request.native ? ('none' as const) : job.codec,
      sampleRate: CODEC_SAMPLE_RATE[job.codec],
      frameMs: this.deps.frameMs,
      volume: view.volume,
      repeat: view.repeat,
      ...(request.native && view.text ? { text: view.text } : {}),
      ...(view.language ? { language: view.language } : {}),
      label: view.label.slice(0, 200),
      at: new Date().toISOString(),
    };
    job.outbox.reliable(() =>
      this.deps.driver.play(job.resolved.publish, message).catch((err: unknown) => this.deps.ctx.log.error({ job: view.id, err: String(err) }, 'could not announce a broadcast job')),
    );
  }

  private sink(job: RunningJob): FrameSink {
    const { driver } = this.deps;
    const topics = job.resolved.publish.groups.length + job.resolved.publish.speakers.length;
    return (data, capturedAt, endOfStream) => {
      const frame = { codec: job.codec, endOfStream, frameMs: this.deps.frameMs, stream: job.stream, sequence: job.sequence++, capturedAt, data };
      job.outbox.frame(() => {
        this.publishes?.inc(topics);
        driver.frame(job.resolved.publish, frame);
      });
    };
  }

  private end(job: RunningJob, status: JobStatus, reasonMessage?: Message): void {
    const reason = reasonMessage && renderMessage(reasonMessage.messageCode, reasonMessage.params);
    const { view } = job;
    if (isEnded(view.status)) return;
    const wasStarted = job.audio !== undefined;
    view.status = status;
    view.endedAt = new Date().toISOString();
    view.reason = reason ?? null;
    view.reasonMessage = reasonMessage ?? null;
    // A job cut short is stopped before its end-of-stream frame, so speakers report it stopped;
    // a finished one gets the stop after it, in case that frame was lost.
    const sendStop = () => job.outbox.reliable(() => this.deps.driver.stopJob(job.resolved.publish, { jobId: view.id, reason: reason ?? status, drain: status === 'finished' }));
    if (wasStarted && status !== 'finished') sendStop();
    job.audio?.stop();
    if (wasStarted && status === 'finished') sendStop();
    const eventName: JobEventName = status === 'finished' || status === 'stopped' || status === 'skipped' || status === 'failed' ? status : 'stopped';
    this.event(job, eventName, view.speakers, reason ? { reason } : {});
    this.running.delete(view.id);
    this.recent.set(view.id, job);
    if (this.recent.size > 100) this.recent.delete(this.recent.keys().next().value!);
    this.ended?.inc({ class: view.class, status });
    this.deps.history.save(this.snapshot(job));
    this.apply(this.arbiter.remove(view.id));
  }

  private event(job: RunningJob, name: JobEventName, speakers: string[], extra: { by?: string | undefined; reason?: string | undefined } = {}): void {
    const event: BroadcastEvent = {
      jobId: job.view.id,
      event: name,
      class: job.view.class,
      source: job.view.source,
      speakers: [...speakers].sort(),
      ...(extra.by ? { by: extra.by } : {}),
      ...(extra.reason ? { reason: extra.reason } : {}),
      at: new Date().toISOString(),
    };
    if (job.view.events.length < MAX_EVENTS) job.view.events.push(event);
    this.deps.ctx.bus.emit('broadcast.job', event);
    this.deps.ctx.publisher.publish(broadcastEvents, {}, event).catch(() => {});
  }

  private onSpeakerEvent(speaker: string, event: SpeakerEvent): void {
    const late = this.recent.get(event.jobId);
    if (late) {
      if (late.view.speakerEvents.length < MAX_EVENTS) late.view.speakerEvents.push({ ...event, speaker });
      this.deps.history.save(this.snapshot(late));
      return;
    }
    const job = this.running.get(event.jobId);
    if (!job) return;
    if (job.view.speakerEvents.length < MAX_EVENTS) job.view.speakerEvents.push({ ...event, speaker });
    if (event.event === 'failed') {
      job.failedOn.add(speaker);
      // That speaker's part of the job is over (the others play on): it no longer holds it.
      if (this.arbiter.has(job.view.id)) this.apply(this.arbiter.release(job.view.id, [speaker]));
      if (isCameraTarget(speaker)) this.deps.ctx.log.warn({ job: job.view.id, speaker, reason: event.reason }, 'a camera loudspeaker left a broadcast job');
    }
    if (event.event === 'finished' || event.event === 'stopped' || event.event === 'failed') job.doneOn.add(speaker);
    const reachable = job.resolved.online;
    if (reachable.length > 0 && reachable.every((s) => job.failedOn.has(s))) {
      this.end(job, 'failed', message('job.reason.speakers-failed', { reason: event.reason ?? 'no reason given' }));
    } else if (job.request.native && reachable.every((s) => job.doneOn.has(s))) {
      this.end(job, 'finished');
    }
  }
}
