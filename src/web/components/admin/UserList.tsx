import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { user as me } from '../../lib/session.js';
import { useApi } from '../../lib/use-api.js';

interface UserRow {
  name: string;
  role: 'admin' | 'officer' | 'viewer';
  displayName: string | null;
  source: 'config' | 'env' | 'generated' | 'local';
}

const ROLES = ['viewer', 'officer', 'admin'] as const;

/** Users and their roles: add, change the role, remove (users of the configuration file are read-only). */
export function UserList() {
  const users = useApi<{ users: UserRow[] }>('/api/users');
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const [draft, setDraft] = useState({ name: '', displayName: '', role: 'officer' as UserRow['role'], password: '' });
  const done = (text: string) => () => {
    setResult({ text, error: false });
    users.reload();
  };
  const failed = (err: Error) => setResult({ text: err.message, error: true });
  const add = (e: Event) => {
    e.preventDefault();
    api('/api/users', { method: 'POST', body: { name: draft.name, role: draft.role, password: draft.password, displayName: draft.displayName || null } }).then(() => {
      done(t('admin.users.added', { name: draft.name }))();
      setDraft({ name: '', displayName: '', role: 'officer', password: '' });
    }, failed);
  };
  const setRole = (u: UserRow, role: string) =>
    api(`/api/users/${encodeURIComponent(u.name)}`, { method: 'PATCH', body: { role } }).then(done(t('admin.users.changed', { name: u.displayName ?? u.name })), failed);
  const remove = (u: UserRow) => {
    if (!confirm(t('admin.users.confirmRemove', { name: u.displayName ?? u.name }))) return;
    api(`/api/users/${encodeURIComponent(u.name)}`, { method: 'DELETE' }).then(done(t('admin.users.removeUser', { name: u.name })), failed);
  };
  return (
    <section class="card admin-users" aria-labelledby="admin-users-title">
      <h2 id="admin-users-title">{t('admin.users.title')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('admin.users.name')}</th>
            <th>{t('admin.users.displayName')}</th>
            <th>{t('admin.users.role')}</th>
            <th>{t('admin.users.source')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(users.data?.users ?? []).map((u) => (
            <tr key={u.name}>
              <td class="raw">{u.name}</td>
              <td>{u.displayName ?? ''}</td>
              <td>
                {u.source === 'config' ? (
                  <span title={t('admin.users.inConfig')}>{t(`role.${u.role}` as MessageKey)}</span>
                ) : (
                  <select aria-label={t('admin.users.roleOf', { name: u.name })} value={u.role} disabled={u.name === me.value?.name} onChange={(e) => void setRole(u, e.currentTarget.value)}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`role.${r}` as MessageKey)}
                      </option>
                    ))}
                  </select>
                )}
              </td>
              <td>{t(`admin.users.source.${u.source}` as MessageKey)}</td>
              <td>
                {u.source !== 'config' && u.name !== me.value?.name && (
                  <button type="button" aria-label={t('admin.users.removeUser', { name: u.name })} onClick={() => remove(u)}>
                    {t('admin.users.remove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="row" onSubmit={add}>
        <input aria-label={t('admin.users.name')} placeholder={t('admin.users.name')} required maxLength={64} value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
        <input aria-label={t('admin.users.displayName')} placeholder={t('admin.users.displayName')} maxLength={64} value={draft.displayName} onInput={(e) => setDraft({ ...draft, displayName: e.currentTarget.value })} />
        <select aria-label={t('admin.users.role')} value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value as UserRow['role'] })}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}` as MessageKey)}
            </option>
          ))}
        </select>
        <input type="password" aria-label={t('admin.users.password')} placeholder={t('admin.users.password')} autocomplete="new-password" required value={draft.password} onInput={(e) => setDraft({ ...draft, password: e.currentTarget.value })} />
        <button type="submit">{t('admin.users.add')}</button>
      </form>
      {(result || users.error) && (
        <p class={result?.error || users.error ? 'error' : 'ok'} role={result?.error || users.error ? 'alert' : 'status'}>
          {result?.text ?? users.error}
        </p>
      )}
    </section>
  );
}
