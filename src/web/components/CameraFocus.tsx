import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import type { CameraView } from '../lib/cameras.js';
import type { JoystickEvent } from '../lib/joystick.js';
import { canControl, user } from '../lib/session.js';
import { PresetList } from './PresetList.js';
import { PtzPad } from './PtzPad.js';
import { TourControl } from './TourControl.js';

/** The camera taken into focus: who controls it, the joystick, presets and tours. */
export function CameraFocus({ camera, children }: { camera: CameraView; children?: preact.ComponentChildren }) {
  const [message, setMessage] = useState<string | null>(null);
  const [takeover, setTakeover] = useState(false);
  const holder = camera.controller;
  const heldByOther = holder !== null && holder.name !== user.value?.name;

  const onJoystick = (event: JoystickEvent) => {
    if (event.type === 'error') setMessage(event.error);
    else if (event.type === 'preempted') setMessage(t('ptz.preempted', { name: event.controller.name }));
    else if (event.type === 'ready') setMessage(null);
  };

  return (
    <aside class="card focus" aria-labelledby="focus-title">
      <h2 id="focus-title">{camera.name}</h2>
      <p class="controller" role="status">
        {holder ? t('ptz.controlledBy', { name: holder.name }) : t('ptz.free')}
        {heldByOther && user.value?.role === 'admin' && !takeover && (
          <button type="button" onClick={() => setTakeover(true)}>
            {t('ptz.takeOver')}
          </button>
        )}
      </p>
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      {canControl() ? (
        <>
          <PtzPad cameraId={camera.id} takeover={takeover} onMessage={onJoystick} />
          <PresetList cameraId={camera.id} onError={setMessage} />
          <TourControl camera={camera} onError={setMessage} />
        </>
      ) : (
        <p class="muted">{t('ptz.viewOnly')}</p>
      )}
      {children}
    </aside>
  );
}
