import { t } from '../../i18n/index.js';
import type { CameraSpeaker } from '../../lib/broadcast.js';
import { useApi } from '../../lib/use-api.js';
import { StatusDot } from '../DeviceHealth.js';

/** The cameras configured as loudspeakers: whether each takes broadcasts (its codec), or why not. Hidden when none is configured. */
export function CameraSpeakerList() {
  const list = useApi<{ cameras: CameraSpeaker[] }>('/api/broadcast/camera-speakers');
  const cameras = list.data?.cameras ?? [];
  if (cameras.length === 0) return null;
  return (
    <section class="card" aria-labelledby="camera-speakers-title">
      <h2 id="camera-speakers-title">{t('cameraSpeakers.title')}</h2>
      <p class="muted">{t('cameraSpeakers.hint')}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('cameraSpeakers.col.camera')}</th>
            <th scope="col">{t('cameraSpeakers.col.status')}</th>
            <th scope="col">{t('cameraSpeakers.col.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {cameras.map((c) => (
            <tr key={c.id} data-camera-speaker={c.cameraId}>
              <td>{c.name}</td>
              <td>
                <StatusDot online={c.backchannel === 'available' ? c.online : c.backchannel === 'unsupported' ? false : null} /> {t(`cameraSpeakers.${c.backchannel}`)}
              </td>
              <td>
                {c.backchannel === 'available' && c.codec ? t('cameraSpeakers.codec', { codec: c.codec.toUpperCase(), outputs: c.audioOutputs ?? '?' }) : null}
                {c.backchannel === 'available' && !c.online ? ` · ${t('cameraSpeakers.offline')}` : null}
                {c.backchannel !== 'available' && c.reason ? c.reason : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
