import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import type { AccessOptions, BarrierView } from '../../lib/access.js';
import { translateMessage } from '../../i18n/messages.js';
import { speakerLabel } from '../../lib/broadcast.js';
import { deviceName, groupName } from '../../lib/site.js';
import { formatDateTime } from '../../lib/time.js';
import { EMPTY_FORM, suggestId, type CameraDetails, type CameraFormValue, type DiscoveredCamera } from '../../lib/cameras-admin.js';
import { onFeed } from '../../lib/feed.js';
import { user } from '../../lib/session.js';
import { useApi, useCoalesced } from '../../lib/use-api.js';
import { StatusDot } from '../DeviceHealth.js';
import { RecordingStateCell } from '../playback/RecordingStateCell.js';
import { CameraForm } from './CameraForm.js';
import { DiscoveryPanel } from './DiscoveryPanel.js';

interface SpeakerRow {
  id: string;
  kind?: 'speaker' | 'camera';
  name?: string;
  groups: string[];
  availability: string;
  since: string | null;
}


function cameraState(c: CameraDetails): { online: boolean | null; text: string } {
  if (c.status === 'login_refused') return { online: false, text: t('health.loginRefused') };
  return { online: c.online, text: c.online ? t('health.online') : t('health.offline') };
}

/** The camera's last error in the page's language (the English sentence for a code the page does not know). */
function lastErrorText(c: CameraDetails): string {
  return (c.lastErrorCode && translateMessage(c.lastErrorCode.messageCode, c.lastErrorCode.params)) || c.lastError || '';
}

/** A nearby speaker (`lobby-speaker`) or group (`group:gate-east`) by its display name. */
const nearName = (target: string) => (target.startsWith('group:') ? groupName(target.slice('group:'.length)) : deviceName(target));

function eventsText(c: CameraDetails): string {
  if (!c.eventHealth) return t('camadmin.events.off');
  return t(`camadmin.events.${c.eventHealth.state}` as MessageKey);
}

/**
 * The device page: every camera, barrier and speaker with its state, last seen and last error;
 * cameras also with maker, firmware, event health and clock offset. Admins add cameras (by address
 * or from discovery), change, rename and remove those added at run time.
 */
export function DevicesPage() {
  const cams = useApi<{ cameras: CameraDetails[] }>('/api/cameras?device=1');
  const barriers = useApi<{ barriers: BarrierView[] }>('/api/barriers');
  const speakers = useApi<{ speakers: SpeakerRow[] }>('/api/broadcast/speakers');
  const options = useApi<AccessOptions>('/api/access/options');
  const when = (iso: string | null) => (iso ? formatDateTime(iso, options.data?.utcOffsetMinutes) : '—');
  const [editing, setEditing] = useState<{ mode: 'add' | 'edit'; value: CameraFormValue } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const admin = user.value?.role === 'admin';
  const refresh = useCoalesced(() => {
    cams.reload();
    barriers.reload();
    speakers.reload();
  }, 500);
  useEffect(() => onFeed('+/+/availability', refresh), [refresh]);
  useEffect(() => onFeed('cameras/+/state', refresh), [refresh]);
  const list = cams.data?.cameras ?? [];

  const pick = (found: DiscoveredCamera) => {
    const name = found.name ?? found.host;
    const path = found.xaddrs[0] ? new URL(found.xaddrs[0]).pathname : '';
    setEditing({ mode: 'add', value: { ...EMPTY_FORM, name, id: suggestId(name, list.map((c) => c.id)), host: found.host, port: String(found.port), path, location: found.location ?? '' } });
  };
  const edit = (c: CameraDetails) =>
    setEditing({ mode: 'edit', value: { id: c.id, name: c.name, host: c.host, port: String(c.port), path: c.path ?? '', username: c.username ?? '', password: '', location: c.location ?? '', speakers: c.speakers.join(', ') } });
  const remove = (c: CameraDetails) => {
    if (!confirm(t('camadmin.confirmRemove', { name: c.name }))) return;
    api(`/api/cameras/${encodeURIComponent(c.id)}`, { method: 'DELETE' }).then(cams.reload, (err: Error) => setError(err.message));
  };

  return (
    <div class="devices-page">
      <section class="card" aria-labelledby="dev-cameras">
        <h2 id="dev-cameras">{t('health.kind.cameras')}</h2>
        {admin && !editing && (
          <button type="button" class="primary" onClick={() => setEditing({ mode: 'add', value: EMPTY_FORM })}>
            {t('camadmin.addByAddress')}
          </button>
        )}
        {(error ?? cams.error) && (
          <p class="error" role="alert">
            {error ?? cams.error}
          </p>
        )}
        <div class="table-scroll">
          <table class="devices">
            <thead>
              <tr>
                <th scope="col">{t('camadmin.col.name')}</th>
                <th scope="col">{t('camadmin.col.state')}</th>
                <th scope="col">{t('camadmin.col.lastSeen')}</th>
                <th scope="col">{t('camadmin.col.lastError')}</th>
                <th scope="col">{t('camadmin.col.device')}</th>
                <th scope="col">{t('camadmin.col.events')}</th>
                <th scope="col">{t('camadmin.col.recording')}</th>
                <th scope="col">{t('camadmin.col.clock')}</th>
                <th scope="col">{t('camadmin.col.speakers')}</th>
                {admin && <th scope="col">{t('gates.lists.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {list.map((c) => {
                const state = cameraState(c);
                return (
                  <tr key={c.id} data-camera-row={c.id} data-status={c.status}>
                    <td>
                      {c.name}
                      <div class="muted">
                        {c.host}:{c.port}
                        {c.location ? ` · ${c.location}` : ''}
                      </div>
                    </td>
                    <td>
                      <StatusDot online={state.online} /> {state.text}
                    </td>
                    <td>{when(c.lastSeenAt)}</td>
                    <td class="error">{lastErrorText(c)}</td>
                    <td>
                      {[c.device?.manufacturer, c.device?.model].filter(Boolean).join(' ')}
                      {c.device?.firmwareVersion && <div class="muted">{t('camadmin.firmware', { version: c.device.firmwareVersion })}</div>}
                    </td>
                    <td>{eventsText(c)}</td>
                    <td>
                      <RecordingStateCell camera={c.id} />
                    </td>
                    <td>{c.clockOffsetMs === null ? '—' : t('camadmin.offsetSeconds', { n: Math.round(c.clockOffsetMs / 1000) })}</td>
                    <td>{c.speakers.map(nearName).join('、')}</td>
                    {admin && (
                      <td class="row-actions">
                        {c.source === 'added' ? (
                          <>
                            <button type="button" onClick={() => edit(c)}>
                              {t('camadmin.edit')}
                            </button>
                            <button type="button" class="danger" onClick={() => remove(c)}>
                              {t('camadmin.remove')}
                            </button>
                          </>
                        ) : (
                          <span class="muted">{t('camadmin.fromConfig')}</span>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {admin && editing && (
          <CameraForm
            key={`${editing.mode}-${editing.value.id}-${editing.value.host}`}
            initial={editing.value}
            mode={editing.mode}
            onSaved={() => {
              setEditing(null);
              cams.reload();
            }}
            onCancel={() => setEditing(null)}
          />
        )}
        {admin && <DiscoveryPanel onPick={pick} added={list} />}
      </section>
      <section class="card" aria-labelledby="dev-others">
        <h2 id="dev-others">
          {t('health.kind.barriers')} · {t('health.kind.speakers')}
        </h2>
        <table class="devices">
          <thead>
            <tr>
              <th scope="col">{t('camadmin.col.name')}</th>
              <th scope="col">{t('camadmin.col.kind')}</th>
              <th scope="col">{t('camadmin.col.state')}</th>
              <th scope="col">{t('camadmin.col.since')}</th>
            </tr>
          </thead>
          <tbody>
            {(barriers.data?.barriers ?? []).map((b) => (
              <tr key={`b-${b.id}`} data-device-row={b.id}>
                <td>{deviceName(b.id)}</td>
                <td>{t('health.kind.barriers')}</td>
                <td>
                  <StatusDot online={b.availability === 'online' ? true : b.availability === 'offline' ? false : null} /> {t(`health.${b.availability === 'online' || b.availability === 'offline' ? b.availability : 'unknown'}` as MessageKey)}
                </td>
                <td>{when(b.since ?? null)}</td>
              </tr>
            ))}
            {(speakers.data?.speakers ?? []).map((s) => (
              <tr key={`s-${s.id}`} data-device-row={s.id}>
                <td>{speakerLabel(s)}</td>
                <td>{t('health.kind.speakers')}</td>
                <td>
                  <StatusDot online={s.availability === 'online' ? true : s.availability === 'offline' ? false : null} /> {t(`health.${s.availability === 'online' || s.availability === 'offline' ? s.availability : 'unknown'}` as MessageKey)}
                </td>
                <td>{when(s.since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
