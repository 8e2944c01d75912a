import { t, type MessageKey } from '../../i18n/index.js';
import type { TourWindow } from '../../lib/tours.js';

const DAYS = [1, 2, 3, 4, 5, 6, 0];

/** The time windows of a tour (gateway local time; a window may cross midnight), each on some days or every day. */
export function TourWindows({ windows, onChange }: { windows: readonly TourWindow[]; onChange: (next: TourWindow[]) => void }) {
  const update = (i: number, patch: Partial<TourWindow>) => onChange(windows.map((w, j) => (j === i ? { ...w, ...patch } : w)));
  return (
    <fieldset class="tour-windows">
      <legend>{t('tours.windows')}</legend>
      {windows.length === 0 && <p class="muted">{t('tours.always')}</p>}
      {windows.map((w, i) => {
        const days = w.days ?? DAYS;
        return (
          <div key={i} class="tour-window">
            <label>
              {t('tours.from')}
              <input type="time" value={w.from} onChange={(e) => update(i, { from: e.currentTarget.value })} />
            </label>
            <label>
              {t('tours.to')}
              <input type="time" value={w.to} onChange={(e) => update(i, { to: e.currentTarget.value })} />
            </label>
            {DAYS.map((d) => (
              <label key={d} class="day">
                <input
                  type="checkbox"
                  checked={days.includes(d)}
                  onChange={(e) => {
                    const next = e.currentTarget.checked ? [...days, d] : days.filter((x) => x !== d);
                    if (next.length > 0) update(i, { days: next });
                  }}
                />
                {t(`tours.day.${d}` as MessageKey)}
              </label>
            ))}
            <button type="button" class="icon" aria-label={t('tours.removeWindow')} onClick={() => onChange(windows.filter((_, j) => j !== i))}>
              ✕
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...windows, { from: '08:00', to: '18:00' }])}>
        {t('tours.addWindow')}
      </button>
    </fieldset>
  );
}
