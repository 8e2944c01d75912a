import { useEffect, useState } from 'preact/hooks';
import { alarmKindName } from '../../lib/alarm-kinds.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { alarmsVersion, closeAlarm, acknowledge, workOrderFrom } from '../../lib/alarms.js';
import { api } from '../../lib/api.js';
import { formatDateTime } from '../../lib/time.js';
import { translateMessage } from '../../i18n/messages.js';
import { useApi } from '../../lib/use-api.js';
import { AlarmClipButtons, type AlarmClip } from '../playback/AlarmClipButtons.js';

interface CodedMessage { messageCode: string; params: Record<string, string | number> }
interface DryRun { rule: string; fires: boolean; why: string; whyMessage?: CodedMessage; actions: string[]; actionMessages?: CodedMessage[] }
/** A coded message from the gateway in the page's language, else its English text. */
const shownMessage = (m: CodedMessage | undefined, english: string) => (m && translateMessage(m.messageCode, m.params)) || english;

interface AlarmRow {
  id: number;
  source: string;
  kind: string;
  severity: string;
  status: string;
  location: string | null;
  device: string | null;
  occurredAt: string;
  groupCount: number;
  rules: string[];
  clip?: AlarmClip | null;
}

const SOURCES = ['button', 'door', 'watch', 'camera', 'vision', 'barrier', 'access', 'device', 'manual'];
const STATUSES = ['raised', 'acknowledged', 'closed'];

/** The alarm list with filters, and the linkage rules editor with its dry run. */
export function AlarmsPanel() {
  const [status, setStatus] = useState('');
  const [source, setSource] = useState('');
  const query = new URLSearchParams({ ...(status ? { status } : {}), ...(source ? { source } : {}), limit: '200' });
  const list = useApi<{ alarms: AlarmRow[] }>(`/api/alarms?${query}`);
  useEffect(() => list.reload(), [alarmsVersion.value]);
  const act = (fn: () => Promise<unknown>) => () => void fn().then(list.reload, (err: Error) => alert(err.message));
  return (
    <div class="alarms-panel">
      <section class="card">
        <h2>{t('alarms.list')}</h2>
        <div class="filters">
          <label>
            {t('alarms.filter.status')}{' '}
            <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
              <option value="">{t('alarms.filter.all')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`alarms.status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('alarms.filter.source')}{' '}
            <select value={source} onChange={(e) => setSource((e.target as HTMLSelectElement).value)}>
              <option value="">{t('alarms.filter.all')}</option>
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {t(`alarms.source.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {list.error && <p class="error">{list.error}</p>}
        {list.data && list.data.alarms.length === 0 && <p class="muted">{t('alarms.none')}</p>}
        {list.data && list.data.alarms.length > 0 && (
          <table class="alarm-list">
            <thead>
              <tr>
                <th>{t('alarms.col.time')}</th>
                <th>{t('alarms.col.what')}</th>
                <th>{t('alarms.col.where')}</th>
                <th>{t('alarms.col.status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.alarms.map((a) => (
                <tr key={a.id} class={`severity-${a.severity}`} data-alarm={a.id}>
                  <td>
                    {formatDateTime(a.occurredAt)} <AlarmClipButtons clip={a.clip} />
                  </td>
                  <td>
                    {t(`alarms.source.${a.source}` as MessageKey)} · {alarmKindName(a.kind)}
                    {a.groupCount > 1 && <span class="badge"> ×{a.groupCount}</span>}
                  </td>
                  <td>{a.location ?? a.device ?? ''}</td>
                  <td>{t(`alarms.status.${a.status}` as MessageKey)}</td>
                  <td>
                    {a.status === 'raised' && (
                      <button type="button" onClick={act(() => acknowledge(a.id))}>
                        {t('alarms.ack')}
                      </button>
                    )}
                    {a.status !== 'closed' && (
                      <>
                        <button type="button" onClick={act(() => closeAlarm(a.id, 'false'))}>
                          {t('alarms.closeFalse')}
                        </button>
                        <button type="button" onClick={act(() => closeAlarm(a.id, 'handled'))}>
                          {t('alarms.closeHandled')}
                        </button>
                        <button type="button" onClick={act(() => workOrderFrom(a.id))}>
                          {t('alarms.workOrder')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <RulesEditor />
    </div>
  );
}

function RulesEditor() {
  const current = useApi<{ yaml: string }>('/api/alarm-rules');
  const [yaml, setYaml] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const text = yaml ?? current.data?.yaml ?? '';
  const save = () =>
    void api('/api/alarm-rules', { method: 'PUT', body: { yaml: text } }).then(
      () => setMessage(t('alarms.rules.saved')),
      (err: Error) => setMessage(err.message),
    );
  const dryRun = () =>
    void api<{ results: DryRun[] }>('/api/alarm-rules/dry-run', { method: 'POST', body: { yaml: text, alarm: { source: 'button', kind: 'press' } } }).then(
      (r) => setMessage(r.results.map((x) => `${x.rule}: ${x.fires ? x.actions.map((a, i) => shownMessage(x.actionMessages?.[i], a)).join('; ') : shownMessage(x.whyMessage, x.why)}`).join('\n')),
      (err: Error) => setMessage(err.message),
    );
  return (
    <section class="card">
      <h2>{t('alarms.rules')}</h2>
      <textarea class="rules-yaml" rows={14} spellcheck={false} value={text} onInput={(e) => setYaml((e.target as HTMLTextAreaElement).value)} />
      <div>
        <button type="button" class="primary" onClick={save}>
          {t('alarms.rules.save')}
        </button>
        <button type="button" title={t('alarms.rules.dryRunHint')} onClick={dryRun}>
          {t('alarms.rules.dryRun')}
        </button>
      </div>
      {message && <pre class="rules-message">{message}</pre>}
    </section>
  );
}
