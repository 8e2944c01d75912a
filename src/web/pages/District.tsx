import { useEffect, useState } from 'preact/hooks';
import { locale, setLocale, t } from '../i18n/index.js';
import { districtApi, districtToken, setDistrictToken, type DistrictAlarm, type DistrictGridStats, type DistrictNotice, type DistrictSite, type DistrictWorkOrder, type FlowBucket } from '../lib/district.js';
import { DistrictAlarms } from '../components/district/DistrictAlarms.js';
import { DistrictFlow } from '../components/district/DistrictFlow.js';
import { DistrictNotices } from '../components/district/DistrictNotices.js';
import { DistrictSites } from '../components/district/DistrictSites.js';
import { PlateSearch } from '../components/district/PlateSearch.js';

function DistrictLogin() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      setDistrictToken((await districtApi<{ token: string }>('/login', { name, password })).token);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main class="login">
      <form class="card login-form" onSubmit={submit} aria-labelledby="district-login">
        <h1 id="district-login">{t('district.login')}</h1>
        <label>
          {t('district.name')} <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} autoComplete="username" required />
        </label>
        <label>
          {t('district.password')} <input type="password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} autoComplete="current-password" required />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary">{t('district.signIn')}</button>
      </form>
    </main>
  );
}

/** The street office's view (served by `community-gateway district` at /district). */
export function District() {
  const [sites, setSites] = useState<DistrictSite[]>([]);
  const [flow, setFlow] = useState<FlowBucket[]>([]);
  const [notices, setNotices] = useState<DistrictNotice[]>([]);
  const [alarms, setAlarms] = useState<DistrictAlarm[]>([]);
  const [orders, setOrders] = useState<DistrictWorkOrder[]>([]);
  const [stats, setStats] = useState<DistrictGridStats[]>([]);
  const load = () => {
    districtApi<{ sites: DistrictSite[] }>('/sites').then((r) => setSites(r.sites), () => {});
    districtApi<{ buckets: FlowBucket[] }>('/flow').then((r) => setFlow(r.buckets), () => {});
    districtApi<{ notices: DistrictNotice[] }>('/notices').then((r) => setNotices(r.notices), () => {});
    districtApi<{ alarms: DistrictAlarm[] }>('/alarms').then((r) => setAlarms(r.alarms), () => {});
    districtApi<{ workOrders: DistrictWorkOrder[] }>('/work-orders').then((r) => setOrders(r.workOrders), () => {});
    districtApi<{ grids: DistrictGridStats[] }>('/work-orders/statistics').then((r) => setStats(r.grids), () => {});
  };
  useEffect(() => {
    if (!districtToken.value) return;
    load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, [districtToken.value]);
  if (!districtToken.value) return <DistrictLogin />;
  return (
    <main class="district">
      <header>
        <h1>{t('district.title')}</h1>
        <button type="button" onClick={() => setLocale(locale.value === 'zh-CN' ? 'en' : 'zh-CN')}>{locale.value === 'zh-CN' ? 'English' : '中文'}</button>
        <button type="button" onClick={() => setDistrictToken(null)}>{t('district.signOut')}</button>
      </header>
      <DistrictSites sites={sites} />
      <DistrictAlarms alarms={alarms} orders={orders} stats={stats} sites={sites} />
      <DistrictFlow buckets={flow} sites={sites} />
      <PlateSearch sites={sites} />
      <DistrictNotices notices={notices} sites={sites} onSent={load} />
    </main>
  );
}
