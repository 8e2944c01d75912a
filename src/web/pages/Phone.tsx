import { signal } from '@preact/signals';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { cameras } from '../lib/cameras.js';
import { useLockInfo } from '../lib/lock-info.js';
import { canControl } from '../lib/session.js';
import type { JoystickEvent } from '../lib/joystick.js';
import { Header } from '../components/Header.js';
import { LockBar } from '../components/LockBar.js';
import { PresetList } from '../components/PresetList.js';
import { PtzPad } from '../components/PtzPad.js';
import { VideoTile } from '../components/VideoTile.js';
import { TalkButton } from '../components/broadcast/TalkButton.js';
import { WorkerOrders } from '../components/alarms/WorkerOrders.js';

const current = signal(0);

/**
 * The phone view (360-430 px wide): one camera at a time, who controls it (takeover for admins), a
 * touch PTZ pad and push-to-talk. Turned to landscape, the picture fills the screen.
 */
export function Phone() {
  const list = cameras.value;
  const [message, setMessage] = useState<string | null>(null);
  const index = list.length === 0 ? 0 : ((current.value % list.length) + list.length) % list.length;
  const camera = list[index];
  const { lock, refresh } = useLockInfo(camera?.id ?? '', camera?.controller ?? null);
  if (!camera)
    return (
      <div class="phone">
        <Header />
        <p class="muted content">{t('cameras.none')}</p>
      </div>
    );
  const lockedBy = camera.controller !== null && lock !== null && !lock.mine ? lock.displayName : null;
  const onJoystick = (event: JoystickEvent) => {
    setMessage(event.type === 'error' ? event.error : event.type === 'preempted' ? t('ptz.preempted', { name: event.controller.displayName ?? event.controller.name }) : null);
    if (event.type !== 'stopped') refresh();
  };
  return (
    <div class="phone">
      <Header />
      <main class="content">
        <nav class="phone-cameras" aria-label={t('nav.cameras')}>
          <button type="button" class="phone-step" aria-label={t('phone.previous')} onClick={() => (current.value = index - 1)}>
            ‹
          </button>
          <select aria-label={t('phone.choose')} value={camera.id} onChange={(e) => (current.value = list.findIndex((c) => c.id === e.currentTarget.value))}>
            {list.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="button" class="phone-step" aria-label={t('phone.next')} onClick={() => (current.value = index + 1)}>
            ›
          </button>
        </nav>
        <VideoTile key={camera.id} cameraId={camera.id} name={camera.name} online={camera.online} status={camera.status} profile="sub" tools />
        <LockBar cameraId={camera.id} lock={lock} onChanged={refresh} onError={setMessage} />
        {message && (
          <p class="error" role="alert">
            {message}
          </p>
        )}
        {canControl() ? (
          <>
            <PtzPad cameraId={camera.id} takeover={false} onMessage={onJoystick} lockedBy={lockedBy} reported={{ position: camera.position, moving: camera.moving }} />
            <TalkButton key={camera.id} cameraId={camera.id} />
            <PresetList cameraId={camera.id} onError={setMessage} />
          </>
        ) : (
          <p class="muted">{t('ptz.viewOnly')}</p>
        )}
        <WorkerOrders />
      </main>
    </div>
  );
}
