import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { CameraFocus } from '../components/CameraFocus.js';
import { CameraGrid, focused } from '../components/CameraGrid.js';
import { DeviceHealth } from '../components/DeviceHealth.js';
import { cameras } from '../lib/cameras.js';
import { Header } from '../components/Header.js';
import { TalkButton } from '../components/broadcast/TalkButton.js';
import { PlaybackPanel, playbackRequest } from '../components/playback/PlaybackPanel.js';

import { AlarmPopup } from '../components/alarms/AlarmPopup.js';
import { WorkOrderBoard } from '../components/alarms/WorkOrderBoard.js';
import { lazyPanel } from '../lib/lazy-panel.js';

// The other tabs' code loads when a tab is first opened (the cameras tab and its first pictures
// do not wait for it; the whole console was one 350 KB script).
const GatesPanel = lazyPanel(() => import('../components/gates/GatesPanel.js').then((m) => m.GatesPanel));
const AdminPanel = lazyPanel(() => import('../components/admin/AdminPanel.js').then((m) => m.AdminPanel));
const VisionPanel = lazyPanel(() => import('../components/vision/VisionPanel.js').then((m) => m.VisionPanel));
const VisitorsPanel = lazyPanel(() => import('../components/visitors/VisitorsPanel.js').then((m) => m.VisitorsPanel));
const BroadcastPanel = lazyPanel(() => import('../components/broadcast/BroadcastPanel.js').then((m) => m.BroadcastPanel));
const AlarmsPanel = lazyPanel(() => import('../components/alarms/AlarmsPanel.js').then((m) => m.AlarmsPanel));
const SiteMap = lazyPanel(() => import('../components/alarms/SiteMap.js').then((m) => m.SiteMap));
const GridsPage = lazyPanel(() => import('../components/alarm-pages/GridsPage.js').then((m) => m.GridsPage));
const HomesPage = lazyPanel(() => import('../components/alarm-pages/HomesPage.js').then((m) => m.HomesPage));
const DevicesPage = lazyPanel(() => import('../components/cameras-admin/DevicesPage.js').then((m) => m.DevicesPage));

type Tab = 'cameras' | 'playback' | 'alarms' | 'workorders' | 'sitemap' | 'grids' | 'homes' | 'gates' | 'visitors' | 'broadcast' | 'vision' | 'devices' | 'health' | 'admin';
const tabs: Tab[] = ['cameras', 'playback', 'alarms', 'workorders', 'sitemap', 'grids', 'homes', 'gates', 'visitors', 'broadcast', 'vision', 'devices', 'health', 'admin'];

/** `/#admin` opens the administration tab (the first start's message points there). */
const active = signal<Tab>(tabs.find((tab) => location.hash === `#${tab}`) ?? 'cameras');

/** The duty officer's console: cameras, gates, broadcast and device health. */
export function Console() {
  // a gate entry's "play at this time" opens the playback mode (once per request)
  useEffect(() => {
    if (playbackRequest.value) active.value = 'playback';
  }, [playbackRequest.value]);
  return (
    <div class="console">
      <Header>
        <div role="tablist">
          {tabs.map((tab) => (
            <button key={tab} type="button" role="tab" aria-selected={active.value === tab} class={active.value === tab ? 'tab active' : 'tab'} onClick={() => (active.value = tab)}>
              {t(`nav.${tab}` as MessageKey)}
            </button>
          ))}
        </div>
      </Header>
      <main class="content" role="tabpanel">
        {active.value === 'cameras' && <CamerasTab />}
        {active.value === 'playback' && <PlaybackPanel />}
        {active.value === 'gates' && <GatesPanel />}
        {active.value === 'visitors' && <VisitorsPanel />}
        {active.value === 'broadcast' && <BroadcastPanel />}
        {active.value === 'vision' && <VisionPanel />}
        {active.value === 'health' && <DeviceHealth />}
        {active.value === 'devices' && <DevicesPage />}
        {active.value === 'admin' && <AdminPanel />}
        {active.value === 'alarms' && <AlarmsPanel />}
        {active.value === 'workorders' && <WorkOrderBoard />}
        {active.value === 'sitemap' && <SiteMap />}
        {active.value === 'grids' && <GridsPage />}
        {active.value === 'homes' && <HomesPage />}
      </main>
      <AlarmPopup onOpenCamera={() => (active.value = 'cameras')} />
    </div>
  );
}

function CamerasTab() {
  const camera = cameras.value.find((c) => c.id === focused.value);
  return (
    <div class="cameras-tab console-cameras">
      <CameraGrid />
      {camera ? (
        <CameraFocus camera={camera}>
          <TalkButton key={camera.id} cameraId={camera.id} />
        </CameraFocus>
      ) : (
        <p class="card muted">{t('cameras.pick')}</p>
      )}
    </div>
  );
}
