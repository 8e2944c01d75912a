import { useEffect } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { acknowledge, dismiss, popups, watchAlarms, workOrderFrom, type AlarmNotice } from '../../lib/alarms.js';
import { alarmKindName } from '../../lib/alarm-kinds.js';
import { cameras } from '../../lib/cameras.js';
import { formatDateTime } from '../../lib/time.js';
import { focused } from '../CameraGrid.js';

export function alarmTitle(a: AlarmNotice): string {
  return `${t(`alarms.source.${a.source}` as MessageKey)} · ${alarmKindName(a.kind)}`;
}

/** The console's alarm pop-up with sound: acknowledge, open the camera, create a work order. */
export function AlarmPopup({ onOpenCamera }: { onOpenCamera?: () => void }) {
  useEffect(() => watchAlarms({ sound: true }), []);
  const current = popups.value[0];
  if (!current) return null;
  const camera = current.cameraId ? cameras.value.find((c) => c.id === current.cameraId) : undefined;
  const run = (fn: () => Promise<unknown>) => () => void fn().then(() => dismiss(current.id), (err: Error) => alert(err.message));
  return (
    <div class={`alarm-popup severity-${current.severity}`} role="alertdialog" aria-labelledby="alarm-popup-title" data-alarm={current.id}>
      <h2 id="alarm-popup-title">
        {t('alarms.popup.title')}: {alarmTitle(current)}
      </h2>
      <p class="alarm-where">{current.location ?? current.device ?? ''}</p>
      <p class="alarm-when">
        <time dateTime={current.occurredAt}>{formatDateTime(current.occurredAt)}</time>
        {current.groupCount > 1 && <span class="badge"> {t('alarms.popup.grouped', { count: current.groupCount })}</span>}
        {(current.escalationLevel ?? 0) > 0 && <span class="badge warn"> {t('alarms.popup.escalated', { level: current.escalationLevel ?? 0 })}</span>}
      </p>
      {camera && <p class="alarm-camera" data-camera={camera.id}>{camera.name}</p>}
      <div class="alarm-buttons">
        <button type="button" class="primary" onClick={run(() => acknowledge(current.id))}>
          {t('alarms.ack')}
        </button>
        {camera && (
          <button
            type="button"
            onClick={() => {
              focused.value = camera.id;
              onOpenCamera?.();
            }}
          >
            {t('alarms.openCamera')}
          </button>
        )}
        <button type="button" onClick={run(() => workOrderFrom(current.id))}>
          {t('alarms.workOrder')}
        </button>
      </div>
      {popups.value.length > 1 && <p class="muted">{t('alarms.popup.more', { count: popups.value.length - 1 })}</p>}
    </div>
  );
}
