/** An alarm's recording clip (the alarms feature's `clip {cameraId, from, to}`): play it, or export it as an MP4. */
import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { canControl } from '../../lib/session.js';
import { openPlayback } from './PlaybackPanel.js';

export interface AlarmClip {
  cameraId: string;
  from: string;
  to: string;
}

export function AlarmClipButtons({ clip }: { clip: AlarmClip | null | undefined }) {
  const [state, setState] = useState<'idle' | 'busy' | { id: string } | { error: string }>('idle');
  if (!clip) return null;
  const from = Date.parse(clip.from);
  const to = Date.parse(clip.to);
  const exportClip = async (): Promise<void> => {
    setState('busy');
    try {
      const r = await api<{ exports: Array<{ id: string }> }>('/api/recordings/exports', { method: 'POST', body: { cameras: [clip.cameraId], from, to } });
      setState({ id: r.exports[0]!.id });
    } catch (err) {
      setState({ error: (err as Error).message });
    }
  };
  return (
    <span class="alarm-clip">
      <button type="button" class="play-at" title={t('playback.alarmClip')} aria-label={t('playback.alarmClip')} onClick={() => openPlayback(clip.cameraId, from)}>
        ▶
      </button>
      {canControl() && typeof state === 'string' && (
        <button type="button" disabled={state === 'busy'} onClick={() => void exportClip()}>
          {t('playback.alarmClipExport')}
        </button>
      )}
      {typeof state === 'object' && 'id' in state && (
        <a href={`/api/recordings/exports/${encodeURIComponent(state.id)}/file`} download>
          {t('playback.alarmClipDownload')}
        </a>
      )}
      {typeof state === 'object' && 'error' in state && <span class="error">{state.error}</span>}
    </span>
  );
}
