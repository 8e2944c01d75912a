import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';

/**
 * The seam for the TV wall's alarm pop-ups: the alarms feature registers its component here and
 * the wall renders it in the pop-up place, above the grid (nothing is drawn until one registers).
 */
const wallAlarm = signal<ComponentType | null>(null);

export function registerWallAlarm(component: ComponentType | null): void {
  wallAlarm.value = component;
}

export function WallAlarmSlot() {
  const Popup = wallAlarm.value;
  return <div class="wall-alarm" id="wall-alarm-slot" aria-live="assertive">{Popup && <Popup />}</div>;
}
