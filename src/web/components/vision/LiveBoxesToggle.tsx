import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';

const KEY = 'cg.vision.liveBoxes';

function stored(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

/** Live boxes over the console's tiles: off by default, remembered in this browser. */
export const liveBoxesOnTiles = signal(stored());
/** Whether the gateway analyses video at all (the toggle is shown only then). */
const visionRuns = signal(false);

export function setLiveBoxesOnTiles(on: boolean): void {
  liveBoxesOnTiles.value = on;
  try {
    localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** The console toolbar's "live boxes" switch; nothing when video analysis is off. */
export function LiveBoxesToggle() {
  useEffect(() => {
    api<{ enabled: boolean }>('/api/vision/status').then((s) => (visionRuns.value = s.enabled), () => undefined);
  }, []);
  if (!visionRuns.value) return null;
  const on = liveBoxesOnTiles.value;
  return (
    <button type="button" class={`live-boxes-toggle${on ? ' active' : ''}`} aria-pressed={on} title={t('vision.liveBoxes.hint')} onClick={() => setLiveBoxesOnTiles(!on)}>
      {t('vision.liveBoxes.tiles')}
    </button>
  );
}
