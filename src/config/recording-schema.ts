import { z } from 'zod';

/** How one camera is recorded (docs/recording.md). */
export const cameraRecordingSchema = z.strictObject({
  enabled: z.boolean(),
  /** Which of the camera's streams is recorded; recording the profile that is watched live shares its ffmpeg. */
  profile: z.enum(['main', 'sub']),
  /** `continuous`: everything; `events`: only the seconds around events (preSeconds before, postSeconds after). */
  mode: z.enum(['continuous', 'events']),
  preSeconds: z.number().int().min(0).max(300),
  postSeconds: z.number().int().min(0).max(3600),
  /** Video older than this is deleted (event spans keep recording.eventRetentionDays). */
  retentionDays: z.number().min(0.001).max(3650),
});

/** Recording and playback (src/recording, docs/recording.md). */
export const recordingSchema = z.strictObject({
  /** Where segments and exports go; null: <storage.dataDir>/recordings. */
  dir: z.string().min(1).nullable(),
  /** Settings of every camera not listed under `cameras`. */
  defaults: cameraRecordingSchema,
  /** Per camera id: settings over the defaults. */
  cameras: z.record(z.string(), cameraRecordingSchema.partial()),
  /** A segment file is closed at the first keyframe after this many seconds. */
  segmentSeconds: z.number().min(1).max(3600),
  /** Written data is flushed to the disk (fsync) at least this often: what a power cut can lose. */
  fsyncIntervalMs: z.number().int().min(50).max(1000),
  /** Keep at least this much disk free: below it the oldest video of any camera goes first. */
  minFreeGb: z.number().min(0),
  /** ... and at least this percentage of the disk. */
  minFreePercent: z.number().min(0).max(90),
  /** Seconds around events (gate entries, motion, alarms, bookmarks) are kept this long. */
  eventRetentionDays: z.number().min(0.001).max(3650),
  /** How often retention runs. */
  retentionCheckMs: z.number().int().min(100).max(3_600_000),
  /** A pause between two segments longer than this is recorded as a gap. */
  gapThresholdMs: z.number().int().min(100).max(60_000),
  /** Gate id -> camera id: gate entries become event marks on that camera's timeline. */
  gateCameras: z.record(z.string(), z.string()),
  /** The longest range one export may cover. */
  maxExportMinutes: z.number().int().min(1).max(24 * 60),
});
