/** "Play the gate camera at this time": shown beside a gate entry when the gate has a recorded camera (recording.gateCameras). */
import { signal } from '@preact/signals';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { openPlayback } from './PlaybackPanel.js';

const gateCameras = signal<Record<string, string> | undefined>(undefined);
let asked = false;

function load(): void {
  if (asked) return;
  asked = true;
  api<{ gateCameras?: Record<string, string> }>('/api/recordings').then(
    (r) => (gateCameras.value = r.gateCameras ?? {}),
    () => (gateCameras.value = {}),
  );
}

export function PlayAtButton({ gate, at }: { gate: string; at: string }) {
  load();
  const camera = gateCameras.value?.[gate];
  if (!camera) return null;
  return (
    <button type="button" class="play-at" title={t('playback.fromEntry')} aria-label={t('playback.fromEntry')} onClick={() => openPlayback(camera, Date.parse(at) - 3000)}>
      ▶
    </button>
  );
}
