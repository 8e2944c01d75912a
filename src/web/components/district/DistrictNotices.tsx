import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { districtApi, type DistrictNotice, type DistrictSite } from '../../lib/district.js';
import { translateMessage } from '../../i18n/messages.js';
import { formatDateTime } from '../../lib/time.js';

const list = (s: string) => s.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);

/** Send a TTS notice to communities and see where it played. */
export function DistrictNotices({ notices, sites, onSent }: { notices: readonly DistrictNotice[]; sites: readonly DistrictSite[]; onSent: () => void }) {
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
        content: { kind: 'tts', text },
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
        <label>
          {t('district.notice.text')} <textarea value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} maxLength={500} required />
        </label>
        <label>
          {t('district.notice.sites')} <input value={targets} onInput={(e) => setTargets((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t('district.notice.groups')} <input value={groups} onInput={(e) => setGroups((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent((e.target as HTMLInputElement).checked)} /> {t('district.notice.urgent')}
        </label>
        <button type="submit" class="primary">{t('district.notice.send')}</button>
      </form>
      {message && <p role="status">{message}</p>}
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
