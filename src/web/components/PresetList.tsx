import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { api } from '../lib/api.js';

interface Preset {
  token: string;
  name: string;
}

/** Presets of the focused camera: go, save the current position under a name, delete. */
export function PresetList({ cameraId, onError }: { cameraId: string; onError: (message: string) => void }) {
  const [presets, setPresets] = useState<Preset[] | null>(null);
  const [name, setName] = useState('');
  const [unsupported, setUnsupported] = useState<string | null>(null);

  const load = () =>
    api<{ presets: Preset[] }>(`/api/cameras/${encodeURIComponent(cameraId)}/presets`).then(
      (r) => setPresets(r.presets),
      (err: Error & { status?: number }) => (err.status === 501 ? setUnsupported(err.message) : onError(err.message)),
    );
  useEffect(() => {
    setPresets(null);
    setUnsupported(null);
    void load();
  }, [cameraId]);

  const run = (promise: Promise<unknown>) => promise.then(load, (err: Error) => onError(err.message));
  const base = `/api/cameras/${encodeURIComponent(cameraId)}/presets`;

  if (unsupported) return <p class="muted">{unsupported}</p>;
  return (
    <section aria-labelledby="presets-title">
      <h3 id="presets-title">{t('presets.title')}</h3>
      <ul class="presets">
        {(presets ?? []).map((p) => (
          <li key={p.token}>
            <button type="button" onClick={() => run(api(`${base}/${encodeURIComponent(p.token)}/goto`, { method: 'POST', body: {} }))}>
              {p.name}
            </button>
            <button type="button" class="icon" aria-label={t('presets.delete', { name: p.name })} title={t('presets.delete', { name: p.name })} onClick={() => confirm(t('presets.confirmDelete', { name: p.name })) && run(api(`${base}/${encodeURIComponent(p.token)}`, { method: 'DELETE' }))}>
              ✕
            </button>
          </li>
        ))}
      </ul>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          void run(api(base, { method: 'POST', body: { name: name.trim() } })).then(() => setName(''));
        }}
      >
        <label class="sr-only" for="preset-name">
          {t('presets.name')}
        </label>
        <input id="preset-name" placeholder={t('presets.name')} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit">{t('presets.save')}</button>
      </form>
    </section>
  );
}
