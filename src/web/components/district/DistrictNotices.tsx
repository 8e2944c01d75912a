import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { districtApi, districtUploadClip, type DistrictClip, type DistrictNotice, type DistrictSite } from '../../lib/district.js';
import { translateMessage } from '../../i18n/messages.js';
import { formatDateTime } from '../../lib/time.js';

const list = (s: string) => s.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);

/** Upload an audio clip for notices (the file itself is sent; the district checks and converts it). */
function ClipUpload({ onUploaded }: { onUploaded: (clip: DistrictClip) => void }) {
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const upload = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    try {
      const clip = await districtUploadClip(file, name.trim() || file.name.replace(/\.[^.]+$/, ''));
      setMessage(t('district.clip.uploaded', { name: clip.name, seconds: Math.round(clip.durationMs / 100) / 10 }));
      setName('');
      onUploaded(clip);
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  return (
    <form onSubmit={upload} class="district-clip-upload" aria-label={t('district.clip.upload')}>
      <h3>{t('district.clip.upload')}</h3>
      <label>
        {t('district.clip.name')} <input value={name} maxLength={64} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {t('district.clip.file')} <input type="file" accept="audio/*" required onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
      </label>
      <button type="submit">{t('district.clip.uploadButton')}</button>
      {message && <p role="status">{message}</p>}
    </form>
  );
}

/** Send a notice (spoken text or an uploaded clip) to communities and see where it played. */
export function DistrictNotices({ notices, sites, onSent }: { notices: readonly DistrictNotice[]; sites: readonly DistrictSite[]; onSent: () => void }) {
  const [kind, setKind] = useState<'tts' | 'clip'>('tts');
  const [clips, setClips] = useState<DistrictClip[]>([]);
  const [clipId, setClipId] = useState('');
  const loadClips = () => districtApi<{ clips: DistrictClip[] }>('/clips').then((r) => setClips(r.clips), () => {});
  useEffect(() => void loadClips(), []);
  const [text, setText] = useState('');
  const [targets, setTargets] = useState('');
  const [groups, setGroups] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const name = (id: string) => sites.find((s) => s.id === id)?.name ?? id;
  const send = async (e: Event) => {
    e.preventDefault();
    try {
      const targetSites = list(targets);
      const r = await districtApi<{ sites: string[] }>('/notices', {
        content: kind === 'tts' ? { kind: 'tts', text } : { kind: 'clip', clipId: clipId || clips[0]?.id },
        sites: targetSites.length ? targetSites : ['*'],
        groups: list(groups),
        priority: urgent ? 'urgent' : 'normal',
      });
      setMessage(t('district.notice.sent', { count: r.sites.length }));
      setText('');
      onSent();
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  return (
    <section class="card" aria-labelledby="district-notices">
      <h2 id="district-notices">{t('district.notices')}</h2>
      <form onSubmit={send}>
        <fieldset>
          <legend>{t('district.notice.kind')}</legend>
          <label>
            <input type="radio" name="notice-kind" value="tts" checked={kind === 'tts'} onChange={() => setKind('tts')} /> {t('district.notice.kindTts')}
          </label>
          <label>
            <input type="radio" name="notice-kind" value="clip" checked={kind === 'clip'} onChange={() => setKind('clip')} /> {t('district.notice.kindClip')}
          </label>
        </fieldset>
        {kind === 'tts' ? (
          <label>
            {t('district.notice.text')} <textarea value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} maxLength={500} required />
          </label>
        ) : clips.length ? (
          <label>
            {t('district.notice.clip')}{' '}
            <select value={clipId || clips[0]!.id} onChange={(e) => setClipId((e.target as HTMLSelectElement).value)} required>
              {clips.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({Math.round(c.durationMs / 1000)} s)
                </option>
              ))}
            </select>
          </label>
        ) : (
          <p>{t('district.notice.noClips')}</p>
        )}
        <label>
          {t('district.notice.sites')} <input value={targets} onInput={(e) => setTargets((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t('district.notice.groups')} <input value={groups} onInput={(e) => setGroups((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent((e.target as HTMLInputElement).checked)} /> {t('district.notice.urgent')}
        </label>
        <button type="submit" class="primary" disabled={kind === 'clip' && !clips.length}>{t('district.notice.send')}</button>
      </form>
      {message && <p role="status">{message}</p>}
      {kind === 'clip' && <ClipUpload onUploaded={(c) => (setClipId(c.id), void loadClips())} />}
      <ul class="district-notices">
        {notices.map((n) => (
          <li key={n.id}>
            <strong>{n.content.kind === 'tts' ? n.content.text : n.content.clipName}</strong> ({formatDateTime(n.createdAt)}, {n.createdBy})
            <ul>
              {n.deliveries.map((d) => (
                <li key={d.site} data-site={d.site} data-state={d.state}>
                  {name(d.site)}: {t(`district.delivery.${d.state}` as MessageKey)}
                  {d.detail ? ` (${translateMessage(d.detail) ?? d.detail})` : ''}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
