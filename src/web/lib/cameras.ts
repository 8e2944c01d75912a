import { computed } from '@preact/signals';
import type { CameraStatePayload } from '../../../devices/onvif-camera/topics.js';
import { retained } from './feed.js';

/** The retained `cameras/<id>/state` payload, as the contract defines it (a type only: no server code reaches the browser). */
export type CameraState = CameraStatePayload;

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
