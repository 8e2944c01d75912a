import { formatDateTime } from '../../lib/time.js';
import { targetNames } from '../../lib/words.js';
import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import type { Clip, Schedule, Speaker, SpeakerGroup } from '../../lib/broadcast.js';
import { canControl } from '../../lib/session.js';
import { useApi } from '../../lib/use-api.js';
import { ScheduleForm } from './ScheduleForm.js';

/** In the site's time zone and the same form on every page. */
const when = (iso: string | null) => (iso ? formatDateTime(iso) : '—');

/** Publicity schedules with their next time; create, edit, delete. */
export function ScheduleList({ speakers, groups }: { speakers: readonly Speaker[]; groups: readonly SpeakerGroup[] }) {
  const schedules = useApi<{ schedules: Schedule[] }>('/api/broadcast/schedules');
  const clips = useApi<{ clips: Clip[] }>('/api/broadcast/clips');
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const control = canControl();
  const clipName = (id: string) => clips.data?.clips.find((c) => c.id === id)?.name ?? id;
  const remove = (s: Schedule) => {
    if (!confirm(t('broadcast.confirmDeleteSchedule', { name: s.name }))) return;
    api(`/api/broadcast/schedules/${encodeURIComponent(s.id)}`, { method: 'DELETE' }).then(schedules.reload, (err: Error) => setError(err.message));
  };
  return (
    <section aria-labelledby="schedules-title">
      <h3 id="schedules-title">{t('broadcast.schedules')}</h3>
      {(error ?? schedules.error) && (
        <p class="error" role="alert">
          {error ?? schedules.error}
        </p>
      )}
      <div class="table-scroll">
        <table class="schedules">
          <thead>
            <tr>
              <th scope="col">{t('broadcast.scheduleName')}</th>
              <th scope="col">{t('broadcast.cron')}</th>
              <th scope="col">{t('broadcast.content')}</th>
              <th scope="col">{t('broadcast.targets')}</th>
              <th scope="col">{t('broadcast.nextFire')}</th>
              {control && <th scope="col">{t('gates.lists.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {(schedules.data?.schedules ?? []).map((s) => (
              <tr key={s.id} data-schedule={s.id} class={s.enabled ? '' : 'muted'}>
                <td>{s.name}</td>
                <td>
                  <code>{s.cron}</code>
                </td>
                <td>{s.content.kind === 'tts' ? s.content.text : `♪ ${clipName(s.content.clipId)}`}</td>
                <td>{targetNames(s.targets)}</td>
                <td>{s.enabled ? when(s.nextFireAt) : t('broadcast.disabled')}</td>
                {control && (
                  <td class="row-actions">
                    <button type="button" onClick={() => setEditing(s)} aria-label={t('broadcast.editSchedule', { name: s.name })}>
                      {t('broadcast.edit')}
                    </button>
                    <button type="button" class="danger" onClick={() => remove(s)} aria-label={t('broadcast.deleteSchedule', { name: s.name })}>
                      {t('gates.lists.remove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {schedules.data?.schedules.length === 0 && <p class="muted">{t('broadcast.noSchedules')}</p>}
      </div>
      {control && editing === null && (
        <button type="button" onClick={() => setEditing('new')}>
          {t('broadcast.newSchedule')}
        </button>
      )}
      {editing !== null && (
        <ScheduleForm
          key={editing === 'new' ? 'new' : editing.id}
          editing={editing === 'new' ? null : editing}
          clips={clips.data?.clips ?? []}
          speakers={speakers}
          groups={groups}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            schedules.reload();
          }}
        />
      )}
    </section>
  );
}
