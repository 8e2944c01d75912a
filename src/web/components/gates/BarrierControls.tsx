import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import type { BarrierCommand, BarrierView } from '../../lib/access.js';
import { retained } from '../../lib/feed.js';
import { canControl } from '../../lib/session.js';
import { deviceName } from '../../lib/site.js';
import { StatusDot } from '../DeviceHealth.js';
import { CommandDialog, type PendingCommand } from './CommandDialog.js';

/** The live arm state and availability of a barrier (feed first, the API's answer before that). */
function liveView(b: BarrierView): { online: boolean | null; state: string; holdOpen: boolean } {
  const state = (retained.value.get(`barriers/${b.id}/state`)?.payload as BarrierView['state']) ?? b.state;
  const availability = retained.value.get(`barriers/${b.id}/availability`)?.payload;
  const avail = typeof availability === 'string' ? availability : ((availability as { state?: string } | undefined)?.state ?? b.availability);
  return { online: avail === 'online' ? true : avail === 'offline' ? false : null, state: state?.state ?? 'unknown', holdOpen: state?.holdOpen === true };
}

/** Every barrier with its arm; officers open, hold open and release it (reason + confirmation). */
export function BarrierControls({ barriers }: { barriers: readonly BarrierView[] }) {
  const [pending, setPending] = useState<PendingCommand | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const control = canControl();
  const ask = (barrier: string, command: BarrierCommand) => {
    setResult(null);
    setPending({ barrier, command });
  };
  return (
    <section class="card barriers" aria-labelledby="barriers-title">
      <h2 id="barriers-title">{t('gates.barriers')}</h2>
      <ul class="barrier-list">
        {barriers.map((b) => {
          const live = liveView(b);
          return (
            <li key={b.id} data-barrier={b.id}>
              <span class="barrier-name">
                <StatusDot online={live.online} /> {deviceName(b.id)}
              </span>
              <span class="arm" aria-label={t('gates.armState')}>
                {t(`gates.arm.${live.state}` as 'gates.arm.unknown')}
                {live.holdOpen ? ` · ${t('gates.held')}` : ''}
              </span>
              {b.clock?.corrected && (
                <span class="barrier-clock warn" data-clock-offset-ms={b.clock.offsetMs}>
                  {t('gates.clockOff', { offset: formatOffset(b.clock.offsetMs) })}
                </span>
              )}
              {control && (
                <span class="barrier-actions">
                  <button type="button" class="primary" onClick={() => ask(b.id, 'open')} aria-label={t('gates.cmdFor', { command: t('gates.cmd.open'), barrier: deviceName(b.id) })}>
                    {t('gates.cmd.open')}
                  </button>
                  {live.holdOpen ? (
                    <button type="button" onClick={() => ask(b.id, 'release')} aria-label={t('gates.cmdFor', { command: t('gates.cmd.release'), barrier: deviceName(b.id) })}>
                      {t('gates.cmd.release')}
                    </button>
                  ) : (
                    <button type="button" onClick={() => ask(b.id, 'hold-open')} aria-label={t('gates.cmdFor', { command: t('gates.cmd.hold-open'), barrier: deviceName(b.id) })}>
                      {t('gates.cmd.hold-open')}
                    </button>
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {barriers.length === 0 && <p class="muted">{t('gates.noBarriers')}</p>}
      <p role="status" class="ok">
        {result}
      </p>
      {pending && (
        <CommandDialog
          pending={pending}
          onDone={(message) => {
            setPending(null);
            if (message) setResult(message);
          }}
        />
      )}
    </section>
  );
}

/** "+3 h 0 min", "-45 s": the barrier's clock against the gateway's. */
function formatOffset(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const sign = ms >= 0 ? '+' : '-';
  if (s >= 86_400) return `${sign}${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
  if (s >= 3600) return `${sign}${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${sign}${Math.floor(s / 60)} min`;
  return `${sign}${s} s`;
}
