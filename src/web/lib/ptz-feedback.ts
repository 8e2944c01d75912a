/**
 * The camera's reported PTZ position for the pad: the feed's (the gateway polls every camera
 * every couple of seconds), and while the pad is held and a moment after, the gateway's PTZ
 * status asked four times a second, so the officer sees the camera follow the stick.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

export interface ReportedPtz {
  position: { x: number; y: number; zoom: number } | null;
  moving: boolean | null;
}

const POLL_MS = 250;
/** Keeps asking this long after release: the camera coasts to a stop. */
const AFTER_RELEASE_MS = 1500;

export function useReportedPtz(cameraId: string, active: boolean, fromFeed: ReportedPtz): ReportedPtz {
  const [polled, setPolled] = useState<{ at: number; value: ReportedPtz } | null>(null);
  useEffect(() => {
    if (!active) {
      const timer = setTimeout(() => setPolled(null), AFTER_RELEASE_MS + POLL_MS);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [active]);
  useEffect(() => {
    let stopAt = active ? Infinity : Date.now() + AFTER_RELEASE_MS;
    if (!active && polled === null) return undefined;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async (): Promise<void> => {
      try {
        const value = await api<ReportedPtz>(`/api/cameras/${encodeURIComponent(cameraId)}/ptz/status`);
        if (!cancelled) setPolled({ at: Date.now(), value });
      } catch {
        stopAt = 0; // the camera cannot say: the feed's value stays
      }
      if (!cancelled && Date.now() < stopAt) timer = setTimeout(() => void ask(), POLL_MS);
    };
    void ask();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [cameraId, active]);
  return polled?.value ?? fromFeed;
}

/** Generic pan/tilt (-1..1) and zoom (0..1) as whole percentages for the readout. */
export function percent(v: number): number {
  return Math.round(v * 100);
}
