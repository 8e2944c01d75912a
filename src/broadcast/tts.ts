import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { resampleInt16 } from './codecs/resampler.js';
import { encodeWav, parseWav } from './codecs/wav.js';

/** Internal rate of synthesised speech and converted clips (resampled to the codec's rate per job). */
export const STORE_SAMPLE_RATE = 16000;

export interface TtsOptions {
  /** espeak-ng binary. */
  command: string;
  /** Language -> espeak-ng voice, e.g. `{ zh: 'cmn-latn-pinyin', en: 'en-us' }`. */
  voices: Record<string, string>;
  /** Words per minute. */
  rate: number;
  maxTextLength: number;
  cacheDir: string;
  timeoutMs: number;
  log: Logger;
}

export interface Speech {
  samples: Int16Array;
  sampleRate: number;
  language: string;
  voice: string;
  cached: boolean;
}

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** `zh` when the text holds Chinese characters, otherwise `en`. */
export function detectLanguage(text: string): string {
  return CJK.test(text) ? 'zh' : 'en';
}

/**
 * Text-to-speech with espeak-ng (Mandarin needs the `cmn-latn-pinyin` voice: plain `cmn` reads
 * Chinese characters as English-spoken pinyin). Results are cached on disk by voice, rate and
 * text, as 16 kHz mono WAV; concurrent requests for the same text share one synthesis, and one
 * espeak-ng runs at a time.
 */
/** At most this many samples of recent speech held in memory (2 M samples: 4 MB, about two minutes at 16 kHz). */
const RECENT_MAX_SAMPLES = 2 * 1024 * 1024;

export class TextToSpeech {
  private readonly inFlight = new Map<string, Promise<Speech>>();
  /**
   * The last speeches read from the cache, in memory (bounded in samples): the same samples come
   * back for the same text, so the job's rate conversion of them is reused too (alarm warnings).
   */
  private readonly recent = new Map<string, { samples: Int16Array; sampleRate: number }>();
  private recentSamples = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly children = new Set<ReturnType<typeof spawn>>();

  constructor(private readonly options: TtsOptions) {}

  languages(): string[] {
    return Object.keys(this.options.voices);
  }

  /** Checks the request before anything is synthesised (a 400 for the officer). */
  resolveVoice(text: string, language?: string): { language: string; voice: string } {
    if (!text.trim()) throw new UserError('tts.text-empty');
    if (text.length > this.options.maxTextLength) throw new UserError('tts.text-too-long', { max: this.options.maxTextLength });
    const lang = language ?? detectLanguage(text);
    // Own properties only: `__proto__` or `constructor` is no language.
    const voice = Object.hasOwn(this.options.voices, lang) ? this.options.voices[lang] : undefined;
    if (!voice) throw new UserError('tts.no-voice', { language: lang, languages: this.languages().join(', ') });
    return { language: lang, voice };
  }

  async synthesize(text: string, language?: string): Promise<Speech> {
    const { language: lang, voice } = this.resolveVoice(text, language);
    const key = createHash('sha256').update(`${voice}\n${this.options.rate}\n${text}`).digest('hex');
    const file = join(this.options.cacheDir, `${key}.wav`);
    const held = this.recent.get(key);
    if (held && existsSync(file)) {
      this.recent.delete(key);
      this.recent.set(key, held); // most recently used last
      return { ...held, language: lang, voice, cached: true };
    }
    if (existsSync(file)) {
      const audio = parseWav(readFileSync(file));
      this.hold(key, audio.samples, audio.sampleRate);
      return { samples: audio.samples, sampleRate: audio.sampleRate, language: lang, voice, cached: true };
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const job = this.enqueue(async () => {
      const wav = await this.runEspeak(voice, text);
      const audio = parseWav(wav);
      if (audio.samples.length === 0) throw new UserError('tts.no-audio', { voice }, 500, 'tts_failed');
      const samples = resampleInt16(audio.samples, audio.sampleRate, STORE_SAMPLE_RATE);
      mkdirSync(this.options.cacheDir, { recursive: true });
      writeFileSync(`${file}.tmp`, encodeWav({ sampleRate: STORE_SAMPLE_RATE, channels: 1, samples }));
      renameSync(`${file}.tmp`, file);
      return { samples, sampleRate: STORE_SAMPLE_RATE, language: lang, voice, cached: false };
    });
    this.inFlight.set(key, job);
    try {
      return await job;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private hold(key: string, samples: Int16Array, sampleRate: number): void {
    if (samples.length > RECENT_MAX_SAMPLES) return;
    this.recent.set(key, { samples, sampleRate });
    this.recentSamples += samples.length;
    for (const [k, v] of this.recent) {
      if (this.recentSamples <= RECENT_MAX_SAMPLES) break;
      this.recent.delete(k);
      this.recentSamples -= v.samples.length;
    }
  }

  /** Kills a running espeak-ng (gateway stop). */
  stop(): void {
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private runEspeak(voice: string, text: string): Promise<Buffer> {
    const { command, rate, timeoutMs, log } = this.options;
    return new Promise((resolve, reject) => {
      const child = spawn(command, ['-v', voice, '-s', String(rate), '--stdout', '--stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
      this.children.add(child);
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', (e) => {
        clearTimeout(timer);
        this.children.delete(child);
        reject(new UserError('tts.unavailable', { reason: e.message }, 503, 'tts_unavailable'));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        if (code === 0) return resolve(Buffer.concat(out));
        log.error({ code, signal, stderr: err.slice(0, 500) }, 'espeak-ng failed');
        reject(new UserError('tts.failed', { exit: signal ?? `exit ${code}`, reason: err.trim().slice(0, 200) }, 500, 'tts_failed'));
      });
      child.stdin.on('error', () => {});
      child.stdin.end(text);
    });
  }
}
