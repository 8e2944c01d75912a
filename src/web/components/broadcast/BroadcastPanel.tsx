import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import type { Job, Speaker, SpeakerGroup, Targets } from '../../lib/broadcast.js';
import { canControl } from '../../lib/session.js';
import { useApi } from '../../lib/use-api.js';
import { CameraSpeakerList } from './CameraSpeakerList.js';
import { ClipList } from './ClipList.js';
import { JobList } from './JobList.js';
import { ScheduleList } from './ScheduleList.js';
import { TargetPicker } from './TargetPicker.js';
import { TtsForm } from './TtsForm.js';

/** The broadcast tab: targets and priority, then TTS or a clip on them; running jobs; schedules. */
export function BroadcastPanel() {
  const speakers = useApi<{ speakers: Speaker[] }>('/api/broadcast/speakers');
  const groups = useApi<{ groups: SpeakerGroup[] }>('/api/broadcast/groups');
  const [targets, setTargets] = useState<Targets>({ speakers: [], groups: [] });
  const [alarm, setAlarm] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [started, setStarted] = useState(0);
  const onStarted = (job: Job) => {
    setMessage({ text: t('broadcast.started', { label: job.label, speakers: job.speakers.join(', ') }), error: false });
    setStarted((n) => n + 1);
  };
  const onError = (text: string) => setMessage({ text, error: true });
  const speakerList = speakers.data?.speakers ?? [];
  const groupList = groups.data?.groups ?? [];
  return (
    <div class="broadcast-panel">
      {canControl() && (
        <section class="card" aria-labelledby="announce-title">
          <h2 id="announce-title">{t('broadcast.title')}</h2>
          <TargetPicker idPrefix="announce" speakers={speakerList} groups={groupList} value={targets} onChange={setTargets} />
          <fieldset class="priority">
            <legend>{t('broadcast.priority')}</legend>
            <label class="check">
              <input type="radio" name="priority" value="manual" checked={!alarm} onChange={() => setAlarm(false)} />
              {t('broadcast.priority.manual')}
            </label>
            <label class="check">
              <input type="radio" name="priority" value="alarm" checked={alarm} onChange={() => setAlarm(true)} />
              {t('broadcast.priority.alarm')}
            </label>
          </fieldset>
          {message && (
            <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
              {message.text}
            </p>
          )}
          <TtsForm targets={targets} alarm={alarm} onStarted={onStarted} onError={onError} />
          <ClipList targets={targets} alarm={alarm} onStarted={onStarted} onError={onError} />
        </section>
      )}
      <section class="card" aria-label={t('broadcast.jobs')}>
        <JobList refreshKey={started} />
      </section>
      <section class="card" aria-label={t('broadcast.schedules')}>
        <ScheduleList speakers={speakerList} groups={groupList} />
      </section>
      <CameraSpeakerList />
    </div>
  );
}
