import { z } from 'zod';
import { cameraSpeakersSchema } from './camera-speakers-schema.js';

const durationMs = z.number().int().min(0);

/** Speakers: live call-out, TTS, clips and scheduled publicity (docs/broadcast.md). */
export const broadcastSchema = z.strictObject({
  /** Codec on the wire: `pcmu` (G.711 mu-law 8 kHz, every speaker) or `s16le` (16 kHz PCM; a job falls back to pcmu when a target speaker does not declare it). */
  codec: z.enum(['pcmu', 's16le']),
  /** Audio frame length. */
  frameMs: z.number().int().min(20).max(40),
  /** How far ahead of real time TTS and clip frames are sent (speaker buffer). */
  leadMs: durationMs,
  talk: z.strictObject({
    /** A live talk with no microphone audio for this long ends. */
    idleTimeoutMs: z.number().int().min(500),
    /** The longest live talk. */
    maxSeconds: z.number().int().min(10),
  }),
  tts: z.strictObject({
    /** espeak-ng binary (name on PATH or full path). */
    command: z.string().min(1),
    /** Language -> espeak-ng voice; a text with Chinese characters is `zh`, any other `en`, unless the request names one. */
    voices: z.record(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/), z.string().min(1)),
    /** Speaking rate, words per minute. */
    rate: z.number().int().min(80).max(450),
    maxTextLength: z.number().int().min(1).max(2000),
    timeoutMs: z.number().int().min(1000),
  }),
  clips: z.strictObject({
    maxUploadMb: z.number().min(0.1).max(500),
    /** Longer uploads are cut to this length. */
    maxSeconds: z.number().int().min(1),
  }),
  /** Cameras' own loudspeakers as broadcast targets (ONVIF audio backchannel); none by default. */
  cameraSpeakers: cameraSpeakersSchema.default(cameraSpeakersSchema.parse({})),
});
