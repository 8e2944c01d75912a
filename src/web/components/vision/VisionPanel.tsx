import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { cameras } from '../../lib/cameras.js';
import { LiveBoxes } from './LiveBoxes.js';
import { ZoneSchedule, type ZoneScheduleValue } from './ZoneSchedule.js';
import { formatDateTime } from '../../lib/time.js';

const KINDS = ['intrusion', 'loitering', 'crowding', 'vehicle-dwell', 'line-crossing'] as const;
type Kind = (typeof KINDS)[number];

interface Zone {
  id: string;
  cameraId: string;
  preset: string;
  name: string;
  kind: Kind;
  enabled: boolean;
  points: Array<[number, number]>;
  classes: string[];
  schedule: { days: number[]; from: string; to: string } | null;
  thresholdSec: number;
  maxPersons: number;
}

interface VisionEvent {
  id: string;
  at: string;
  cameraId: string;
  kind: Kind;
  zoneName: string;
  classes: string[];
  confidence: number;
  snapshot: string | null;
}

/** Zone editor over a snapshot of the camera at a preset, zones with on/off, and the detection list. */
export function VisionPanel() {
  const [camera, setCamera] = useState(cameras.value[0]?.id ?? '');
  const [presets, setPresets] = useState<Array<{ token: string; name: string }>>([]);
  const [preset, setPreset] = useState('');
  const [zones, setZones] = useState<Zone[]>([]);
  const [events, setEvents] = useState<VisionEvent[]>([]);
  const [enabled, setEnabled] = useState(true);
  const [points, setPoints] = useState<Array<[number, number]>>([]);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('intrusion');
  const [threshold, setThreshold] = useState(30);
  const [maxPersons, setMaxPersons] = useState(5);
  const [error, setError] = useState('');
  const [shot, setShot] = useState(0);
  const [live, setLive] = useState(false);
  const [scheduling, setScheduling] = useState('');
  /** The preset the camera stands at now (from the analysis; undefined: not known, vision off). */
  const [standsAt, setStandsAt] = useState<string | null | undefined>(undefined);

  const fail = (err: unknown): void => setError(t('vision.error', { message: err instanceof Error ? err.message : String(err) }));
  const readPose = (): Promise<string | null | undefined> =>
    api<{ enabled: boolean; cameras: Array<{ id: string; preset: string | null }> }>('/api/vision/status').then(
      (s) => {
        const at = s.cameras.find((c) => c.id === camera);
        setStandsAt(at ? at.preset : undefined);
        return at?.preset;
      },
      () => undefined,
    );
  /** Turns the camera to the preset being drawn on; the picture follows once it stands there. */
  const goToPreset = (): void => {
    const target = preset;
    api(`/api/cameras/${encodeURIComponent(camera)}/presets/${encodeURIComponent(target)}/goto`, { method: 'POST', body: {} }).then(async () => {
      setStandsAt(null);
      for (let n = 0; n < 20; n++) {
        await new Promise((r) => setTimeout(r, 1000));
        if ((await readPose()) === target) return;
      }
    }, fail);
  };
  const reload = (): void => {
    if (!camera) return;
    void readPose();
    api<{ zones: Zone[] }>(`/api/vision/zones?camera=${encodeURIComponent(camera)}`).then((r) => setZones(r.zones), fail);
    api<{ events: VisionEvent[] }>(`/api/vision/events?camera=${encodeURIComponent(camera)}&limit=20`).then((r) => setEvents(r.events), fail);
  };
  useEffect(() => {
    api<{ enabled: boolean }>('/api/vision/status').then((s) => setEnabled(s.enabled), fail);
  }, []);
  useEffect(() => {
    if (!camera) return;
    setShot(0);
    api<{ presets: Array<{ token: string; name: string }> }>(`/api/cameras/${encodeURIComponent(camera)}/presets`).then(
      (r) => {
        setPresets(r.presets);
        setPreset(r.presets[0]?.token ?? '');
      },
      () => setPresets([]),
    );
    reload();
    const timer = setInterval(reload, 5000);
    return () => clearInterval(timer);
  }, [camera]);

  const onPicture = (e: MouseEvent): void => {
    const el = e.currentTarget as HTMLElement;
    const r = el.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    const y = Math.min(1, Math.max(0, (e.clientY - r.top) / r.height));
    setPoints(kind === 'line-crossing' ? [...points, [x, y] as [number, number]].slice(-2) : [...points, [x, y] as [number, number]].slice(0, 32));
  };
  const save = (): void => {
    const body = { cameraId: camera, preset, name: name.trim(), kind, points, thresholdSec: threshold, maxPersons, classes: kind === 'vehicle-dwell' ? ['car', 'truck', 'bus', 'motorcycle'] : ['person'] };
    api('/api/vision/zones', { method: 'POST', body }).then(() => {
      setPoints([]);
      setName('');
      setError('');
      reload();
    }, fail);
  };
  const toggle = (z: Zone): void => {
    const { id, ...rest } = z;
    // shown switched at once: a redraw before the gateway answers would otherwise flip the box back
    setZones((all) => all.map((x) => (x.id === id ? { ...x, enabled: !z.enabled } : x)));
    api(`/api/vision/zones/${id}`, { method: 'PUT', body: { ...rest, enabled: !z.enabled } }).then(reload, (err: unknown) => {
      fail(err);
      reload();
    });
  };
  const schedule = (z: Zone, value: ZoneScheduleValue | null): void => {
    const { id, ...rest } = z;
    api(`/api/vision/zones/${id}`, { method: 'PUT', body: { ...rest, schedule: value } }).then(() => {
      setScheduling('');
      reload();
    }, fail);
  };
  const remove = (z: Zone): void => void api(`/api/vision/zones/${z.id}`, { method: 'DELETE' }).then(reload, fail);
  const poly = (p: Array<[number, number]>): string => p.map(([x, y]) => `${x * 100},${y * 100}`).join(' ');

  return (
    <section class="vision-panel">
      <h2>{t('vision.title')}</h2>
      {!enabled && <p class="notice">{t('vision.off')}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <label>
        {t('vision.camera')}{' '}
        <select value={camera} onChange={(e) => setCamera((e.currentTarget as HTMLSelectElement).value)}>
          {cameras.value.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </label>{' '}
      <label>
        {t('vision.preset')}{' '}
        <select value={preset} onChange={(e) => setPreset((e.currentTarget as HTMLSelectElement).value)}>
          {presets.length === 0 && <option value="">{t('vision.noPreset')}</option>}
          {presets.map((p) => <option key={p.token} value={p.token}>{p.name}</option>)}
        </select>
      </label>
      {standsAt !== undefined && preset && standsAt !== preset && (
        <p class="vision-not-at-preset" role="status">
          {t('vision.notAtPreset')}{' '}
          <button type="button" onClick={goToPreset}>{t('vision.gotoPreset')}</button>
        </p>
      )}
      <p>{t('vision.editor')}</p>
      <label><input type="checkbox" checked={live} onChange={() => setLive(!live)} /> {t('vision.liveBoxes')}</label>
      <div class="vision-editor" style={{ position: 'relative', maxWidth: '640px' }} onClick={onPicture}>
        {camera && <img src={`/api/cameras/${encodeURIComponent(camera)}/snapshot?profile=sub&n=${shot}&at=${encodeURIComponent(standsAt ?? '')}`} alt="" style={{ width: '100%', display: 'block' }} onError={() => shot < 5 && setTimeout(() => setShot(shot + 1), 2000)} />}
        <svg viewBox="0 0 100 100" preserveAspectRatio="none" style={{ position: 'absolute', inset: '0', width: '100%', height: '100%' }}>
          {zones.filter((z) => z.preset === preset).map((z) => <polygon key={z.id} points={poly(z.points)} fill={z.enabled ? 'rgba(255,0,0,0.15)' : 'none'} stroke="red" stroke-width="0.5" />)}
          {points.length > 0 && <polyline points={poly(points)} fill="rgba(255,200,0,0.2)" stroke="orange" stroke-width="0.7" />}
        </svg>
        {live && camera && <LiveBoxes cameraId={camera} />}
      </div>
      <p>{t('vision.points', { n: points.length })}</p>
      <label>{t('vision.name')} <input value={name} maxLength={64} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} /></label>{' '}
      <label>
        {t('vision.kind')}{' '}
        <select value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as Kind)}>
          {KINDS.map((k) => <option key={k} value={k}>{t(`vision.kind.${k}` as MessageKey)}</option>)}
        </select>
      </label>{' '}
      {(kind === 'loitering' || kind === 'vehicle-dwell') && <label>{t('vision.threshold')} <input type="number" min={1} value={threshold} onInput={(e) => setThreshold(Number((e.currentTarget as HTMLInputElement).value))} /></label>}
      {kind === 'crowding' && <label>{t('vision.maxPersons')} <input type="number" min={1} value={maxPersons} onInput={(e) => setMaxPersons(Number((e.currentTarget as HTMLInputElement).value))} /></label>}{' '}
      <button type="button" disabled={!name.trim() || points.length < (kind === 'line-crossing' ? 2 : 3)} onClick={save}>{t('vision.save')}</button>{' '}
      <button type="button" onClick={() => setPoints([])}>{t('vision.clear')}</button>
      <h3>{t('vision.zones')}</h3>
      <ul class="vision-zones">
        {zones.map((z) => (
          <li key={z.id}>
            <label><input type="checkbox" checked={z.enabled} onChange={() => toggle(z)} /> {t('vision.enabled')}</label>{' '}
            {z.name} · {t(`vision.kind.${z.kind}` as MessageKey)} · {presets.find((p) => p.token === z.preset)?.name ?? z.preset}{' '}
            <button type="button" onClick={() => setScheduling(scheduling === z.id ? '' : z.id)}>{t('vision.schedule')}</button>{' '}
            <button type="button" onClick={() => remove(z)}>{t('vision.remove')}</button>
            {scheduling === z.id && <ZoneSchedule value={z.schedule} onSave={(v) => schedule(z, v)} />}
          </li>
        ))}
      </ul>
      <h3>{t('vision.events')}</h3>
      {events.length === 0 ? <p>{t('vision.noEvents')}</p> : (
        <ul class="vision-events">
          {events.map((e) => (
            <li key={e.id}>
              {e.snapshot && <img src={`/api/vision/snapshots/${e.snapshot}`} alt="" width={160} />}{' '}
              {formatDateTime(e.at)} · {t(`vision.kind.${e.kind}` as MessageKey)} · {e.zoneName} · {e.classes.join(', ')} {Math.round(e.confidence * 100)}%
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
