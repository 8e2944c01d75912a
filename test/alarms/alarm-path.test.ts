/**
 * Alarm path against simulated devices over the real broker: a press is stored once (even when the
 * button sends it twice), acknowledged to the button; a watched home's door at 02:00 raises a
 * warning, at 14:00 it does not; a rule with a missing speaker or camera is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Alarm } from '../../src/alarms/model.js';
import { waitFor } from '../helpers/wait.js';
import { DOOR, startAlarmRig, type AlarmRig } from './rig.js';

let rig: AlarmRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe('alarm path', () => {
  it('stores a press once (a button that sends it twice), acknowledges it, and closes it', async () => {
    rig = await startAlarmRig({ behaviours: [{ name: 'duplicate' }], config: { alarms: { devices: [{ id: 'btn-b3', location: 'Building 3 unit 2' }] } } });
    const event = await rig.button.press();
    expect(await rig.button.drained(5000)).toBe(true);
    const alarms = await waitFor(async () => {
      const { alarms } = await rig!.call<{ alarms: Alarm[] }>('/api/alarms');
      return alarms.length > 0 ? alarms : undefined;
    });
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ source: 'button', kind: 'press', severity: 'critical', device: 'btn-b3', location: 'Building 3 unit 2', status: 'raised', occurredAt: event.timestamp });
    const acked = await rig.call<Alarm>(`/api/alarms/${alarms[0]!.id}/acknowledge`, { json: {} });
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'officer' });
    await rig.call(`/api/alarms/${alarms[0]!.id}/acknowledge`, { json: {}, expect: 409 });
    const closed = await rig.call<Alarm>(`/api/alarms/${alarms[0]!.id}/close`, { json: { as: 'false', note: 'child playing' } });
    expect(closed).toMatchObject({ status: 'closed', closedAs: 'false' });
  });

  it('a watched home: the door opened at 02:00 raises a warning, at 14:00 it does not; openings and the closing are in the daily log', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    rig = await startAlarmRig({
      config: {
        alarms: {
          utcOffsetMinutes: 480,
          homes: [{ id: 'home-701', building: '3', unit: '2', room: '701', residents: ['张三'], sensors: [DOOR.id], watch: { from: today, to: today }, allowedHours: [{ from: '07:00', to: '21:00' }] }],
        },
      },
    });
    rig.door.setClock(new Date(`${today}T14:00:00+08:00`));
    const dayOpen = await rig.door.open();
    const dayClose = await rig.door.close();
    rig.door.setClock(new Date(`${today}T02:00:00+08:00`));
    const night = await rig.door.open();
    expect(await rig.door.drained(5000)).toBe(true);
    const alarms = await waitFor(async () => {
      const { alarms } = await rig!.call<{ alarms: Alarm[] }>('/api/alarms');
      return alarms.length > 0 ? alarms : undefined;
    });
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ source: 'watch', kind: 'watch-breach', severity: 'warning', location: '3-2-701', occurredAt: night.timestamp });
    const log = await rig.call<{ days: Array<{ day: string; openings: number; closings: number; outsideHours: number; events: unknown[] }> }>('/api/homes/home-701/log');
    expect(log.days).toEqual([expect.objectContaining({ day: today, openings: 2, closings: 1, outsideHours: 1 })]);
    expect(log.days[0]!.events).toEqual([
      { at: night.timestamp, kind: 'open', allowed: false },
      { at: dayOpen.timestamp, kind: 'open', allowed: true },
      { at: dayClose.timestamp, kind: 'closed', allowed: true },
    ]);
  });

  it('refuses a rule that names a missing speaker or camera, with a clear message; a dry run shows what a rule would do', async () => {
    rig = await startAlarmRig();
    const admin = await rig.gw.login('admin');
    const bad = `
- id: east
  name: East door
  trigger: { source: button, kind: press }
  actions:
    - { type: speaker, speakers: [spk-missing], text: 请注意 }
    - { type: camera, camera: cam-missing, preset: door }
`;
    const res = await rig.gw.api('/api/alarm-rules', { method: 'PUT', token: admin, json: { yaml: bad } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; code: string };
    expect(body.code).toBe('rules_invalid');
    expect(body.error).toContain('there is no speaker "spk-missing"');
    expect(body.error).toContain('there is no camera "cam-missing"');
    const good = `
- id: east
  name: East door
  trigger: { source: button, kind: press, window: { from: '22:00', to: '06:00' } }
  actions:
    - { type: mqtt, message: one-key alarm }
    - { type: popup }
`;
    await rig.call('/api/alarm-rules', { method: 'PUT', token: admin, json: { yaml: good } });
    const dry = await rig.call<{ results: Array<{ rule: string; fires: boolean; why: string; actions: string[] }> }>('/api/alarm-rules/dry-run', {
      json: { alarm: { source: 'button', kind: 'press', occurredAt: '2026-12-01T02:00:00+08:00' } },
    });
    expect(dry.results).toEqual([expect.objectContaining({ rule: 'east', fires: true, actions: ['publish on alarms/linkage/<rule>', 'pop up on every console and wall'] })]);
    const day = await rig.call<{ results: Array<{ fires: boolean; why: string }> }>('/api/alarm-rules/dry-run', { json: { alarm: { source: 'button', kind: 'press', occurredAt: '2026-12-01T14:00:00+08:00' } } });
    expect(day.results[0]).toMatchObject({ fires: false, why: 'outside 22:00-06:00', whyMessage: { messageCode: 'rule-why.outside-window', params: { from: '22:00', to: '06:00' } } });
  });
});
