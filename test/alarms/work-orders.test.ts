/**
 * The 52022 clock with a fake clock: deadlines from assignment, a breach escalates once to the
 * grid's supervisor, statistics per worker and grid match a hand count, CSV; resident requests
 * and resolve with a photo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmsFeature, createAlarmsFeature } from '../../src/alarms/feature.js';
import type { WorkOrder } from '../../src/alarms/work-orders.js';
import { FEATURES } from '../../src/gateway.js';
import { startAlarmRig, type AlarmRig } from './rig.js';

const T0 = Date.parse('2026-12-01T09:00:00+08:00');
const clock = { t: T0, now: () => clock.t };
const MIN = 60_000;
let rig: AlarmRig;

beforeAll(async () => {
  rig = await startAlarmRig({
    features: FEATURES.map((f) => (f === alarmsFeature ? createAlarmsFeature({ clock }) : f)),
    config: {
      alarms: {
        grids: [
          { id: 'east', name: '东区网格', buildings: ['3', '4'], supervisor: '李书记' },
          { id: 'west', name: '西区网格', buildings: ['1'], supervisor: '李书记', supervisorUser: 'officer' },
        ],
        workers: [
          { id: 'wang', name: '王网格员', grid: 'east', phone: '13800000001', user: 'officer' },
          { id: 'zhao', name: '赵网格员', grid: 'west', user: 'officer2' },
        ],
      },
    },
  });
});
afterAll(async () => rig?.stop());

const create = (json: Record<string, unknown>) => rig.call<WorkOrder>('/api/work-orders', { json: { origin: 'resident', ...json } });
const step = (id: number, what: string, json: unknown = {}, token?: string) => rig.call<WorkOrder>(`/api/work-orders/${id}/${what}`, { json, ...(token ? { token } : {}) });

describe('work orders on the 52022 clock', () => {
  it('assigns to the grid worker, escalates a missed on-site deadline once, counts 19 min as within 20, and the statistics match a hand count', async () => {
    // A: east, on site at 3 min, resolved at 19 min (within both).
    clock.t = T0;
    const a = await create({ title: '楼道灯坏了', location: 'Building 3 unit 2', callerPhone: '13900000000' });
    expect(a).toMatchObject({ grid: 'east', worker: 'wang', status: 'assigned', assignedAt: T0 });
    // B: east, never on site (breach at 5 min).
    const b = await create({ title: '垃圾未清运', location: 'Building 4' });
    // C: west, on site at 7 min (late), resolved at 25 min (late).
    const c = await create({ title: '车辆违停', location: 'Building 1', origin: 'patrol' });
    expect(c).toMatchObject({ grid: 'west', worker: 'zhao', origin: 'patrol' });

    clock.t = T0 + 3 * MIN;
    await step(a.id, 'accept');
    await step(a.id, 'on-site');
    clock.t = T0 + 5 * MIN - 1;
    // Not yet: the deadline checker runs every second; let it run at this time.
    await new Promise((r) => setTimeout(r, 1200));
    let detail = await rig.call<WorkOrder & { history: Array<{ step: string; detail: string | null }> }>(`/api/work-orders/${b.id}`);
    expect(detail.breaches).toEqual([]);
    clock.t = T0 + 5 * MIN + 1;
    await new Promise((r) => setTimeout(r, 1200));
    detail = await rig.call(`/api/work-orders/${b.id}`);
    expect(detail.breaches).toEqual(['on-site']);
    expect(detail.history.filter((h) => h.step === 'breach:on-site')).toHaveLength(1);
    expect(detail.history.find((h) => h.step === 'breach:on-site')).toMatchObject({ detail: 'escalated to 李书记' });
    await new Promise((r) => setTimeout(r, 1200));
    detail = await rig.call(`/api/work-orders/${b.id}`);
    expect(detail.history.filter((h) => h.step === 'breach:on-site')).toHaveLength(1); // once

    // Only the assigned worker (or the grid's supervisor, or an admin) records steps: zhao (officer2) may not touch wang's order.
    const zhao = await rig.gw.login('officer2');
    const refused = await rig.gw.api(`/api/work-orders/${b.id}/on-site`, { method: 'POST', token: zhao, json: {} });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'not_assigned_worker', error: `work order ${b.id} is assigned to 王网格员: only 王网格员, the grid's supervisor or an admin may record its steps` });
    expect((await rig.call<WorkOrder>(`/api/work-orders/${b.id}`)).status).toBe('assigned');

    clock.t = T0 + 7 * MIN;
    await step(c.id, 'on-site', {}, zhao);
    clock.t = T0 + 19 * MIN;
    const resolvedA = await step(a.id, 'resolve', { note: '已更换灯泡', photo: { contentType: 'image/png', base64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]).toString('base64') } });
    expect(resolvedA).toMatchObject({ status: 'resolved', resolvedAt: T0 + 19 * MIN, note: '已更换灯泡' });
    expect(resolvedA.photo).toMatch(/\.png$/);
    await rig.call(`/api/work-orders/${b.id}/resolve`, { json: { note: 'x', photo: { contentType: 'image/jpeg', base64: Buffer.from('not a jpeg').toString('base64') } }, expect: 400 });
    clock.t = T0 + 25 * MIN;
    await step(c.id, 'resolve', { note: '已劝离' }); // officer: the west grid's supervisor login

    // Hand count at T0+25 min. wang: A (site 3 min, fixed 19 min) and B (no site: breached on site and small fix at 20 min).
    //   median to site = 180 s (only A arrived); on site within 5 min: 1 of 2 = 50 %; small fix within 20: 1 of 2 = 50 %.
    // zhao: C (site 7 min: late; fixed 25 min: late): median 420 s; 0 %; 0 %.
    const stats = await rig.call<{ byWorker: Array<Record<string, unknown>>; byGrid: Array<Record<string, unknown>> }>('/api/work-orders/statistics');
    expect(stats.byWorker).toEqual([
      { key: 'wang', name: '王网格员', orders: 2, medianToSiteS: 180, onSitePct: 50, smallFixPct: 50, complexPlanPct: null },
      { key: 'zhao', name: '赵网格员', orders: 1, medianToSiteS: 420, onSitePct: 0, smallFixPct: 0, complexPlanPct: null },
    ]);
    expect(stats.byGrid.map((g) => [g.key, g.onSitePct])).toEqual([
      ['east', 50],
      ['west', 0],
    ]);
    const csv = await (await rig.gw.api('/api/work-orders/statistics?format=csv', { token: rig.officer })).text();
    expect(csv).toContain('worker:wang,王网格员,2,180,50,50,');
  });
});
