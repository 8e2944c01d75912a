import { describe, expect, it } from 'vitest';
import { cronOf, nextRuns, zoneOfOffset } from '../../src/broadcast/schedule-when.js';
import { startTestGateway } from '../helpers/gateway.js';

describe('schedules without cron', () => {
  it('turns daily / weekdays / weekly / once into cron, in the site zone', () => {
    expect(cronOf({ kind: 'daily', time: '08:05' })).toBe('5 8 * * *');
    expect(cronOf({ kind: 'weekdays', time: '20:00' })).toBe('0 20 * * 1-5');
    expect(cronOf({ kind: 'weekly', time: '07:30', days: [6, 0, 6] })).toBe('30 7 * * 0,6');
    expect(cronOf({ kind: 'once', time: '19:00', date: '2026-12-24' })).toBe('0 19 24 12 *');
    expect(zoneOfOffset(480)).toBe('Etc/GMT-8');
    expect(zoneOfOffset(-300)).toBe('Etc/GMT+5');
    expect(zoneOfOffset(330)).toBeNull();
  });

  it('lists the next runs; a once schedule runs once, on its date in the site zone', () => {
    const after = new Date('2026-12-01T00:00:00Z');
    expect(nextRuns('0 20 * * *', 'Etc/GMT-8', null, after, 3).map((d) => d.toISOString())).toEqual(['2026-12-01T12:00:00.000Z', '2026-12-02T12:00:00.000Z', '2026-12-03T12:00:00.000Z']);
    const once = { kind: 'once', time: '19:00', date: '2026-12-24' } as const;
    expect(nextRuns(cronOf(once), 'Etc/GMT-8', once, after, 3).map((d) => d.toISOString())).toEqual(['2026-12-24T11:00:00.000Z']);
    expect(nextRuns(cronOf(once), 'Etc/GMT-8', once, new Date('2026-12-24T11:00:00Z'), 3)).toEqual([]);
  });

  it('the API stores when, answers next runs, and refuses a time in the past or no time at all with a clear 400', async () => {
    const gw = await startTestGateway({ config: { mqtt: { devices: [{ id: 'lobby-speaker', kind: 'speakers', password: 'pw-lobby-speaker-1', groups: ['all'] }] } } });
    try {
      const token = await gw.login('officer');
      const base = { name: '夜间提醒', targets: { groups: ['all'] }, content: { kind: 'tts', text: '请关好门窗' } };
      const created = await gw.api('/api/broadcast/schedules', { method: 'POST', token, json: { ...base, when: { kind: 'weekdays', time: '21:00' } } });
      expect(created.status).toBe(201);
      const body = (await created.json()) as { cron: string; timezone: string; nextRuns: string[] };
      expect(body).toMatchObject({ cron: '0 21 * * 1-5', timezone: 'Etc/GMT-8' });
      expect(body.nextRuns).toHaveLength(3);
      const past = await gw.api('/api/broadcast/schedules', { method: 'POST', token, json: { ...base, when: { kind: 'once', time: '08:00', date: '2020-01-01' } } });
      expect(past.status).toBe(400);
      expect(await past.json()).toMatchObject({ code: 'schedule_in_past' });
      const none = await gw.api('/api/broadcast/schedules', { method: 'POST', token, json: base });
      expect(none.status).toBe(400);
      expect(await none.json()).toMatchObject({ code: 'schedule_time_missing' });
      const badDay = await gw.api('/api/broadcast/schedules', { method: 'POST', token, json: { ...base, when: { kind: 'weekly', time: '08:00', days: [] } } });
      expect(badDay.status).toBe(400);
    } finally {
      await gw.stop();
    }
  });
});
