import { deviceName } from '../../lib/site.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { CREDENTIAL_TYPES, type EntryFilter } from '../../lib/access.js';

/** Filters of the entry feed: gate, direction, credential type, result, plate/card text. */
export function EntryFilters({ filter, gates, onChange }: { filter: EntryFilter; gates: readonly string[]; onChange: (next: EntryFilter) => void }) {
  const set = <K extends keyof EntryFilter>(key: K, value: EntryFilter[K]) => onChange({ ...filter, [key]: value });
  return (
    <form class="filters" role="search" aria-label={t('gates.filters')} onSubmit={(e) => e.preventDefault()}>
      <label>
        {t('gates.filter.gate')}
        <select value={filter.gate} onChange={(e) => set('gate', e.currentTarget.value)}>
          <option value="">{t('gates.all')}</option>
          {gates.map((g) => (
            <option key={g} value={g}>
              {deviceName(g)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('gates.filter.direction')}
        <select value={filter.direction} onChange={(e) => set('direction', e.currentTarget.value as EntryFilter['direction'])}>
          <option value="">{t('gates.all')}</option>
          <option value="in">{t('gates.dir.in')}</option>
          <option value="out">{t('gates.dir.out')}</option>
        </select>
      </label>
      <label>
        {t('gates.filter.credential')}
        <select value={filter.credentialType} onChange={(e) => set('credentialType', e.currentTarget.value)}>
          <option value="">{t('gates.all')}</option>
          {CREDENTIAL_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`gates.cred.${type}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('gates.filter.result')}
        <select value={filter.result} onChange={(e) => set('result', e.currentTarget.value as EntryFilter['result'])}>
          <option value="">{t('gates.all')}</option>
          <option value="granted">{t('gates.result.granted')}</option>
          <option value="denied">{t('gates.result.denied')}</option>
        </select>
      </label>
      <label>
        {t('gates.filter.text')}
        <input type="search" value={filter.text} placeholder={t('gates.filter.textHint')} onInput={(e) => set('text', e.currentTarget.value)} />
      </label>
    </form>
  );
}
