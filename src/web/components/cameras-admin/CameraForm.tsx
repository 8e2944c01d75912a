import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { translateMessage } from '../../i18n/messages.js';
import { api } from '../../lib/api.js';
import { connectionBody, speakersOf, type CameraFormValue, type ConnectionTest } from '../../lib/cameras-admin.js';

/** Why a connection test failed, in the page's language (the English sentence for a code the page does not know). */
const testMessage = (test: ConnectionTest) => (test.messageCode && translateMessage(test.messageCode, test.params ?? {})) || test.error || '';

const FIELDS: Array<{ key: keyof CameraFormValue; type?: string; required?: boolean; addOnly?: boolean }> = [
  { key: 'name', required: true },
  { key: 'id', required: true, addOnly: true },
  { key: 'host', required: true },
  { key: 'port', type: 'number', required: true },
  { key: 'path' },
  { key: 'username' },
  { key: 'password', type: 'password' },
  { key: 'location' },
  { key: 'speakers' },
];

/**
 * Add a camera (by address, or filled in from discovery) or change one added at run time: test the
 * connection first (maker, model, firmware, profiles, clock offset, or why it failed), then save.
 */
export function CameraForm({ initial, mode, onSaved, onCancel }: { initial: CameraFormValue; mode: 'add' | 'edit'; onSaved: (id: string) => void; onCancel: () => void }) {
  const [form, setForm] = useState<CameraFormValue>(initial);
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = (key: keyof CameraFormValue, value: string) => setForm({ ...form, [key]: value });

  const runTest = async () => {
    setBusy('test');
    setError(null);
    setTest(null);
    try {
      setTest(await api<ConnectionTest>('/api/cameras/test', { method: 'POST', body: connectionBody(form) }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy('save');
    setError(null);
    const body = {
      ...connectionBody(form),
      name: form.name.trim(),
      ...(form.location.trim() ? { location: form.location.trim() } : {}),
      speakers: speakersOf(form),
    };
    try {
      if (mode === 'add') await api('/api/cameras', { method: 'POST', body: { id: form.id.trim(), ...body } });
      else await api(`/api/cameras/${encodeURIComponent(form.id)}`, { method: 'PATCH', body });
      onSaved(form.id.trim());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <form class="camera-form card" onSubmit={submit} aria-label={mode === 'add' ? t('camadmin.addTitle') : t('camadmin.editTitle', { name: initial.name })}>
      <h3>{mode === 'add' ? t('camadmin.addTitle') : t('camadmin.editTitle', { name: initial.name })}</h3>
      <div class="form-grid">
        {FIELDS.filter((f) => mode === 'add' || !f.addOnly).map((f) => (
          <label key={f.key}>
            {t(`camadmin.field.${f.key}`)}
            <input
              name={`camera-${f.key}`}
              type={f.type ?? 'text'}
              required={f.required === true}
              value={form[f.key]}
              placeholder={f.key === 'password' && mode === 'edit' ? t('camadmin.passwordUnchanged') : f.key === 'speakers' ? t('camadmin.speakersHint') : f.key === 'path' ? '/onvif/device_service' : ''}
              autoComplete={f.key === 'password' ? 'new-password' : 'off'}
              onInput={(e) => set(f.key, e.currentTarget.value)}
            />
          </label>
        ))}
      </div>
      <div class="actions">
        <button type="button" onClick={runTest} disabled={busy !== null || !form.host || !form.port}>
          {busy === 'test' ? t('camadmin.testing') : t('camadmin.test')}
        </button>
        <button type="submit" class="primary" disabled={busy !== null}>
          {mode === 'add' ? t('camadmin.add') : t('camadmin.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('gates.cancel')}
        </button>
      </div>
      {test && (
        <p class={test.ok ? 'ok test-result' : 'error test-result'} role="status" data-test-ok={String(test.ok)}>
          {test.ok
            ? t('camadmin.testOk', {
                device: [test.device?.manufacturer, test.device?.model].filter(Boolean).join(' ') || t('camadmin.unknownModel'),
                firmware: test.device?.firmwareVersion ?? '—',
                profiles: test.profiles.map((p) => `${p.name} ${p.width ?? '?'}×${p.height ?? '?'}`).join('，'),
                offset: Math.round((test.clockOffsetMs ?? 0) / 1000),
              })
            : test.code === 'camera_auth'
              ? t('camadmin.testAuth', { message: testMessage(test) })
              : t('camadmin.testFailed', { message: testMessage(test) })}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
