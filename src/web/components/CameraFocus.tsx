import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import type { CameraView } from '../lib/cameras.js';
import type { JoystickEvent } from '../lib/joystick.js';
import { useLockInfo } from '../lib/lock-info.js';
import { aimMode, setAimMode } from '../lib/ptz-aim.js';
import { canControl } from '../lib/session.js';
import { LockBar } from './LockBar.js';
import { PresetList } from './PresetList.js';
import { PtzPad } from './PtzPad.js';
import { TourControl } from './TourControl.js';

/** The camera taken into focus: who controls it, the joystick, presets and tours. */
export function CameraFocus({ camera, children, compact = false }: { camera: CameraView; children?: preact.ComponentChildren; compact?: boolean }) {
  const [message, setMessage] = useState<string | null>(null);
  const { lock, refresh } = useLockInfo(camera.id, camera.controller);
  // Greyed while another session holds it (the feed says so at once; the lock answer names the holder).
  const heldElsewhere = camera.controller !== null && lock !== null && !lock.mine;
  const lockedBy = heldElsewhere ? lock.displayName : null;

  const onJoystick = (event: JoystickEvent) => {
    if (event.type === 'error') setMessage(event.error);
    else if (event.type === 'preempted') setMessage(t('ptz.preempted', { name: event.controller.displayName ?? event.controller.name }));
    else if (event.type === 'ready') setMessage(null);
    if (event.type === 'ready' || event.type === 'preempted' || event.type === 'error') refresh();
  };

  const Title = compact ? 'h3' : 'h2';
  return (
    <aside class={`card focus${compact ? ' compact' : ''}`} aria-labelledby="focus-title">
      <Title id="focus-title">{camera.name}</Title>
      <LockBar cameraId={camera.id} lock={lock} onChanged={refresh} onError={setMessage} />
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      {canControl() ? (
        <>
          <PtzPad cameraId={camera.id} takeover={false} onMessage={onJoystick} lockedBy={lockedBy} reported={{ position: camera.position, moving: camera.moving }} />
          {!compact && <p class="muted small ptz-keys">{t('console.ptz.keys')}</p>}
          {!compact && (
            <label class="check" title={t('console.ptz.aimHelp')}>
              <input type="checkbox" name="aim" checked={aimMode.value} onChange={(e) => setAimMode(e.currentTarget.checked)} /> {t('console.ptz.aim')}
            </label>
          )}
          <PresetList cameraId={camera.id} onError={setMessage} />
          {!compact && <TourControl camera={camera} onError={setMessage} />}
        </>
      ) : (
        <p class="muted">{t('ptz.viewOnly')}</p>
      )}
      {children}
    </aside>
  );
}
