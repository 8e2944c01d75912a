import { SYSTEM_PRINCIPAL, type Principal } from '../auth/principal.js';
import type { AuditLog } from '../auth/audit-log.js';
import { UserError } from '../core/errors.js';
import { message } from '../core/messages.js';
import type { Logger } from '../core/logger.js';
import { CODEC_SAMPLE_RATE, type AudioCodec } from '../../devices/mqtt-speaker/protocol.js';
import type { BroadcastService, JobRequest } from './broadcast-service.js';
import type { ClipStore } from './clip-store.js';
import { FrameEncoder } from './codecs/frame-encoder.js';
import { resampleInt16 } from './codecs/resampler.js';
import { NativeSpeech, PacedAudio } from './job-audio.js';
import type { JobTargets, JobView, PreemptPolicy } from './job.js';
import { LiveAudio } from './live-audio.js';
import { inQuietHours, type Schedule } from './schedule-store.js';
import type { SpeakerDirectory } from './speaker-directory.js';
import type { SpeakerOutput } from './speaker-output.js';
import { STORE_SAMPLE_RATE, type TextToSpeech } from './tts.js';

export interface PlayOptions {
  targets: JobTargets;
  repeat?: number;
  volume?: number | null;
  /** An alarm announcement (priority above manual and scheduled). */
  alarm?: boolean;
  principal: Principal;
}

/**
 * What officers and schedules ask for, turned into jobs: TTS (espeak-ng, or the text itself for
 * speakers with native TTS), clips, live call-outs and scheduled publicity.
 */
export class BroadcastActions {
  /** Speech and clips at each codec rate, by the (cached, shared) source samples. */
  private readonly conversions = new WeakMap<Int16Array, Map<number, Int16Array>>();

  constructor(
    private readonly deps: {
      service: BroadcastService;
      tts: TextToSpeech;
      clips: ClipStore;
      directory: SpeakerDirectory;
      driver: SpeakerOutput;
      audit: AuditLog;
      leadMs: number;
      log: Logger;
    },
  ) {}

  async speak(options: PlayOptions & { text: string; language?: string | undefined; scheduleId?: string; onPreempt?: PreemptPolicy }): Promise<JobView> {
    const { language, voice } = this.deps.tts.resolveVoice(options.text, options.language);
    const base = this.request(options, 'tts', options.text.length > 80 ? `${options.text.slice(0, 77)}...` : options.text);
    const resolved = this.deps.directory.resolve(options.targets);
    const native = resolved.online.length > 0 && resolved.online.every((id) => this.deps.driver.state(id)?.capabilities.nativeTts.includes(language));
    if (native) {
      const timeoutMs = 10_000 + options.text.length * 400 * (options.repeat ?? 1);
      return this.deps.service.create({
        ...base,
        text: options.text,
        language,
        voice: 'native',
        native: true,
        ...(options.scheduleId ? { scheduleId: options.scheduleId } : {}),
        audio: (_job, _sink, done) => new NativeSpeech({ timeoutMs, onTimeout: () => done('failed', message('job.reason.native-timeout')) }),
      });
    }
    const speech = await this.deps.tts.synthesize(options.text, language);
    return this.deps.service.create({
      ...base,
      text: options.text,
      language,
      voice,
      ...(options.scheduleId ? { scheduleId: options.scheduleId } : {}),
      audio: this.paced(speech.samples, speech.sampleRate, options.repeat ?? 1),
    });
  }

  playClip(options: PlayOptions & { clipId: string; scheduleId?: string; onPreempt?: PreemptPolicy }): JobView {
    const clip = this.deps.clips.get(options.clipId);
    const samples = this.deps.clips.samples(options.clipId);
    return this.deps.service.create({
      ...this.request(options, 'clip', clip.name),
      clipId: clip.id,
      ...(options.scheduleId ? { scheduleId: options.scheduleId } : {}),
      audio: this.paced(samples, STORE_SAMPLE_RATE, options.repeat ?? 1),
    });
  }

  /** Starts a live call-out; the caller pushes microphone chunks into the returned audio. */
  startLive(options: { targets: JobTargets; sampleRate: number; principal: Principal; remote?: string | undefined }): { job: JobView; audio: LiveAudio } {
    if (!(options.sampleRate >= 8000 && options.sampleRate <= 192000)) throw new UserError('talk.sample-rate', { rate: options.sampleRate });
    let live: LiveAudio | undefined;
    const { service } = this.deps;
    const job = service.create({
      class: 'live',
      source: 'live',
      label: `live call-out by ${options.principal.name}`,
      targets: options.targets,
      createdBy: options.principal,
      refuseWhenBusy: true,
      audio: (job, sink) => (live = new LiveAudio(options.sampleRate, job.codec as AudioCodec, service.frameMs, sink)),
    });
    if (!live) throw new Error('a live job did not start at once');
    this.deps.audit.record({ principal: options.principal, action: 'broadcast.talk', target: job.speakers.join(','), detail: { jobId: job.id, targets: options.targets }, remote: options.remote });
    return { job, audio: live };
  }

  /** A schedule's time has come: skipped in quiet hours, otherwise a scheduled-priority job. */
  async fireSchedule(schedule: Schedule, scheduledFor: Date): Promise<JobView | undefined> {
    if (inQuietHours(schedule.quietHours, scheduledFor, schedule.timezone)) {
      this.deps.log.info({ schedule: schedule.id }, 'scheduled broadcast skipped: quiet hours');
      return undefined;
    }
    const principal: Principal = { ...SYSTEM_PRINCIPAL, name: `schedule:${schedule.id}` };
    const common = { targets: schedule.targets, repeat: schedule.repeat, volume: schedule.volume, principal, scheduleId: schedule.id, onPreempt: schedule.onPreempt };
    const job = schedule.content.kind === 'tts' ? await this.speak({ ...common, text: schedule.content.text, language: schedule.content.language }) : this.playClip({ ...common, clipId: schedule.content.clipId });
    this.deps.audit.record({ principal, action: 'broadcast.schedule.fire', target: schedule.id, detail: { jobId: job.id, name: schedule.name, scheduledFor: scheduledFor.toISOString(), content: schedule.content, targets: schedule.targets } });
    return job;
  }

  private request(options: PlayOptions & { scheduleId?: string; onPreempt?: PreemptPolicy }, source: 'tts' | 'clip', label: string): Omit<JobRequest, 'audio'> {
    const scheduled = options.scheduleId !== undefined;
    return {
      class: scheduled ? 'scheduled' : options.alarm ? 'alarm' : 'manual',
      source,
      label,
      targets: options.targets,
      createdBy: options.principal,
      repeat: options.repeat ?? 1,
      volume: options.volume ?? null,
      onPreempt: options.onPreempt ?? 'resume',
      // Officers get a clear "busy" answer; schedules wait for their speakers (or skip, by policy).
      refuseWhenBusy: !scheduled,
    };
  }

  /**
   * Speech at the codec's rate, converted once per speech and rate: the same warning played again
   * (every alarm of a rule, its repeats) does not resample seconds of audio on the event loop again.
   */
  private resampled(samples: Int16Array, rate: number, target: number): Int16Array {
    let byRate = this.conversions.get(samples);
    if (!byRate) this.conversions.set(samples, (byRate = new Map()));
    let out = byRate.get(target);
    if (!out) byRate.set(target, (out = resampleInt16(samples, rate, target)));
    return out;
  }

  private paced(samples: Int16Array, rate: number, repeat: number): JobRequest['audio'] {
    const { service, leadMs } = this.deps;
    return (job, sink, done) => {
      const codec = job.codec as AudioCodec;
      const converted = this.resampled(samples, rate, CODEC_SAMPLE_RATE[codec]);
      const samplesPerFrame = new FrameEncoder(codec, service.frameMs).samplesPerFrame;
      return new PacedAudio({ codec, samples: converted, samplesPerFrame, frameMs: service.frameMs, repeat, leadMs, sink, onDone: () => done('finished') });
    };
  }
}
