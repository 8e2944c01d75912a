import { useEffect } from 'preact/hooks';
import { t } from './i18n/index.js';
import { startFeed, stopFeed } from './lib/feed.js';
import { loadSite } from './lib/site.js';
import { sessionState, user } from './lib/session.js';
import { watchSession } from './lib/session-check.js';
import { prefetchCameraList } from './lib/camera-list-prefetch.js';
import { Login } from './components/Login.js';
import { Console } from './pages/Console.js';
import { Phone } from './pages/Phone.js';
import { Wall } from './pages/Wall.js';
import { lazyPanel } from './lib/lazy-panel.js';

// Pages of their own (a district screen, the trust page): their code loads when opened.
const District = lazyPanel(() => import('./pages/District.js').then((m) => m.District));
const TrustGateway = lazyPanel(() => import('./components/tls/TrustGateway.js').then((m) => m.TrustGateway));

type View = 'console' | 'wall' | 'phone' | 'trust' | 'district';

function currentView(): View {
  if (location.pathname.startsWith('/district')) return 'district';
  if (location.pathname.startsWith('/wall')) return 'wall';
  if (location.pathname.startsWith('/phone')) return 'phone';
  if (location.pathname.startsWith('/trust')) return 'trust';
  return window.innerWidth <= 480 ? 'phone' : 'console';
}

/** Finds out whether the session cookie is a valid login; a wall (URL token) checks its own. */
export function App() {
  const view = currentView();
  useEffect(() => {
    if (view === 'wall' || view === 'district') return;
    if (view === 'console') prefetchCameraList();
    return watchSession();
  }, [view]);
  // Keyed on who is logged in, not on the user object: a fresh object for the same login must not
  // close the feed before it connects and open it again.
  const who = user.value ? `${user.value.name}/${user.value.role}` : null;
  useEffect(() => {
    // Names and the site's time zone: after login, or at once for a wall (its URL token).
    if (who || view === 'wall') void loadSite();
  }, [who, view]);
  useEffect(() => {
    if (!who) return;
    startFeed();
    return stopFeed;
  }, [who]);

  if (view === 'district') return <District />;
  if (view === 'wall') return <Wall />;
  if (sessionState.value === 'checking') return <p class="loading">{t('app.loading')}</p>;
  if (sessionState.value === 'unreachable') return <p class="loading unreachable" role="alert">{t('app.unreachable')}</p>;
  if (sessionState.value === 'out' || !user.value) return <Login />;
  if (view === 'trust') return <TrustGateway />;
  return view === 'phone' ? <Phone /> : <Console />;
}
