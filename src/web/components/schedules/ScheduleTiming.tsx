import { t, type MessageKey } from '../../i18n/index.js';
import type { ScheduleWhen } from '../../lib/broadcast.js';

type Mode = ScheduleWhen['kind'] | 'cron';
const MODES: Mode[] = ['daily', 'weekdays', 'weekly', 'once', 'cron'];
const DAYS = [1, 2, 3, 4, 5, 6, 0];

/** Today in the browser as YYYY-MM-DD (the default date of a once schedule). */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function whenOf(mode: Exclude<Mode, 'cron'>, previous: ScheduleWhen | null): ScheduleWhen {
  const time = previous?.time ?? '09:00';
  if (mode === 'weekly') return { kind: 'weekly', time, days: previous?.kind === 'weekly' ? previous.days : [1] };
  if (mode === 'once') return { kind: 'once', time, date: previous?.kind === 'once' ? previous.date : today() };
  return { kind: mode, time };
}

/**
 * When a schedule plays, without cron: every day, on weekdays, on chosen days of the week, or once
 * on a date, at a time (in the site's time); the cron expression stays for experts.
 */
export function ScheduleTiming({ when, cron, onChange }: { when: ScheduleWhen | null; cron: string | null; onChange: (next: { when: ScheduleWhen | null; cron: string | null }) => void }) {
  const mode: Mode = when?.kind ?? 'cron';
  const setMode = (next: Mode) => onChange(next === 'cron' ? { when: null, cron: cron ?? (when ? cronHint(when) : '0 9 * * *') } : { when: whenOf(next, when), cron: null });
  return (
    <fieldset class="schedule-timing row">
      <legend>{t('sched.when')}</legend>
      <label>
        {t('sched.repeat')}
        <select name="schedule-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as Mode)}>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {t(`sched.mode.${m}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      {when && (
        <label>
          {t('sched.time')}
          <input type="time" name="schedule-time" required value={when.time} onChange={(e) => onChange({ when: { ...when, time: e.currentTarget.value }, cron: null })} />
        </label>
      )}
      {when?.kind === 'once' && (
        <label>
          {t('sched.date')}
          <input type="date" name="schedule-date" required value={when.date} onChange={(e) => onChange({ when: { ...when, date: e.currentTarget.value }, cron: null })} />
        </label>
      )}
      {when?.kind === 'weekly' &&
        DAYS.map((d) => (
          <label key={d} class="check day">
            <input
              type="checkbox"
              name={`schedule-day-${d}`}
              checked={when.days.includes(d)}
              onChange={(e) => {
                const days = e.currentTarget.checked ? [...when.days, d] : when.days.filter((x) => x !== d);
                if (days.length > 0) onChange({ when: { ...when, days }, cron: null });
              }}
            />
            {t(`tours.day.${d}` as MessageKey)}
          </label>
        ))}
      {mode === 'cron' && (
        <>
          <label>
            {t('broadcast.cron')}
            <input name="schedule-cron" required value={cron ?? ''} onInput={(e) => onChange({ when: null, cron: e.currentTarget.value })} aria-describedby="cron-help" />
          </label>
          <p id="cron-help" class="muted">
            {t('broadcast.cronHelp')}
          </p>
        </>
      )}
    </fieldset>
  );
}

/** The cron a simple schedule becomes (shown when switching to expert mode). */
function cronHint(when: ScheduleWhen): string {
  const [h, m] = when.time.split(':').map(Number);
  if (when.kind === 'weekdays') return `${m} ${h} * * 1-5`;
  if (when.kind === 'weekly') return `${m} ${h} * * ${[...when.days].sort().join(',')}`;
  if (when.kind === 'once') return `${m} ${h} ${Number(when.date.slice(8))} ${Number(when.date.slice(5, 7))} *`;
  return `${m} ${h} * * *`;
}

/** "每天 20:00", "每周一、三 08:30", "2026-12-24 20:00（一次）" in the UI language. */
export function describeWhen(when: ScheduleWhen | null, cron: string): string {
  if (!when) return t('sched.cronDesc', { cron });
  if (when.kind === 'weekly') return t('sched.desc.weekly', { days: [...when.days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((d) => t(`tours.day.${d}` as MessageKey)).join(t('sched.daySeparator')), time: when.time });
  if (when.kind === 'once') return t('sched.desc.once', { date: when.date, time: when.time });
  return t(`sched.desc.${when.kind}` as MessageKey, { time: when.time });
}
