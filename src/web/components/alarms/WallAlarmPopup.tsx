import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { popups, watchAlarms } from '../../lib/alarms.js';
import { cameras } from '../../lib/cameras.js';
import { VideoTile } from '../VideoTile.js';
import { alarmTitle } from './AlarmPopup.js';

/** On a wall: the newest alarm enlarges its camera over the grid for enlargeS seconds (no controls). */
export function WallAlarmPopup() {
  useEffect(() => watchAlarms({ sound: false }), []);
  const current = popups.value[popups.value.length - 1];
  const [hidden, setHidden] = useState<number | null>(null);
  useEffect(() => {
    if (!current) return;
    setHidden(null);
    const timer = setTimeout(() => setHidden(current.id), (current.enlargeS ?? 30) * 1000);
    return () => clearTimeout(timer);
  }, [current?.id]);
  if (!current || hidden === current.id) return null;
  const camera = current.cameraId ? cameras.value.find((c) => c.id === current.cameraId) : undefined;
  return (
    <section class={`wall-alarm-popup severity-${current.severity}`} role="alert" data-alarm={current.id}>
      <h2>
        {t('alarms.popup.title')}: {alarmTitle(current)} — {current.location ?? current.device ?? ''}
      </h2>
      {camera && <VideoTile cameraId={camera.id} name={camera.name} online={camera.online} profile="main" />}
    </section>
  );
}
