import { anyName } from '../lib/site.js';
import { t, type MessageKey } from '../i18n/index.js';
import { retained } from '../lib/feed.js';

interface DeviceState {
  kind: string;
  id: string;
  online: boolean | null;
  /** A camera that answers but refuses the gateway's user name or password. */
  loginRefused?: boolean;
  /** A camera whose event subscription fails (motion alarms do not arrive). */
  eventsFailing?: boolean;
}

function cameraState(id: string): { status?: string; events?: string | null } | undefined {
  return retained.value.get(`cameras/${id}/state`)?.payload as { status?: string; events?: string | null } | undefined;
}

/** Every device's availability, from the retained `<kind>/<id>/availability` topics of the feed. */
export function deviceStates(): DeviceState[] {
  const devices: DeviceState[] = [];
  for (const m of retained.value.values()) {
    const match = /^(cameras|barriers|speakers)\/([^/]+)\/availability$/.exec(m.topic);
    if (!match) continue;
    const payload = typeof m.payload === 'string' ? m.payload : (m.payload as { state?: string } | null)?.state;
    const online = payload === 'online' ? true : payload === 'offline' ? false : null;
    const cam = match[1] === 'cameras' ? cameraState(match[2]!) : undefined;
    devices.push({
      kind: match[1]!,
      id: match[2]!,
      online,
      ...(online === false && cam?.status === 'login_refused' ? { loginRefused: true } : {}),
      ...(online === true && cam?.events === 'failing' ? { eventsFailing: true } : {}),
    });
  }
  return devices.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}

/**
 * The name people know a device by: the site's display name, else a camera's configured name
 * (from the camera list, or its retained state where the list is not loaded), else its id.
 */
function deviceName(d: DeviceState): string {
  const known = anyName(d.id);
  if (known !== d.id || d.kind !== 'cameras') return known;
  const name = (retained.value.get(`cameras/${d.id}/state`)?.payload as { name?: string } | undefined)?.name;
  return name || d.id;
}

function gatewayOnline(): boolean {
  const state = retained.value.get('gateway/state')?.payload as { state?: string } | undefined;
  return state?.state === 'online';
}

export function StatusDot({ online }: { online: boolean | null }) {
  const label = online === true ? t('health.online') : online === false ? t('health.offline') : t('health.unknown');
  return <span class={`dot ${online === true ? 'on' : online === false ? 'off' : 'unknown'}`} role="img" aria-label={label} title={label} />;
}

/** The full list (console) or a compact strip (TV wall). */
export function DeviceHealth({ compact = false }: { compact?: boolean }) {
  const devices = deviceStates();
  if (compact) {
    const offline = devices.filter((d) => d.online === false);
    return (
      <div class="status-strip" aria-label={t('health.title')}>
        <span>
          <StatusDot online={gatewayOnline()} /> {t('health.gateway')}
        </span>
        {(['cameras', 'barriers', 'speakers'] as const).map((kind) => {
          const ofKind = devices.filter((d) => d.kind === kind);
          const up = ofKind.filter((d) => d.online).length;
          return (
            <span key={kind}>
              <StatusDot online={ofKind.length === 0 ? null : up === ofKind.length} /> {t(`health.kind.${kind}` as MessageKey)} {up}/{ofKind.length}
            </span>
          );
        })}
        {offline.length > 0 && <span class="warn">{offline.map((d) => deviceName(d)).join('、')}</span>}
      </div>
    );
  }
  return (
    <section class="card" aria-labelledby="health-title">
      <h2 id="health-title">{t('health.title')}</h2>
      {devices.length === 0 ? (
        <p>{t('health.none')}</p>
      ) : (
        <table class="health">
          <tbody>
            {devices.map((d) => (
              <tr key={`${d.kind}/${d.id}`} data-device={d.id}>
                <td>{t(`health.kind.${d.kind}` as MessageKey)}</td>
                <td>{deviceName(d)}</td>
                <td>
                  <StatusDot online={d.online} />{' '}
                  {d.loginRefused ? t('health.loginRefused') : d.online === true ? t('health.online') : d.online === false ? t('health.offline') : t('health.unknown')}
                  {d.eventsFailing ? ` · ${t('health.eventsFailing')}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
