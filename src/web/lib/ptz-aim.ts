import { signal } from '@preact/signals';

/** Click-to-aim on the selected tile (on/off, remembered per browser). */
export const aimMode = signal(localStorage.getItem('cg_aim') === '1');

export function setAimMode(on: boolean): void {
  aimMode.value = on;
  localStorage.setItem('cg_aim', on ? '1' : '0');
}

export { aimTranslation } from './ptz-aim-math.js';
