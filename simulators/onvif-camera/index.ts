/**
 * Camera simulator entry points: one camera for tests (`startCameraSimulator`), a set of
 * sub-stream-friendly cameras for the demo community (`startDemoCameras`), and the frame-stamp
 * decoder that tests and later issues use to read the picture back.
 */
import { CameraSimulator } from './camera.js';
import type { CameraUrls } from './context.js';
import type { CameraControl } from './control.js';
import type { CameraSimulatorOptions, ResolvedOptions } from './options.js';
import type { CameraState } from './state.js';

export { decodeFrameStamp, decodeFrameStampRgb, horizontalFovDeg, pixelsPerPanDegree, stampHeight, type FrameStamp } from './scene.js';
export type { CameraSimulatorOptions, StreamOptions } from './options.js';
export { DEFAULT_MAIN, DEFAULT_PASSWORD, DEFAULT_SUB, DEFAULT_USERNAME } from './options.js';
export type { CameraUrls } from './context.js';
export type { CameraControl, FigureOptions, FailOptions } from './control.js';
export type { CameraState, EncoderState } from './state.js';
export { CameraSimulator } from './camera.js';

export interface RunningCamera {
  /** Every address of the camera (ONVIF XAddrs, RTSP and snapshot URLs per profile token). */
  urls: CameraUrls;
  /** Credentials the camera accepts. */
  credentials: { username: string; password: string };
  options: ResolvedOptions;
  state: CameraState;
  control: CameraControl;
  stop(): Promise<void>;
}

/** Starts one simulated camera and resolves once every server listens. */
export async function startCameraSimulator(options: CameraSimulatorOptions = {}): Promise<RunningCamera> {
  const cam = new CameraSimulator(options);
  try {
    await cam.start();
  } catch (err) {
    await cam.stop();
    throw err;
  }
  return {
    urls: cam.urls,
    credentials: { username: cam.options.username, password: cam.options.password },
    options: cam.options,
    state: cam.state,
    control: cam.control,
    stop: () => cam.stop(),
  };
}

/**
 * Starts `count` cameras on free loopback ports for the demo community: named "Camera 1..N",
 * spread around the compass, main stream lightened to 960x540 @ 10 fps so that N sub-stream
 * viewers fit two cores. Stops the started ones if one fails.
 */
export async function startDemoCameras(count: number, options: CameraSimulatorOptions = {}): Promise<RunningCamera[]> {
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new Error(`camera count must be 1..64, got ${count}`);
  const cams: RunningCamera[] = [];
  try {
    for (let i = 0; i < count; i++) {
      cams.push(
        await startCameraSimulator({
          main: { width: 960, height: 540, fps: 10, bitrateKbps: 1024 },
          sub: { width: 640, height: 360, fps: 10, bitrateKbps: 384 },
          ...options,
          name: options.name ? `${options.name} ${i + 1}` : `Camera ${i + 1}`,
          location: options.location ?? `gate-${i + 1}`,
          initialPosition: { panDeg: (i * 360) / count, tiltDeg: -5, ...options.initialPosition },
          port: undefined,
          rtspPort: undefined,
        }),
      );
    }
  } catch (err) {
    await Promise.all(cams.map((c) => c.stop()));
    throw err;
  }
  return cams;
}
