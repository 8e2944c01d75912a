import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { CREDENTIAL_TYPES } from '../../lib/access.js';

/** Puts a credential on the allow or deny list. */
export function ListItemForm({ onAdded, onError }: { onAdded: () => void; onError: (message: string) => void }) {
  const [list, setList] = useState<'allow' | 'deny'>('allow');
  const [type, setType] = useState<string>('plate');
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    if (!value.trim()) return;
    api('/api/access/lists/items', { method: 'POST', body: { list, type, value: value.trim(), ...(note.trim() ? { note: note.trim() } : {}) } }).then(
      () => {
        setValue('');
        setNote('');
        onAdded();
      },
      (err: Error) => onError(err.message),
    );
  };
  return (
    <form class="list-add" onSubmit={submit} aria-label={t('gates.lists.add')}>
      <label>
        {t('gates.lists.list')}
        <select value={list} onChange={(e) => setList(e.currentTarget.value as 'allow' | 'deny')}>
          <option value="allow">{t('gates.lists.allow')}</option>
          <option value="deny">{t('gates.lists.deny')}</option>
        </select>
      </label>
      <label>
        {t('gates.filter.credential')}
        <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
          {CREDENTIAL_TYPES.filter((c) => c !== 'remote' && c !== 'manual').map((c) => (
            <option key={c} value={c}>
              {t(`gates.cred.${c}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('gates.lists.value')}
        <input required maxLength={256} value={value} onInput={(e) => setValue(e.currentTarget.value)} placeholder="豫A12345" />
      </label>
      <label>
        {t('gates.lists.note')}
        <input maxLength={256} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary">
        {t('gates.lists.add')}
      </button>
    </form>
  );
}
