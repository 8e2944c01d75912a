import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { hasTargets, type Job, type Targets } from '../../lib/broadcast.js';

/** Speaks a text (espeak-ng or the speakers' own TTS) on the chosen targets. */
export function TtsForm({ targets, alarm, onStarted, onError }: { targets: Targets; alarm: boolean; onStarted: (job: Job) => void; onError: (message: string) => void }) {
  const [text, setText] = useState('');
  const [language, setLanguage] = useState('');
  const [repeat, setRepeat] = useState(1);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!text.trim()) return;
    if (!hasTargets(targets)) return onError(t('broadcast.pickTargets'));
    setBusy(true);
    try {
      const job = await api<Job>('/api/broadcast/tts', { method: 'POST', body: { text: text.trim(), ...(language ? { language } : {}), ...targets, repeat, alarm } });
      onStarted(job);
    } catch (err) {
      onError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="tts" onSubmit={submit} aria-labelledby="tts-title">
      <h3 id="tts-title">{t('broadcast.tts')}</h3>
      <label>
        {t('broadcast.text')}
        <textarea name="tts-text" rows={3} maxLength={2000} required value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder={t('broadcast.textHint')} />
      </label>
      <div class="row">
        <label>
          {t('broadcast.language')}
          <select value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
            <option value="">{t('broadcast.lang.auto')}</option>
            <option value="zh">{t('broadcast.lang.zh')}</option>
            <option value="en">{t('broadcast.lang.en')}</option>
          </select>
        </label>
        <label>
          {t('broadcast.repeat')}
          <input type="number" min={1} max={20} value={repeat} onInput={(e) => setRepeat(Math.min(20, Math.max(1, Number(e.currentTarget.value) || 1)))} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {t('broadcast.speak')}
        </button>
      </div>
    </form>
  );
}
