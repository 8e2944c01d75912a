import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { RUNNING_STATUSES, type Job } from '../../lib/broadcast.js';
import { translateMessage } from '../../i18n/messages.js';
import { onFeed } from '../../lib/feed.js';
import { canControl } from '../../lib/session.js';
import { deviceName } from '../../lib/site.js';
import { formatTime } from '../../lib/time.js';
import { useApi, useCoalesced } from '../../lib/use-api.js';
import { jobLabel } from '../../lib/words.js';

/** How a job ended, in the UI language (the English text for a job stored before it had a code). */
const endReason = (job: Job) => (job.reasonMessage && translateMessage(job.reasonMessage.messageCode, job.reasonMessage.params)) || job.reason;

/** Running jobs (with stop) and the latest finished ones; follows `broadcast/events` on the feed. */
export function JobList({ refreshKey }: { refreshKey: number }) {
  const jobs = useApi<{ jobs: Job[] }>('/api/broadcast/jobs?limit=20');
  const [error, setError] = useState<string | null>(null);
  const refresh = useCoalesced(jobs.reload, 300);
  useEffect(() => onFeed('broadcast/events', refresh), [refresh]);
  useEffect(() => {
    if (refreshKey > 0) jobs.reload();
  }, [refreshKey]);
  const stop = (job: Job) => api(`/api/broadcast/jobs/${encodeURIComponent(job.id)}/stop`, { method: 'POST', body: {} }).then(jobs.reload, (err: Error) => setError(err.message));
  const list = jobs.data?.jobs ?? [];
  return (
    <section aria-labelledby="jobs-title">
      <h3 id="jobs-title">{t('broadcast.jobs')}</h3>
      {(error ?? jobs.error) && (
        <p class="error" role="alert">
          {error ?? jobs.error}
        </p>
      )}
      <ul class="job-list" aria-live="polite">
        {list.map((job) => {
          const running = RUNNING_STATUSES.includes(job.status);
          return (
            <li key={job.id} data-job={job.id} data-status={job.status} class={running ? 'running' : ''}>
              <span class={`badge ${job.class}`}>{t(`broadcast.class.${job.class}` as MessageKey)}</span>
              <span class="job-label">{jobLabel(job)}</span>
              <span class="muted">
                {t(`broadcast.status.${job.status}` as MessageKey)} · {job.speakers.map(deviceName).join('、')} · {job.createdBy} · {formatTime(job.createdAt)}
              </span>
              {!running && endReason(job) && <span class="muted job-reason">{endReason(job)}</span>}
              {running && canControl() && (
                <button type="button" class="danger" onClick={() => stop(job)} aria-label={t('broadcast.stopJob', { label: jobLabel(job) })}>
                  {t('broadcast.stop')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {jobs.data && list.length === 0 && <p class="muted">{t('broadcast.noJobs')}</p>}
    </section>
  );
}
