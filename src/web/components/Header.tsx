import { t, type MessageKey } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { feedConnected } from '../lib/feed.js';
import { forgetLogin, user } from '../lib/session.js';
import { LanguageSwitch } from './LanguageSwitch.js';

export function Header({ children }: { children?: preact.ComponentChildren }) {
  const logout = async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    forgetLogin();
  };
  return (
    <header class="topbar">
      <strong class="brand">{t('app.title')}</strong>
      <nav aria-label="main">{children}</nav>
      <span class="spacer" />
      {!feedConnected.value && (
        <span class="warn" role="status">
          {t('app.offline')}
        </span>
      )}
      <LanguageSwitch />
      {user.value && (
        <span class="who">
          {user.value.name} · {t(`role.${user.value.role}` as MessageKey)}
        </span>
      )}
      <button type="button" onClick={logout}>
        {t('app.logout')}
      </button>
    </header>
  );
}
