import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { canControl } from '../../lib/session.js';
import { siteOffsetMinutes } from '../../lib/site.js';
import { isoToSiteInput, siteDateTime, siteInputToIso } from '../../lib/site-time.js';
import { useApi } from '../../lib/use-api.js';

export interface VisitorPass {
  id: number;
  token?: string;
  name: string;
  phone: string;
  host: { building: string; unit: string; room: string };
  plate: string | null;
  reason: string | null;
  validFrom: string;
  validUntil: string;
  status: 'active' | 'upcoming' | 'expired' | 'revoked';
}

interface ReportPass extends VisitorPass {
  entries: number;
  refused: number;
  firstIn: string | null;
  lastOut: string | null;
}

const hostText = (p: VisitorPass) => t('visitors.host', p.host);

/** Only the pass card is printed (the rest of the console is hidden on paper). */
const PANEL_CSS = `.visitor-register { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 0.5rem 1rem; align-items: end; }
.visitor-register h3 { grid-column: 1 / -1; margin: 0; }
.visitor-register label { display: flex; flex-direction: column; gap: 0.2rem; }
.visitor-pass-card { background: #fff; color: #111; padding: 1rem; border-radius: 6px; max-width: 360px; margin: 1rem 0; }
.visitor-pass-card a { color: #0b4fa3; }
.visitors-panel .visitors-table td, .visitors-panel .visitors-table th { padding: 0.25rem 0.6rem; text-align: left; }
@media print { body * { visibility: hidden; } .visitor-pass-card, .visitor-pass-card * { visibility: visible; } .visitor-pass-card { position: absolute; left: 0; top: 0; } .visitor-pass-card .no-print { display: none; } }`;

/** A pass as the visitor gets it: QR code, name, host household, validity; print or download. */
function PassCard({ pass, onClose }: { pass: VisitorPass; onClose: () => void }) {
  const offset = siteOffsetMinutes();
  const png = `/api/visitors/${pass.id}/qr.png`;
  return (
    <section class="visitor-pass-card" aria-label={t('visitors.pass')}>
      <h3>{t('visitors.pass')}</h3>
      <img src={png} alt={t('visitors.pass')} width={240} height={240} class="visitor-qr" />
      <p class="visitor-pass-name">{pass.name}</p>
      <p>{hostText(pass)}</p>
      {pass.plate && <p>{pass.plate}</p>}
      <p>
        {t('visitors.validityLine', { from: siteDateTime(pass.validFrom, offset).slice(0, 16), to: siteDateTime(pass.validUntil, offset).slice(0, 16) })}
      </p>
      <p class="hint">{t('visitors.scanHint')}</p>
      <div class="no-print">
        <button type="button" class="primary" onClick={() => window.print()}>
          {t('visitors.print')}
        </button>{' '}
        <a href={png} download={`visitor-pass-${pass.id}.png`}>
          {t('visitors.download')}
        </a>{' '}
        <button type="button" onClick={onClose}>
          {t('visitors.close')}
        </button>
      </div>
    </section>
  );
}

function RegisterForm({ onIssued, onError }: { onIssued: (pass: VisitorPass) => void; onError: (message: string) => void }) {
  const offset = siteOffsetMinutes();
  const [form, setForm] = useState(() => ({
    name: '',
    phone: '',
    building: '',
    unit: '',
    room: '',
    plate: '',
    reason: '',
    validFrom: isoToSiteInput(Date.now(), offset),
    validUntil: isoToSiteInput(Date.now() + 4 * 3600_000, offset),
  }));
  const field = (key: keyof typeof form, label: MessageKey, props: Record<string, unknown> = {}) => (
    <label>
      {t(label)}
      <input name={key} value={form[key]} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} {...props} />
    </label>
  );
  const submit = (event: Event) => {
    event.preventDefault();
    const validFrom = siteInputToIso(form.validFrom, offset);
    const validUntil = siteInputToIso(form.validUntil, offset);
    if (!validFrom || !validUntil) return;
    const body = {
      name: form.name.trim(),
      phone: form.phone.trim(),
      building: form.building.trim(),
      unit: form.unit.trim(),
      room: form.room.trim(),
      ...(form.plate.trim() ? { plate: form.plate.trim() } : {}),
      ...(form.reason.trim() ? { reason: form.reason.trim() } : {}),
      validFrom,
      validUntil,
    };
    api<VisitorPass>('/api/visitors', { method: 'POST', body }).then(
      (pass) => {
        setForm({ ...form, name: '', phone: '', plate: '', reason: '' });
        onIssued(pass);
      },
      (err: Error) => onError(err.message),
    );
  };
  return (
    <form class="visitor-register" onSubmit={submit} aria-label={t('visitors.register')}>
      <h3>{t('visitors.register')}</h3>
      {field('name', 'visitors.name', { required: true, maxLength: 64 })}
      {field('phone', 'visitors.phone', { required: true, maxLength: 20, inputMode: 'tel' })}
      {field('building', 'visitors.building', { required: true, maxLength: 16 })}
      {field('unit', 'visitors.unit', { required: true, maxLength: 16 })}
      {field('room', 'visitors.room', { required: true, maxLength: 16 })}
      {field('plate', 'visitors.plate', { maxLength: 16 })}
      {field('reason', 'visitors.reason', { maxLength: 128 })}
      {field('validFrom', 'visitors.validFrom', { type: 'datetime-local', required: true })}
      {field('validUntil', 'visitors.validUntil', { type: 'datetime-local', required: true })}
      <button type="submit" class="primary">
        {t('visitors.issue')}
      </button>
    </form>
  );
}

/** Visitors (外来人员): register and issue QR passes (officers), the day's visitors and their passages, revoke, CSV. */
export function VisitorsPanel() {
  const offset = siteOffsetMinutes();
  const [day, setDay] = useState(() => siteDateTime(Date.now(), offset).slice(0, 10));
  const [shown, setShown] = useState<VisitorPass | null>(null);
  const [error, setError] = useState<string | null>(null);
  const report = useApi<{ day: string; passes: ReportPass[] }>(`/api/visitors/report?day=${day}`);
  const officer = canControl();
  const time = (iso: string | null) => (iso ? siteDateTime(iso, offset).slice(5, 16) : '—');
  const revoke = (pass: ReportPass) => {
    if (!window.confirm(t('visitors.revokeConfirm', { name: pass.name }))) return;
    api(`/api/visitors/${pass.id}`, { method: 'DELETE' }).then(
      () => report.reload(),
      (err: Error) => setError(err.message),
    );
  };
  return (
    <div class="visitors-panel">
      <style>{PANEL_CSS}</style>
      <h2>{t('visitors.title')}</h2>
      {error && (
        <p class="error" role="alert">
          {t('visitors.error', { message: error })}
        </p>
      )}
      {officer ? (
        <RegisterForm
          onIssued={(pass) => {
            setError(null);
            setShown(pass);
            report.reload();
          }}
          onError={setError}
        />
      ) : (
        <p class="hint">{t('visitors.readOnly')}</p>
      )}
      {shown && <PassCard pass={shown} onClose={() => setShown(null)} />}
      <section aria-label={t('visitors.list')}>
        <h3>{t('visitors.list')}</h3>
        <label>
          {t('visitors.day')} <input type="date" value={day} onInput={(e) => e.currentTarget.value && setDay(e.currentTarget.value)} />
        </label>{' '}
        <a href={`/api/visitors/report.csv?day=${day}`} download>
          {t('visitors.csv')}
        </a>
        {report.error && <p class="error">{report.error}</p>}
        {report.data && report.data.passes.length === 0 && <p class="hint">{t('visitors.none')}</p>}
        {report.data && report.data.passes.length > 0 && (
          <table class="visitors-table">
            <thead>
              <tr>
                <th>{t('visitors.name')}</th>
                <th>{t('visitors.phone')}</th>
                <th>{t('visitors.building')}</th>
                <th>{t('visitors.plate')}</th>
                <th>{t('visitors.validity')}</th>
                <th>{t('visitors.status')}</th>
                <th>{t('visitors.entries')}</th>
                <th>{t('visitors.firstIn')}</th>
                <th>{t('visitors.lastOut')}</th>
                {officer && <th />}
              </tr>
            </thead>
            <tbody>
              {report.data.passes.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>{p.phone}</td>
                  <td>{hostText(p)}</td>
                  <td>{p.plate ?? '—'}</td>
                  <td>
                    {time(p.validFrom)} – {time(p.validUntil)}
                  </td>
                  <td>{t(`visitors.status.${p.status}` as MessageKey)}</td>
                  <td>{p.entries}</td>
                  <td>{time(p.firstIn)}</td>
                  <td>{time(p.lastOut)}</td>
                  {officer && (
                    <td>
                      {p.status !== 'revoked' && p.status !== 'expired' && (
                        <>
                          <button type="button" onClick={() => setShown(p)}>
                            {t('visitors.show')}
                          </button>{' '}
                          <button type="button" class="danger" onClick={() => revoke(p)}>
                            {t('visitors.revoke')}
                          </button>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
