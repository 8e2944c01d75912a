import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Service } from '../../src/core/lifecycle.js';
import type { Logger } from '../../src/core/logger.js';
import { PayloadError, buildTopic, type TopicSpec } from '../../src/core/mqtt-contract.js';
import { decodeMulaw } from '../../devices/mqtt-speaker/g711.js';
import {
  SPEAKER_CONTRACT_VERSION,
  decodeAudioFrame,
  groupAudio,
  groupPlay,
  groupStop,
  groupVolume,
  playSchema,
  speakerAudio,
  speakerAvailability,
  speakerJobEvent,
  speakerPlay,
  speakerState,
  speakerStop,
  speakerVolume,
  stopSchema,
  volumeSchema,
  type AudioFrame,
  type SpeakerEvent,
  type SpeakerState,
} from '../../devices/mqtt-speaker/protocol.js';
import { JobRecording, chooseCurrent, recordingFileName, type RecordingEnd } from './job-recording.js';
import { writeWavFile } from './wav-file.js';
import { connectDevice } from '../common/device-link.js';

/** The problems a speaker keeps for inspection (older ones are dropped; `problemCount` counts all). */
export const MAX_PROBLEMS = 200;
/** Audio a speaker keeps of one job (10 minutes); a longer job is played on but not recorded. */
export const MAX_RECORDED_SECONDS = 600;
const MAX_SAMPLE_RATE = 48_000;

export interface SimulatedSpeakerOptions {
  id: string;
  password: string;
  groups: readonly string[];
  baseTopic: string;
  /** Where each job's WAV file is written (`<dir>/<jobId>.wav`). */
  recordDir: string;
  codecs?: readonly string[];
  /** Languages spoken from text by the speaker itself. */
  nativeTts?: readonly string[];
  /** How long native TTS "speaks" per character of text. */
  nativeTtsMsPerChar?: number;
  volume?: number;
  log?: Logger;
}

export interface SpeakerFaults {
  /** Every frame is handled this much later (a slow CPU or a congested link). */
  slowMs: number;
}

export interface DecodedFrameInfo {
  speakerId: string;
  jobId: string;
  sequence: number;
  latencyMs: number;
}

/**
 * One IP speaker on MQTT: subscribes to its own topics and to its groups' topics, decodes the
 * audio, plays the highest-priority job it was told about, writes every job to a WAV file, reports
 * state and job events, and measures latency, loss and jitter of each job's frames.
 * Faults: `goOffline()` (connection lost; the last will says offline) and `faults.slowMs`.
 */
export class SimulatedSpeaker extends EventEmitter implements Service {
  readonly name: string;
  readonly faults: SpeakerFaults = { slowMs: 0 };
  readonly recordings: JobRecording[] = [];
  /** The last MAX_PROBLEMS invalid messages received (bad frames, unknown streams). */
  readonly problems: string[] = [];
  /** Invalid messages received since start, all of them. */
  problemCount = 0;
  private readonly jobs = new Map<string, JobRecording>();
  private readonly streams = new Map<number, JobRecording>();
  private client: MqttClient | undefined;
  private url: string | undefined;
  private current: JobRecording | undefined;
  private volume: number;
  private order = 0;
  private nativeTimer: { job: JobRecording; timer: NodeJS.Timeout; dueAt: number; remaining: number } | undefined;

  constructor(readonly options: SimulatedSpeakerOptions) {
    super();
    this.name = `speaker-sim:${options.id}`;
    this.volume = options.volume ?? 80;
  }

  get id(): string {
    return this.options.id;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  get currentJobId(): string | undefined {
    return this.current?.jobId;
  }

  get currentVolume(): number {
    return this.volume;
  }

  recording(jobId: string): JobRecording | undefined {
    return this.jobs.get(jobId);
  }

  async start(env?: { mqttUrl: string }): Promise<void> {
    if (env) this.url = env.mqttUrl;
    if (!this.url) throw new Error(`${this.name}: no MQTT URL`);
    const { options } = this;
    const base = options.baseTopic;
    const client = connectDevice({ url: this.url, id: options.id, password: options.password, availabilityTopic: buildTopic(base, speakerAvailability, { id: options.id }), reconnectPeriodMs: 1000 });
    this.client = client;
    client.on('message', (topic, payload) => this.guarded(topic, () => this.receive(topic, payload)));
    client.on('connect', () => {
      const filters = [speakerPlay, speakerAudio, speakerStop, speakerVolume].map((s) => buildTopic(base, s as TopicSpec<unknown, 'id'>, { id: options.id }));
      for (const group of options.groups) {
        filters.push(...[groupPlay, groupAudio, groupStop, groupVolume].map((s) => buildTopic(base, s as TopicSpec<unknown, 'group'>, { group })));
      }
      client.subscribe(filters, { qos: 1 }, (err) => {
        if (err) {
          options.log?.error({ err: err.message, speaker: options.id }, 'speaker subscribe failed');
          return;
        }
        client.publish(buildTopic(base, speakerAvailability, { id: options.id }), 'online', { qos: 1, retain: true });
        this.publishState();
      });
    });
    client.on('error', (err) => options.log?.debug({ err: err.message, speaker: options.id }, 'speaker MQTT error'));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: MQTT connect timed out`)), 10_000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    if (this.nativeTimer) clearTimeout(this.nativeTimer.timer);
    this.nativeTimer = undefined;
    for (const job of this.jobs.values()) if (!job.ended) this.finish(job, 'stopped', 'speaker switched off', false);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // Publish offline like a clean shutdown of real hardware, then disconnect.
    await client.publishAsync(buildTopic(this.options.baseTopic, speakerAvailability, { id: this.id }), 'offline', { qos: 1, retain: true }).catch(() => {});
    await client.endAsync(false);
    client.removeAllListeners();
  }

  /** Fault: the connection drops without a goodbye (the broker publishes the last will). */
  async goOffline(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners('message');
    await client.endAsync(true);
    client.removeAllListeners();
  }

  /** Reconnects after goOffline(). */
  async goOnline(): Promise<void> {
    if (!this.client) await this.start();
  }

  private receive(topic: string, payload: Buffer): void {
    const kind = topic.slice(topic.lastIndexOf('/') + 1);
    try {
      if (kind === 'audio') {
        const frame = decodeAudioFrame(payload);
        const now = () => performance.timeOrigin + performance.now();
        if (this.faults.slowMs > 0) setTimeout(() => this.guarded(topic, () => this.onFrame(frame, now())), this.faults.slowMs);
        else this.onFrame(frame, now());
      } else if (kind === 'play') this.onPlay(playSchema.parse(JSON.parse(payload.toString('utf8'))));
      else if (kind === 'stop') {
        const stop = stopSchema.parse(JSON.parse(payload.toString('utf8')));
        const job = this.jobs.get(stop.jobId);
        if (!job || job.ended) return;
        // drain: play out the frames still in hand (the slow fault holds them for slowMs), then end.
        if (stop.drain) setTimeout(() => this.guarded(topic, () => !job.ended && this.finish(job, 'finished', 'ended by the gateway (end of stream not received)')), this.faults.slowMs + 1);
        else this.finish(job, 'stopped', stop.reason);
      } else if (kind === 'volume') {
        this.volume = volumeSchema.parse(JSON.parse(payload.toString('utf8'))).volume;
        this.publishState();
      }
    } catch (err) {
      const reason = err instanceof PayloadError || err instanceof Error ? err.message : String(err);
      this.problem(`${topic}: ${reason}`);
      this.options.log?.warn({ speaker: this.id, topic, reason }, 'speaker refused a message');
    }
  }

  /** Runs a handler; whatever it throws is logged and counted, never thrown into the MQTT client or a timer. */
  private guarded(topic: string, handler: () => void): void {
    try {
      handler();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.problem(`${topic}: ${reason}`);
      this.options.log?.error({ speaker: this.id, topic, err }, 'speaker failed to handle a message; it goes on');
    }
  }

  private problem(text: string): void {
    this.problemCount++;
    this.problems.push(text.slice(0, 300));
    if (this.problems.length > MAX_PROBLEMS) this.problems.splice(0, this.problems.length - MAX_PROBLEMS);
  }

  private onPlay(play: JobRecording['play']): void {
    if (this.jobs.has(play.jobId)) {
      const existing = this.jobs.get(play.jobId)!;
      if (!existing.ended) return; // repeated announcement (e.g. a resume): nothing to do
    }
    const job = new JobRecording(play, this.order++);
    this.jobs.set(play.jobId, job);
    this.streams.set(play.stream, job);
    this.recordings.push(job);
    if (play.codec !== 'none' && !(this.options.codecs ?? ['pcmu', 's16le']).includes(play.codec)) {
      this.finish(job, 'failed', `codec ${play.codec} is not supported`);
      return;
    }
    this.arbitrate();
  }

  private onFrame(frame: AudioFrame, arrival: number): void {
    const job = this.streams.get(frame.stream);
    if (!job || job.ended) {
      if (!job) this.problem(`frame of unknown stream ${frame.stream}`);
      return;
    }
    // In two of the job's groups, a speaker receives every frame twice: it plays each once.
    if (!job.firstArrival(frame.sequence)) return;
    if (job !== this.current) {
      job.dropped++;
      // The end of a job it is not playing now: it will not come back to it.
      if (frame.endOfStream) this.finish(job, 'finished');
      return;
    }
    const latencyMs = job.stats.record(frame.sequence, frame.capturedAt, arrival);
    if (frame.data.length > 0) {
      const maxSamples = MAX_RECORDED_SECONDS * Math.min(MAX_SAMPLE_RATE, job.play.sampleRate);
      job.append(frame.codec === 'pcmu' ? decodeMulaw(frame.data) : new Int16Array(frame.data.buffer.slice(frame.data.byteOffset, frame.data.byteOffset + frame.data.length)), maxSamples);
      this.emit('frame', { speakerId: this.id, jobId: job.jobId, sequence: frame.sequence, latencyMs } satisfies DecodedFrameInfo);
    }
    if (frame.endOfStream) this.finish(job, 'finished');
  }

  /** Picks the job to play and reports what changed. */
  private arbitrate(): void {
    const next = chooseCurrent(this.jobs.values());
    const previous = this.current;
    if (next === previous) return;
    const now = Date.now();
    if (previous && !previous.ended) {
      previous.closeSegment(now);
      this.pauseNative(previous);
      this.sendEvent(previous, 'preempted', `preempted by ${next?.jobId ?? 'nothing'}`);
    }
    this.current = next;
    if (next) {
      const resumed = next.segments.length > 0;
      next.openSegment(now);
      this.sendEvent(next, resumed ? 'resumed' : 'started');
      if (next.play.codec === 'none') this.speakNative(next);
    }
    this.publishState();
  }

  private speakNative(job: JobRecording): void {
    const perChar = this.options.nativeTtsMsPerChar ?? 150;
    const remaining = this.nativeTimer?.job === job ? this.nativeTimer.remaining : Math.max(500, (job.play.text ?? '').length * perChar * job.play.repeat);
    const timer = setTimeout(() => {
      this.nativeTimer = undefined;
      this.guarded('native-tts', () => this.finish(job, 'finished'));
    }, Math.min(remaining, 2 ** 31 - 1));
    this.nativeTimer = { job, timer, dueAt: Date.now() + remaining, remaining };
  }

  private pauseNative(job: JobRecording): void {
    if (this.nativeTimer?.job !== job) return;
    clearTimeout(this.nativeTimer.timer);
    this.nativeTimer.remaining = Math.max(0, this.nativeTimer.dueAt - Date.now());
  }

  private finish(job: JobRecording, end: RecordingEnd, reason?: string, arbitrate = true): void {
    const now = Date.now();
    job.end = end;
    job.endReason = reason;
    job.endedAt = now;
    job.closeSegment(now);
    if (this.nativeTimer?.job === job) {
      clearTimeout(this.nativeTimer.timer);
      this.nativeTimer = undefined;
    }
    if (job.play.codec !== 'none') {
      job.wavPath = join(this.options.recordDir, recordingFileName(job.jobId));
      try {
        writeWavFile(job.wavPath, job.chunks, job.play.sampleRate);
      } catch (err) {
        this.problem(`writing ${job.wavPath}: ${String(err)}`);
      }
      job.chunks.length = 0;
    }
    this.sendEvent(job, end, reason);
    if (this.current === job) this.current = undefined;
    this.forgetOldRecordings();
    this.emit('ended', job);
    if (arbitrate) this.arbitrate();
    if (!this.current) this.publishState();
  }

  /** Keeps the last 200 jobs (a demo runs for days). */
  private forgetOldRecordings(): void {
    while (this.recordings.length > 200 && this.recordings[0]!.ended) {
      const old = this.recordings.shift()!;
      this.jobs.delete(old.jobId);
      if (this.streams.get(old.play.stream) === old) this.streams.delete(old.play.stream);
    }
  }

  private sendEvent(job: JobRecording, event: SpeakerEvent['event'], reason?: string): void {
    const payload: SpeakerEvent = { jobId: job.jobId, event, at: new Date().toISOString(), ...(reason ? { reason } : {}), stats: job.stats.summary() };
    this.emit('event', payload);
    this.client?.publish(buildTopic(this.options.baseTopic, speakerJobEvent, { id: this.id }), JSON.stringify(payload), { qos: 1 });
  }

  private publishState(): void {
    const state: SpeakerState = {
      v: SPEAKER_CONTRACT_VERSION,
      state: this.current ? 'playing' : 'idle',
      jobId: this.current?.jobId ?? null,
      priority: this.current?.play.priority ?? null,
      volume: this.volume,
      groups: [...this.options.groups],
      capabilities: { codecs: [...(this.options.codecs ?? ['pcmu', 's16le'])], nativeTts: [...(this.options.nativeTts ?? [])] },
    };
    this.client?.publish(buildTopic(this.options.baseTopic, speakerState, { id: this.id }), JSON.stringify(state), { qos: 1, retain: true });
  }
}
