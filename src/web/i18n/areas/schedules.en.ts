import type { schedulesZh } from './schedules.zh-CN.js';

/** Strings of the schedule timing (without cron) (English). */
export const schedulesEn: Record<keyof typeof schedulesZh, string> = {
  'sched.when': 'When it plays',
  'sched.repeat': 'Repeat',
  'sched.mode.daily': 'Every day',
  'sched.mode.weekdays': 'Weekdays (Monday to Friday)',
  'sched.mode.weekly': 'Some days of the week',
  'sched.mode.once': 'Once',
  'sched.mode.cron': 'Advanced (cron expression)',
  'sched.time': 'Time',
  'sched.date': 'Date',
  'sched.cronDesc': 'cron: {cron}',
  'sched.desc.daily': 'Every day at {time}',
  'sched.desc.weekdays': 'Weekdays at {time}',
  'sched.desc.weekly': 'Every {days} at {time}',
  'sched.desc.once': '{date} at {time} (once)',
  'sched.daySeparator': ', ',
  'sched.nextRuns': 'Next times',
  'sched.col.when': 'When',
};
