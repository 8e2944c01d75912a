import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';

export interface ZoneScheduleValue {
  days: number[];
  from: string;
  to: string;
}

/** A zone's time window: always, or on some days (0 = Sunday) from-to local time (may pass midnight). */
export function ZoneSchedule(props: { value: ZoneScheduleValue | null; onSave: (v: ZoneScheduleValue | null) => void }) {
  const [always, setAlways] = useState(props.value === null);
  const [days, setDays] = useState<number[]>(props.value?.days ?? [0, 1, 2, 3, 4, 5, 6]);
  const [from, setFrom] = useState(props.value?.from ?? '22:00');
  const [to, setTo] = useState(props.value?.to ?? '06:00');
  const flip = (d: number): void => setDays(days.includes(d) ? days.filter((x) => x !== d) : [...days, d].sort());
  return (
    <fieldset class="vision-schedule">
      <legend>{t('vision.schedule')}</legend>
      <label><input type="checkbox" checked={always} onChange={() => setAlways(!always)} /> {t('vision.schedule.always')}</label>
      {!always && (
        <span>
          {' '}
          {[1, 2, 3, 4, 5, 6, 0].map((d) => (
            <label key={d}><input type="checkbox" checked={days.includes(d)} onChange={() => flip(d)} />{t(`vision.day.${d}` as MessageKey)}</label>
          ))}{' '}
          <label>{t('vision.schedule.from')} <input type="time" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} /></label>{' '}
          <label>{t('vision.schedule.to')} <input type="time" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} /></label>
        </span>
      )}{' '}
      <button type="button" disabled={!always && days.length === 0} onClick={() => props.onSave(always ? null : { days, from, to })}>{t('vision.schedule.save')}</button>
    </fieldset>
  );
}
