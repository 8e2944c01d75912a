import { t } from '../../i18n/index.js';
import { canControl, user } from '../../lib/session.js';
import { siteInfo, siteOffsetMinutes } from '../../lib/site.js';
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

function SiteCard() {
  return (
    <section class="card admin-site" aria-labelledby="admin-site-title">
      <h2 id="admin-site-title">{t('admin.site.title')}</h2>
      <dl>
        <dt>{t('admin.site.name')}</dt>
        <dd>
          {siteInfo.value?.site.name ?? '…'} <span class="muted">{t('admin.site.nameHint')}</span>
        </dd>
        <dt>{t('admin.site.zone')}</dt>
        <dd class="raw">{zone(siteOffsetMinutes())}</dd>
      </dl>
    </section>
  );
}

/** Administration: my password for everyone; speaker volume for officers; users, wall links and the audit log for admins. */
export function AdminPanel() {
  const admin = user.value?.role === 'admin';
  return (
    <div class="admin-panel">
      <MyPassword />
      <SiteCard />
      {canControl() && <SpeakerVolume />}
      {admin && <UserList />}
      {admin && <WallTokens />}
      {admin && <AuditLog />}
    </div>
  );
}
