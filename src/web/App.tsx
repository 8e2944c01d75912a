import { useEffect } from 'preact/hooks';
import { t } from './i18n/index.js';
import { api } from './lib/api.js';
import { startFeed, stopFeed } from './lib/feed.js';
import { token, user, type SessionUser } from './lib/session.js';
import { Login } from './components/Login.js';
import { Console } from './pages/Console.js';
import { Phone } from './pages/Phone.js';
import { Wall } from './pages/Wall.js';

type View = 'console' | 'wall' | 'phone';

function currentView(): View {
  if (location.pathname.startsWith('/wall')) return 'wall';
  if (location.pathname.startsWith('/phone')) return 'phone';
  return window.innerWidth <= 480 ? 'phone' : 'console';
}

/** Finds out who the token belongs to; a wall without a valid token shows a refusal. */
export function App() {
  const view = currentView();
  useEffect(() => {
    if (!token.value) return;
    api<SessionUser>('/api/auth/me').then(
      (me) => (user.value = me),
      () => (user.value = null),
    );
  }, [token.value]);
  useEffect(() => {
    if (!user.value) return;
    startFeed();
    return stopFeed;
  }, [user.value]);

  if (view === 'wall') return <Wall />;
  if (!token.value) return <Login />;
  if (!user.value) return <p class="loading">{t('app.loading')}</p>;
  return view === 'phone' ? <Phone /> : <Console />;
}
