import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { formatDateTime } from '../../lib/time.js';
import { useApi } from '../../lib/use-api.js';

interface WallToken {
  id: string;
  label: string | null;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

/** The link a TV opens: the wall page with its token. */
export function wallLink(token: string): string {
  return `${location.origin}/wall?token=${encodeURIComponent(token)}`;
}

function NewLink({ label, link }: { label: string; link: string }) {
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    QRCode.toDataURL(link, { margin: 1, width: 220 }).then(setQr, () => setQr(null));
  }, [link]);
  const copy = () => {
    navigator.clipboard?.writeText(link).then(() => setCopied(true), () => undefined);
  };
  return (
    <div class="wall-link" role="status">
      <p class="ok">{t('admin.walls.created', { label })}</p>
      <label>
        {t('admin.walls.link')}
        <input readOnly value={link} class="raw wall-link-url" onFocus={(e) => e.currentTarget.select()} />
      </label>
      <button type="button" onClick={copy}>
        {copied ? t('admin.walls.copied') : t('admin.walls.copy')}
      </button>
      {qr && <img src={qr} width={220} height={220} alt={t('admin.walls.qr')} class="wall-qr" />}
    </div>
  );
}

/** TV wall links: create one with a name (link and QR shown once), list them, revoke. */
export function WallTokens() {
  const tokens = useApi<{ tokens: WallToken[] }>('/api/wall-tokens');
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<{ label: string; link: string } | null>(null);
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const create = (e: Event) => {
    e.preventDefault();
    const name = label.trim();
    api<{ id: string; token: string; label: string }>('/api/wall-tokens', { method: 'POST', body: { label: name } }).then(
      (answer) => {
        setCreated({ label: answer.label, link: wallLink(answer.token) });
        setResult(null);
        setLabel('');
        tokens.reload();
      },
      (err: Error) => setResult({ text: err.message, error: true }),
    );
  };
  const revoke = (w: WallToken) => {
    const name = w.label ?? '—';
    if (!confirm(t('admin.walls.confirmRevoke', { label: name }))) return;
    api(`/api/wall-tokens/${encodeURIComponent(w.id)}`, { method: 'DELETE' }).then(
      () => {
        setResult({ text: t('admin.walls.revoked', { label: name }), error: false });
        setCreated(null);
        tokens.reload();
      },
      (err: Error) => setResult({ text: err.message, error: true }),
    );
  };
  const active = (tokens.data?.tokens ?? []).filter((w) => !w.revoked);
  return (
    <section class="card admin-walls" aria-labelledby="admin-walls-title">
      <h2 id="admin-walls-title">{t('admin.walls.title')}</h2>
      <form class="row" onSubmit={create}>
        <input aria-label={t('admin.walls.label')} placeholder={t('admin.walls.label')} required maxLength={64} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        <button type="submit">{t('admin.walls.create')}</button>
      </form>
      {created && <NewLink {...created} />}
      {active.length === 0 ? (
        <p class="muted">{t('admin.walls.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('admin.walls.label')}</th>
              <th>{t('admin.walls.createdBy')}</th>
              <th>{t('admin.walls.createdAt')}</th>
              <th>{t('admin.walls.lastUsed')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {active.map((w) => (
              <tr key={w.id}>
                <td>{w.label ?? '—'}</td>
                <td class="raw">{w.createdBy}</td>
                <td>{formatDateTime(w.createdAt)}</td>
                <td>{w.lastUsedAt ? formatDateTime(w.lastUsedAt) : t('admin.walls.never')}</td>
                <td>
                  <button type="button" aria-label={t('admin.walls.revokeOf', { label: w.label ?? '—' })} onClick={() => revoke(w)}>
                    {t('admin.walls.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result && (
        <p class={result.error ? 'error' : 'ok'} role={result.error ? 'alert' : 'status'}>
          {result.text}
        </p>
      )}
    </section>
  );
}
