import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transcodeClip } from '../broadcast/clip-store.js';
import { parseWav } from '../broadcast/codecs/wav.js';
import { STORE_SAMPLE_RATE } from '../broadcast/tts.js';
import { UserError } from '../core/errors.js';

/** The audio formats a district clip may be uploaded in, recognised by their first bytes. */
const FORMATS: ReadonlyArray<{ name: string; test: (b: Buffer) => boolean }> = [
  { name: 'wav', test: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WAVE' },
  { name: 'mp3', test: (b) => b.toString('latin1', 0, 3) === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe6) === 0xe2) },
  { name: 'aac', test: (b) => b[0] === 0xff && ((b[1] ?? 0) & 0xf6) === 0xf0 },
  { name: 'ogg', test: (b) => b.toString('latin1', 0, 4) === 'OggS' },
  { name: 'flac', test: (b) => b.toString('latin1', 0, 4) === 'fLaC' },
  { name: 'm4a', test: (b) => b.toString('latin1', 4, 8) === 'ftyp' },
  { name: 'webm', test: (b) => b.readUInt32BE(0) === 0x1a45dfa3 },
];

/** Content types a browser or a client sends for an audio file (an unknown one as octet-stream). */
const TYPES = /^(audio\/[a-z0-9.+-]+|application\/octet-stream|video\/webm|video\/ogg)$/i;

/** The format of an upload by its bytes, or undefined. */
export function sniffAudio(data: Buffer): string | undefined {
  if (data.length < 12) return undefined;
  return FORMATS.find((f) => f.test(data))?.name;
}

/**
 * Checks and converts an officer's upload: a declared audio content type, bytes that start as
 * one of the audio formats above, then ffmpeg to the sites' 16 kHz mono WAV; refused (422) when
 * longer than `maxSeconds` or silent of samples. Answers the WAV and its length.
 */
export async function prepareClipAudio(input: { data: Buffer; contentType: string | undefined; ffmpeg: string; maxSeconds: number; timeoutMs: number }): Promise<{ wav: Buffer; durationMs: number; format: string }> {
  const type = (input.contentType ?? '').split(';')[0]!.trim();
  if (!TYPES.test(type)) throw new UserError('district.clip-type', { type: type || 'none' }, 415, 'unsupported-media-type');
  const format = sniffAudio(input.data);
  if (!format) throw new UserError('district.clip-type', { type: `${type}, not audio` }, 415, 'unsupported-media-type');
  const dir = mkdtempSync(join(tmpdir(), 'cg-district-clip-'));
  try {
    const source = join(dir, 'upload');
    const target = join(dir, 'clip.wav');
    writeFileSync(source, input.data);
    // a little past the limit, so that a clip that is too long is told so rather than cut
    await transcodeClip(input.ffmpeg, source, target, input.maxSeconds + 1, input.timeoutMs);
    const wav = readFileSync(target);
    const samples = parseWav(wav).samples.length;
    const durationMs = Math.round((samples / STORE_SAMPLE_RATE) * 1000);
    if (durationMs === 0) throw new UserError('clip.no-audio', {}, 422, 'bad_audio');
    if (durationMs > input.maxSeconds * 1000 + 50) throw new UserError('district.clip-too-long', { max: input.maxSeconds }, 422, 'clip-too-long');
    return { wav, durationMs, format };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
