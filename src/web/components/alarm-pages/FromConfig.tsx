import { t } from '../../i18n/index.js';
import type { Origin } from '../../lib/alarm-directory.js';

/** The mark of an entry from the configuration file (read-only on the page). */
export function FromConfig({ origin }: { origin: Origin }) {
  if (origin !== 'config') return null;
  return (
    <span class="badge from-config" title={t('dir.fromConfig.hint')}>
      {t('dir.fromConfig')}
    </span>
  );
}

/** A row of checkboxes to pick devices or cameras by name. */
export function NamePicker({ legend, options, value, onChange }: { legend: string; options: Array<{ id: string; name: string }>; value: string[]; onChange: (ids: string[]) => void }) {
  if (options.length === 0) return null;
  return (
    <fieldset class="name-picker">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.id} class="check">
          <input type="checkbox" checked={value.includes(o.id)} onChange={(e) => onChange((e.target as HTMLInputElement).checked ? [...value, o.id] : value.filter((v) => v !== o.id))} /> {o.name}
        </label>
      ))}
    </fieldset>
  );
}
