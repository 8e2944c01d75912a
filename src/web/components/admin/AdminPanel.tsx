import { t } from '../../i18n/index.js';
import { canControl, user } from '../../lib/session.js';
import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { loadSite, siteInfo, siteOffsetMinutes } from '../../lib/site.js';
import { AuditLog } from './AuditLog.js';
import { MyPassword } from './MyPassword.js';
import { SpeakerVolume } from './SpeakerVolume.js';
import { UserList } from './UserList.js';
import { WallTokens } from './WallTokens.js';

function zone(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function SiteCard({ admin }: { admin: boolean }) {
  const [name, setName] = useState<string | null>(null);
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const shown = name ?? siteInfo.value?.site.name ?? '';
  const save = (e: Event) => {
    e.preventDefault();
    api<{ name: string }>('/api/site/name', { method: 'PUT', body: { name: shown } }).then(
      (answer) => {
        setResult({ text: t('admin.site.saved', { name: answer.name }), error: false });
        void loadSite();
      },
      (err: Error) => setResult({ text: err.message, error: true }),
    );
  };
  return (
    <section class="card admin-site" aria-labelledby="admin-site-title">
      <h2 id="admin-site-title">{t('admin.site.title')}</h2>
      <dl>
        <dt>{t('admin.site.name')}</dt>
        <dd>
          {admin ? (
            <form class="row" onSubmit={save}>
              <input aria-label={t('admin.site.name')} required maxLength={64} value={shown} onInput={(e) => setName(e.currentTarget.value)} />
              <button type="submit">{t('admin.site.save')}</button>
            </form>
          ) : (
            (siteInfo.value?.site.name ?? '…')
          )}
        </dd>
        <dt>{t('admin.site.zone')}</dt>
        <dd class="raw">{zone(siteOffsetMinutes())}</dd>
      </dl>
      {result && (
        <p class={result.error ? 'error' : 'ok'} role={result.error ? 'alert' : 'status'}>
          {result.text}
        </p>
      )}
    </section>
  );
}

/** Administration: my password for everyone; speaker volume for officers; users, wall links and the audit log for admins. */
export function AdminPanel() {
  const admin = user.value?.role === 'admin';
  return (
    <div class="admin-panel">
      <MyPassword />
      <SiteCard admin={admin} />
      {canControl() && <SpeakerVolume />}
      {admin && <UserList />}
      {admin && <WallTokens />}
      {admin && <AuditLog />}
    </div>
  );
}
