import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/broadcast/job.js';
import { inQuietHours, nextFire, type Schedule } from '../../src/broadcast/schedule-store.js';
import { waitFor } from '../helpers/wait.js';
import { startRig, type Rig } from './rig.js';

function cronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

describe('schedule rules', () => {
  it('computes the next fire time in the schedule\'s time zone', () => {
    const after = new Date('2026-11-24T08:00:00.000Z');
    expect(nextFire('30 9 * * *', 'UTC', after).toISOString()).toBe('2026-11-24T09:30:00.000Z');
    expect(nextFire('30 9 * * *', 'Asia/Shanghai', after).toISOString()).toBe('2026-11-25T01:30:00.000Z');
    expect(nextFire('*/15 * * * * *', 'UTC', after).toISOString()).toBe('2026-11-24T08:00:15.000Z');
    expect(() => nextFire('61 * * * *', null, after)).toThrow(/invalid cron expression/);
  });

  it('quiet hours may cross midnight', () => {
    const quiet = { start: '22:00', end: '07:00' };
    expect(inQuietHours(quiet, new Date('2026-11-24T23:10:00Z'), 'UTC')).toBe(true);
    expect(inQuietHours(quiet, new Date('2026-11-24T06:59:00Z'), 'UTC')).toBe(true);
    expect(inQuietHours(quiet, new Date('2026-11-24T07:00:00Z'), 'UTC')).toBe(false);
    expect(inQuietHours(quiet, new Date('2026-11-24T12:00:00Z'), 'UTC')).toBe(false);
    expect(inQuietHours({ start: '12:00', end: '14:00' }, new Date('2026-11-24T05:30:00Z'), 'Asia/Shanghai')).toBe(true);
    expect(inQuietHours(null, new Date(), 'UTC')).toBe(false);
  });
});

describe('scheduled publicity', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig([{ id: 'lobby', groups: ['all', 'building-a'] }]);
  });
  afterAll(async () => rig?.stop());

  it('fires at its time, persists, and plays on the target group', async () => {
    const fireAt = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000);
    const created = await rig.call<Schedule & { nextFireAt: string }>('/api/broadcast/schedules', {
      json: { name: 'lift maintenance', cron: cronAt(fireAt), timezone: 'UTC', targets: { groups: ['building-a'] }, content: { kind: 'tts', text: 'The lift is serviced today.' }, repeat: 2 },
      expect: 201,
    });
    expect(created).toMatchObject({ enabled: true, onPreempt: 'resume', repeat: 2, nextFireAt: fireAt.toISOString(), createdBy: 'officer' });
    const job = await waitFor(async () => (await rig.call<{ jobs: JobView[] }>('/api/broadcast/jobs')).jobs.find((j) => j.scheduleId === created.id), 6000, 'scheduled job');
    // It fired at its time: not before, and the record says which time it was for.
    expect(Date.parse(job.createdAt)).toBeGreaterThanOrEqual(fireAt.getTime());
    const stored = await rig.call<Schedule>(`/api/broadcast/schedules/${created.id}`);
    expect(stored.lastFiredAt).toBe(fireAt.toISOString());
    expect(job).toMatchObject({ class: 'scheduled', source: 'tts', repeat: 2, speakers: ['lobby'], createdBy: `schedule:${created.id}` });
    const done = await rig.waitJob(job.id, ['finished'], 20_000);
    expect(done.events.map((e) => e.event)).toEqual(['started', 'finished']);
    const admin = await rig.gw.login('admin');
    const audit = await rig.call<{ entries: Array<{ target: string; detail: { scheduledFor: string } }> }>('/api/audit?action=broadcast.schedule.fire', { token: admin });
    expect(audit.entries[0]).toMatchObject({ target: created.id, detail: { scheduledFor: fireAt.toISOString() } });
    await rig.call(`/api/broadcast/schedules/${created.id}`, { method: 'DELETE', expect: 204 });
  });

  it('does not play in quiet hours', async () => {
    const fireAt = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const created = await rig.call<Schedule>('/api/broadcast/schedules', {
      json: {
        name: 'night notice',
        cron: cronAt(fireAt),
        timezone: 'UTC',
        targets: { groups: ['all'] },
        content: { kind: 'tts', text: 'Good night.' },
        quietHours: { start: hhmm(new Date(fireAt.getTime() - 3600_000)), end: hhmm(new Date(fireAt.getTime() + 3600_000)) },
      },
      expect: 201,
    });
    await waitFor(async () => (await rig.call<Schedule>(`/api/broadcast/schedules/${created.id}`)).lastFiredAt === fireAt.toISOString(), 6000, 'schedule fired');
    await new Promise((r) => setTimeout(r, 300));
    expect((await rig.call<{ jobs: JobView[] }>('/api/broadcast/jobs')).jobs.filter((j) => j.scheduleId === created.id)).toEqual([]);
  });
});
