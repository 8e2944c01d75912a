import { z } from 'zod';

/** Video analysis: person and vehicle detection in zones (src/vision, docs/vision.md). Off by default. */
export const visionSchema = z.strictObject({
  enabled: z.boolean(),
  /** Camera ids to analyse; [] = every camera. */
  cameras: z.array(z.string().min(1)).max(64),
  /** TensorFlow.js backend: wasm (WebAssembly SIMD, measured 30x faster here) or the pure-JavaScript cpu. */
  backend: z.enum(['wasm', 'cpu']),
  /** Frames analysed per second per camera (from the sub stream). */
  fps: z.number().min(0.2).max(10),
  /**
   * Frames per second the motion gate looks at (every frame of a 10 fps sub stream): motion
   * somewhere new goes to the detector at once, not at the next 1/fps tick.
   */
  motionFps: z.number().min(0.2).max(30),
  frameWidth: z.number().int().min(64).max(1920),
  frameHeight: z.number().int().min(64).max(1080),
  /** Detections under this score are dropped. */
  minScore: z.number().min(0.05).max(0.99),
  /** After a move, the camera must be still this long before anything is analysed. */
  settleMs: z.number().int().min(0).max(60_000),
  /** How often the camera's PTZ status is read (moving, preset). */
  poseIntervalMs: z.number().int().min(100).max(10_000),
  /** One zone raises at most one event this often (line crossings all count). */
  debounceMs: z.number().int().min(0).max(3_600_000),
  detectorThreads: z.number().int().min(1).max(8),
  /** Nice value of the detector threads (Linux, per thread): 10 lets the event loop, live video and recording go first; 0 competes equally. */
  detectorNice: z.number().int().min(0).max(19),
  /** The detector's input (multiples of 32): frames are resized to it. 320x192 keeps 16:9 and measured 4x cheaper than 512x512 at the same accuracy. */
  inputWidth: z.number().int().min(64).max(1024).multipleOf(32),
  inputHeight: z.number().int().min(64).max(1024).multipleOf(32),
  /** Annotated snapshots kept on disk (the oldest go first). */
  snapshotsKept: z.number().int().min(10).max(100_000),
});
