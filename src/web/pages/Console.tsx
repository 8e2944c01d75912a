import { signal } from '@preact/signals';
import { t, type MessageKey } from '../i18n/index.js';
import { CameraFocus } from '../components/CameraFocus.js';
import { CameraGrid, focused } from '../components/CameraGrid.js';
import { DeviceHealth } from '../components/DeviceHealth.js';
import { cameras } from '../lib/cameras.js';
import { Header } from '../components/Header.js';
import { BroadcastPanel } from '../components/broadcast/BroadcastPanel.js';
import { TalkButton } from '../components/broadcast/TalkButton.js';
import { GatesPanel } from '../components/gates/GatesPanel.js';

type Tab = 'cameras' | 'gates' | 'broadcast' | 'health';
const tabs: Tab[] = ['cameras', 'gates', 'broadcast', 'health'];
const active = signal<Tab>('cameras');

/** The duty officer's console: cameras, gates, broadcast and device health. */
export function Console() {
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
        {active.value === 'gates' && <GatesPanel />}
        {active.value === 'broadcast' && <BroadcastPanel />}
        {active.value === 'health' && <DeviceHealth />}
      </main>
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
