import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { saveLogin, type SessionUser } from '../lib/session.js';

export function Login() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // The answer's token is for scripts; the page keeps using the HttpOnly cookie set with it.
      const answer = await api<{ user: { name: string; role: SessionUser['role'] } }>('/api/auth/login', { method: 'POST', body: { name, password } });
      saveLogin({ name: answer.user.name, role: answer.user.role, via: 'session' });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.failed') : t('login.error', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card login-form" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        <label>
          {t('login.name')}
          <input name="name" autoComplete="username" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </main>
  );
}
