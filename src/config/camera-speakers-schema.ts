import { z } from 'zod';

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only (at most 64), starting with a letter or digit');

/**
 * Cameras whose own loudspeaker is a broadcast target (ONVIF audio backchannel; docs/broadcast.md).
 * Opt-in per camera: asking a camera for the backchannel upsets some models (field notes).
 */
export const cameraSpeakersSchema = z.strictObject({
  /** Each camera (by its id) whose loudspeaker takes broadcasts, and the speaker groups it joins. */
  cameras: z
    .array(z.strictObject({ camera: identifier, groups: z.array(identifier).max(32).default([]) }))
    .max(64)
    .default([]),
  /** Which RTSP stream's address the backchannel session is opened on. */
  profile: z.enum(['main', 'sub']).default('sub'),
  /** Connect and each RTSP request. */
  timeoutMs: z.number().int().min(200).max(60_000).default(5000),
  /** Back-off between reconnects of a lost backchannel. */
  reconnect: z.strictObject({ initialMs: z.number().int().min(20), maxMs: z.number().int().min(50) }).default({ initialMs: 250, maxMs: 2000 }),
  /** A backchannel lost this long during a job ends that camera's part of the job (the other speakers go on). */
  failAfterMs: z.number().int().min(100).max(60_000).default(3000),
  /** Audio held for a camera ahead of real time at most; older audio is dropped. */
  maxQueueMs: z.number().int().min(200).max(30_000).default(3000),
  /** The RTSP session is closed this long after the last job on the camera ended. */
  idleCloseMs: z.number().int().min(0).max(600_000).default(10_000),
  /** A camera without a usable backchannel is asked again this often (and whenever it comes back online). */
  probeIntervalMs: z.number().int().min(1000).max(86_400_000).default(300_000),
});

export type CameraSpeakersConfig = z.infer<typeof cameraSpeakersSchema>;
