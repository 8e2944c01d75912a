import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { hasTargets, uploadClip, type Clip, type Job, type Targets } from '../../lib/broadcast.js';
import { user } from '../../lib/session.js';
import { useApi } from '../../lib/use-api.js';

/** Uploaded clips: play on the chosen targets; admins upload and delete. */
export function ClipList({ targets, alarm, onStarted, onError }: { targets: Targets; alarm: boolean; onStarted: (job: Job) => void; onError: (message: string) => void }) {
  const clips = useApi<{ clips: Clip[] }>('/api/broadcast/clips');
  const admin = user.value?.role === 'admin';
  const officer = admin || user.value?.role === 'officer';
  const play = (clip: Clip) => {
    if (!hasTargets(targets)) return onError(t('broadcast.pickTargets'));
    api<Job>(`/api/broadcast/clips/${encodeURIComponent(clip.id)}/play`, { method: 'POST', body: { ...targets, alarm } }).then(onStarted, (err: Error) => onError(err.message));
  };
  const remove = (clip: Clip) => {
    if (!confirm(t('broadcast.confirmDeleteClip', { name: clip.name }))) return;
    api(`/api/broadcast/clips/${encodeURIComponent(clip.id)}`, { method: 'DELETE' }).then(clips.reload, (err: Error) => onError(err.message));
  };
  return (
    <section aria-labelledby="clips-title">
      <h3 id="clips-title">{t('broadcast.clips')}</h3>
      {clips.error && <p class="error">{clips.error}</p>}
      <ul class="clip-list">
        {(clips.data?.clips ?? []).map((clip) => (
          <li key={clip.id}>
            <span>
              {clip.name} <span class="muted">{(clip.durationMs / 1000).toFixed(1)} s</span>
            </span>
            {officer && (
              <button type="button" onClick={() => play(clip)} aria-label={t('broadcast.playClip', { name: clip.name })}>
                ▶ {t('broadcast.play')}
              </button>
            )}
            {admin && (
              <button type="button" class="icon" onClick={() => remove(clip)} aria-label={t('broadcast.deleteClip', { name: clip.name })} title={t('broadcast.deleteClip', { name: clip.name })}>
                ✕
              </button>
            )}
          </li>
        ))}
      </ul>
      {clips.data && clips.data.clips.length === 0 && <p class="muted">{t('broadcast.noClips')}</p>}
      {admin && <ClipUpload onUploaded={clips.reload} onError={onError} />}
    </section>
  );
}

function ClipUpload({ onUploaded, onError }: { onUploaded: () => void; onError: (message: string) => void }) {
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file || !name.trim()) return;
    setBusy(true);
    try {
      await uploadClip(name.trim(), file);
      setName('');
      (event.target as HTMLFormElement).reset();
      setFile(null);
      onUploaded();
    } catch (err) {
      onError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="clip-upload" onSubmit={submit} aria-label={t('broadcast.upload')}>
      <label>
        {t('broadcast.clipName')}
        <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t('broadcast.clipFile')}
        <input type="file" accept="audio/*" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      </label>
      <button type="submit" disabled={busy || !file}>
        {busy ? t('broadcast.uploading') : t('broadcast.upload')}
      </button>
    </form>
  );
}
