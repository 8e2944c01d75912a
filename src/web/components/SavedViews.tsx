import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { applyView, currentViewId, deleteView, saveView, views } from '../lib/grid-state.js';
import { user } from '../lib/session.js';
import { DeleteIcon } from './Icons.js';

/** Saved views: open one, save the current grid under a name (shared: admins), delete. */
export function SavedViews({ all }: { all: readonly string[] }) {
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const list = views.value;
  const current = list.find((v) => v.id === currentViewId.value);
  const fail = (err: Error) => setMessage({ text: t('console.views.failed', { message: err.message }), error: true });
  return (
    <div class="saved-views" role="group" aria-label={t('console.views.title')}>
      <select
        name="saved-view"
        aria-label={t('console.views.choose')}
        value={current?.id ?? ''}
        onChange={(e) => {
          const view = list.find((v) => v.id === e.currentTarget.value);
          if (view) applyView(view);
        }}
      >
        <option value="">{list.length === 0 ? t('console.views.none') : t('console.views.choose')}</option>
        {(['mine', 'shared'] as const).map((group) => {
          const inGroup = list.filter((v) => v.shared === (group === 'shared'));
          return inGroup.length === 0 ? null : (
            <optgroup key={group} label={t(group === 'mine' ? 'console.views.mine' : 'console.views.sharedGroup')}>
              {inGroup.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </optgroup>
          );
        })}
      </select>
      {current && (current.owner === user.value?.name || user.value?.role === 'admin') && (
        <button type="button" class="icon" aria-label={t('console.views.delete')} title={t('console.views.delete')} onClick={() => deleteView(current.id).catch(fail)}>
          <DeleteIcon />
        </button>
      )}
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          saveView(name.trim(), shared, all).then((v) => {
            setName('');
            setMessage({ text: t('console.views.saved', { name: v.name }), error: false });
          }, fail);
        }}
      >
        <input name="view-name" aria-label={t('console.views.name')} placeholder={t('console.views.name')} maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        {user.value?.role === 'admin' && (
          <label class="check">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} /> {t('console.views.shared')}
          </label>
        )}
        <button type="submit">{t('console.views.save')}</button>
      </form>
      {message && (
        <span class={message.error ? 'error' : 'ok'} role="status">
          {message.text}
        </span>
      )}
    </div>
  );
}
