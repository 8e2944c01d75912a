import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { cameras } from '../../lib/cameras.js';
import { user } from '../../lib/session.js';
import { useApi } from '../../lib/use-api.js';
import { VideoTile } from '../VideoTile.js';
import { itemKey, placementPath, readBase64, useRaisedAlarms, type Placement, type SiteMapAnswer, type SiteMapItem } from './site-map-data.js';
import { SiteMapCanvas } from './SiteMapCanvas.js';
import './SiteMap.css';

const MAX_PLAN_BYTES = 5 * 1024 * 1024;

/**
 * The site map tab: the compound's plan with cameras, barriers, speakers, alarm buttons, door
 * sensors and watched homes on it. Admins upload the plan; officers and admins place things by
 * drag; everyone sees alarms flash at their place and opens a camera's live picture from its marker.
 */
export function SiteMap() {
  const answer = useApi<SiteMapAnswer>('/api/site-map');
  const raised = useRaisedAlarms();
  const [local, setLocal] = useState<ReadonlyMap<string, Placement>>(new Map());
  const [problem, setProblem] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [open, setOpen] = useState<SiteMapItem | null>(null);
  const role = user.value?.role;
  const isAdmin = role === 'admin';
  const canEdit = role === 'admin' || role === 'officer';
  const data = answer.data;

  // Cameras added on the devices page are not in the configuration: they come from the live list.
  const items: SiteMapItem[] = [...(data?.items ?? [])];
  for (const cam of cameras.value) if (!items.some((i) => i.kind === 'cameras' && i.id === cam.id)) items.push({ kind: 'cameras', id: cam.id, name: cam.name, devices: [cam.id], cameraId: cam.id });
  const merged = new Map((data?.placements ?? []).map((p) => [itemKey(p), p]));
  for (const [key, p] of local) merged.set(key, p);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setProblem(null);
    if (file.size > MAX_PLAN_BYTES) return setProblem(t('sitemap.tooBig'));
    setUploading(true);
    try {
      await api('/api/site-map/image', { method: 'PUT', body: { base64: await readBase64(file) } });
      answer.reload();
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setUploading(false);
    }
  };
  const place = (item: SiteMapItem, x: number, y: number) => {
    const key = itemKey(item);
    const before = local.get(key);
    setLocal((m) => new Map(m).set(key, { kind: item.kind, id: item.id, x, y }));
    setProblem(null);
    api<Placement>(placementPath(item), { method: 'PUT', body: { x, y } }).catch((err: Error) => {
      setLocal((m) => {
        const next = new Map(m);
        if (before) next.set(key, before);
        else next.delete(key);
        return next;
      });
      setProblem(t('sitemap.saveFailed', { error: err.message }));
    });
  };
  const remove = (item: SiteMapItem) => {
    api(placementPath(item), { method: 'DELETE' }).then(
      () => {
        setLocal((m) => {
          const next = new Map(m);
          next.delete(itemKey(item));
          return next;
        });
        answer.reload();
      },
      (err: Error) => setProblem(err.message),
    );
  };
  const openItem = (item: SiteMapItem) => {
    const cameraId = item.kind === 'cameras' ? item.id : undefined;
    if (cameraId) setOpen(item);
  };
  const openCamera = open ? cameras.value.find((c) => c.id === open.id) : undefined;

  return (
    <section class="site-map">
      <header class="site-map-head">
        <h2>{t('sitemap.title')}</h2>
        {isAdmin && (
          <label class="button site-map-upload">
            {uploading ? t('sitemap.uploading') : data?.image ? t('sitemap.replace') : t('sitemap.upload')}
            <input type="file" accept="image/png,image/jpeg" name="plan" disabled={uploading} onChange={(e) => void upload((e.currentTarget as HTMLInputElement).files?.[0])} hidden />
          </label>
        )}
      </header>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {answer.error && (
        <p class="error" role="alert">
          {answer.error}
        </p>
      )}
      {data && !data.image && <p class="card muted">{isAdmin ? t('sitemap.noImageAdmin') : t('sitemap.noImage')}</p>}
      {data?.image && (
        <SiteMapCanvas imageUrl={`/api/site-map/image?v=${data.image.version}`} items={items} placements={[...merged.values()]} raised={raised} canEdit={canEdit} onPlace={place} onRemove={remove} onOpen={openItem} />
      )}
      {open && (
        <div class="site-map-video card" data-camera={open.id}>
          <div class="site-map-video-head">
            <strong>{open.name}</strong>
            <button type="button" onClick={() => setOpen(null)}>
              {t('sitemap.closeVideo')}
            </button>
          </div>
          <VideoTile key={open.id} cameraId={open.id} name={open.name} online={openCamera?.online ?? false} {...(openCamera?.status ? { status: openCamera.status } : {})} profile="sub" />
        </div>
      )}
    </section>
  );
}
