import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import type { Clip, Schedule, ScheduleInput, Speaker, SpeakerGroup } from '../../lib/broadcast.js';
import { TargetPicker } from './TargetPicker.js';
import { ScheduleTiming } from '../schedules/ScheduleTiming.js';

const BLANK: ScheduleInput = {
  name: '',
  when: { kind: 'daily', time: '09:00' },
  timezone: null,
  targets: { speakers: [], groups: [] },
  content: { kind: 'tts', text: '' },
  repeat: 1,
  volume: null,
  quietHours: null,
  onPreempt: 'resume',
  enabled: true,
};

/** The editable fields of a schedule (the rest is kept as it was). */
function inputOf(s: Schedule): ScheduleInput {
  return { name: s.name, ...(s.when ? { when: s.when } : { cron: s.cron, when: null }), timezone: s.timezone, targets: s.targets, content: s.content, repeat: s.repeat, volume: s.volume, quietHours: s.quietHours, onPreempt: s.onPreempt, enabled: s.enabled };
}

/** Create or edit a schedule: name, cron, content (text or clip), targets, repeat, quiet hours, enabled. */
export function ScheduleForm({ editing, clips, speakers, groups, onSaved, onCancel }: {
  editing: Schedule | null;
  clips: readonly Clip[];
  speakers: readonly Speaker[];
  groups: readonly SpeakerGroup[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<ScheduleInput>(editing ? inputOf(editing) : BLANK);
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<ScheduleInput>) => setForm({ ...form, ...patch });
  const quiet = form.quietHours;
  const submit = (event: Event) => {
    event.preventDefault();
    const request = editing ? api(`/api/broadcast/schedules/${encodeURIComponent(editing.id)}`, { method: 'PUT', body: form }) : api('/api/broadcast/schedules', { method: 'POST', body: form });
    request.then(onSaved, (err: Error) => setError(err.message));
  };
  return (
    <form class="schedule-form card" onSubmit={submit} aria-labelledby="schedule-form-title">
      <h4 id="schedule-form-title">{editing ? t('broadcast.editSchedule', { name: editing.name }) : t('broadcast.newSchedule')}</h4>
      <div class="row">
        <label>
          {t('broadcast.scheduleName')}
          <input required maxLength={200} value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />
        </label>
        <label>
          {t('broadcast.repeat')}
          <input type="number" min={1} max={20} value={form.repeat} onInput={(e) => set({ repeat: Math.min(20, Math.max(1, Number(e.currentTarget.value) || 1)) })} />
        </label>
      </div>
      <ScheduleTiming
        when={form.when}
        cron={form.cron ?? null}
        onChange={(timing) => setForm({ ...form, ...(timing.when ? { when: timing.when, cron: undefined, timezone: null } : { when: null, cron: timing.cron ?? '' }) })}
      />
      <div class="row">
        <label>
          {t('broadcast.content')}
          <select value={form.content.kind} onChange={(e) => set({ content: e.currentTarget.value === 'clip' ? { kind: 'clip', clipId: clips[0]?.id ?? '' } : { kind: 'tts', text: '' } })}>
            <option value="tts">{t('broadcast.tts')}</option>
            <option value="clip">{t('broadcast.clip')}</option>
          </select>
        </label>
        {form.content.kind === 'tts' ? (
          <label class="grow">
            {t('broadcast.text')}
            <input required maxLength={2000} value={form.content.text} onInput={(e) => set({ content: { kind: 'tts', text: e.currentTarget.value } })} />
          </label>
        ) : (
          <label class="grow">
            {t('broadcast.clip')}
            <select required value={form.content.clipId} onChange={(e) => set({ content: { kind: 'clip', clipId: e.currentTarget.value } })}>
              {clips.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <TargetPicker idPrefix="schedule" speakers={speakers} groups={groups} value={form.targets} onChange={(targets) => set({ targets })} />
      <div class="row">
        <label class="check">
          <input type="checkbox" checked={quiet !== null} onChange={(e) => set({ quietHours: e.currentTarget.checked ? { start: '22:00', end: '07:00' } : null })} />
          {t('broadcast.quietHours')}
        </label>
        {quiet && (
          <>
            <label>
              {t('broadcast.quietFrom')}
              <input type="time" required value={quiet.start} onInput={(e) => set({ quietHours: { ...quiet, start: e.currentTarget.value } })} />
            </label>
            <label>
              {t('broadcast.quietTo')}
              <input type="time" required value={quiet.end} onInput={(e) => set({ quietHours: { ...quiet, end: e.currentTarget.value } })} />
            </label>
          </>
        )}
        <label class="check">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
          {t('broadcast.enabled')}
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={onCancel}>
          {t('gates.cancel')}
        </button>
        <button type="submit" class="primary">
          {t('broadcast.save')}
        </button>
      </div>
    </form>
  );
}
