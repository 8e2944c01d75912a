import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { speakerLabel, type Speaker, type SpeakerGroup } from '../../lib/broadcast.js';
import { groupName } from '../../lib/site.js';
import { useApi } from '../../lib/use-api.js';

function VolumeRow({ name, path }: { name: string; path: string }) {
  const [volume, setVolume] = useState(60);
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const set = () =>
    api(path, { method: 'POST', body: { volume } }).then(
      () => setResult({ text: t('admin.volume.done', { name, volume }), error: false }),
      (err: Error) => setResult({ text: err.message, error: true }),
    );
  return (
    <li class="volume-row">
      <span class="volume-name">{name}</span>
      <input type="range" min={0} max={100} step={5} value={volume} aria-label={t('admin.volume.of', { name })} onInput={(e) => setVolume(Number(e.currentTarget.value))} />
      <output>{volume}</output>
      <button type="button" onClick={() => void set()}>
        {t('admin.volume.set')}
      </button>
      {result && (
        <span class={result.error ? 'error' : 'ok'} role={result.error ? 'alert' : 'status'}>
          {result.text}
        </span>
      )}
    </li>
  );
}

/** Volume per speaker and per group (one publish for a group). */
export function SpeakerVolume() {
  const speakers = useApi<{ speakers: Speaker[] }>('/api/broadcast/speakers');
  const groups = useApi<{ groups: SpeakerGroup[] }>('/api/broadcast/groups');
  const list = speakers.data?.speakers ?? [];
  return (
    <section class="card admin-volume" aria-labelledby="admin-volume-title">
      <h2 id="admin-volume-title">{t('admin.volume.title')}</h2>
      {list.length === 0 && <p class="muted">{t('admin.volume.none')}</p>}
      <h3>{t('admin.volume.groups')}</h3>
      <ul class="plain">
        {(groups.data?.groups ?? []).map((g) => (
          <VolumeRow key={g.name} name={groupName(g.name)} path={`/api/broadcast/groups/${encodeURIComponent(g.name)}/volume`} />
        ))}
      </ul>
      <h3>{t('admin.volume.speakers')}</h3>
      <ul class="plain">
        {list.map((s) => (
          <VolumeRow key={s.id} name={speakerLabel(s)} path={`/api/broadcast/speakers/${encodeURIComponent(s.id)}/volume`} />
        ))}
      </ul>
    </section>
  );
}
