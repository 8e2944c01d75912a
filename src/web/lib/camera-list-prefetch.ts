import type { CameraView } from './cameras.js';

export type CameraListAnswer = { cameras: Array<CameraView & { location: string | null; group?: string | null }> };

let early: Promise<CameraListAnswer | undefined> | undefined;

/**
 * Asks for `/api/cameras` at once, alongside the session check (`/api/auth/me`), so that the grid
 * can start its tiles without one more round trip after the login is known. A refusal (not logged
 * in) is simply not used: the session check decides what the page shows.
 */
export function prefetchCameraList(): void {
  early ??= fetch('/api/cameras', { credentials: 'same-origin' }).then(
    async (res) => (res.ok ? ((await res.json()) as CameraListAnswer) : undefined),
    () => undefined,
  );
}

/** The prefetched answer, once (undefined: none was asked for, or it was refused). */
export function takePrefetchedCameraList(): Promise<CameraListAnswer | undefined> {
  const answer = early ?? Promise.resolve(undefined);
  early = undefined;
  return answer;
}
