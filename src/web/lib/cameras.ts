import { computed } from '@preact/signals';
import { retained } from './feed.js';

export interface CameraState {
  online: boolean;
  name: string;
  position: { x: number; y: number; zoom: number } | null;
  moving: boolean | null;
  controller: { name: string; kind: string; since: string } | null;
  tour: { name: string; phase: string; step: number; stepCount: number; preset: string; since: string } | null;
  at: string;
}

export interface CameraView extends CameraState {
  id: string;
}

/** Every camera, live from the retained `cameras/<id>/state` topics of the feed. */
export const cameras = computed<CameraView[]>(() => {
  const list: CameraView[] = [];
  for (const m of retained.value.values()) {
    const match = /^cameras\/([^/]+)\/state$/.exec(m.topic);
    if (match) list.push({ id: match[1]!, ...(m.payload as CameraState) });
  }
  return list.sort((a, b) => a.id.localeCompare(b.id));
});
