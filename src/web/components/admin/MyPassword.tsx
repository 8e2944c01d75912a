import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { user } from '../../lib/session.js';

/** Change my own password (the first start's generated password is changed here). */
export function MyPassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  if (user.value?.via === 'wall') return <p class="muted">{t('admin.password.wall')}</p>;
  const submit = (e: Event) => {
    e.preventDefault();
    if (next !== repeat) return setResult({ text: t('admin.password.mismatch'), error: true });
    setBusy(true);
    api<{ endedSessions: number }>('/api/auth/password', { method: 'POST', body: { currentPassword: current, newPassword: next } })
      .then(
        (answer) => {
          setResult({ text: t('admin.password.done', { n: answer.endedSessions }), error: false });
          setCurrent('');
          setNext('');
          setRepeat('');
        },
        (err: Error) => setResult({ text: err.message, error: true }),
      )
      .finally(() => setBusy(false));
  };
  return (
    <section class="card admin-password" aria-labelledby="admin-password-title">
      <h2 id="admin-password-title">{t('admin.password.title')}</h2>
      <form onSubmit={submit} class="stack">
        <label>
          {t('admin.password.current')}
          <input type="password" name="current" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label>
          {t('admin.password.new')}
          <input type="password" name="new" autocomplete="new-password" required value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        </label>
        <label>
          {t('admin.password.repeat')}
          <input type="password" name="repeat" autocomplete="new-password" required value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />
        </label>
        <p class="muted">{t('admin.password.rules')}</p>
        <button type="submit" disabled={busy}>
          {t('admin.password.save')}
        </button>
        {result && (
          <p class={result.error ? 'error' : 'ok'} role={result.error ? 'alert' : 'status'}>
            {result.text}
          </p>
        )}
      </form>
    </section>
  );
}
