/**
 * Grids, grid workers and homes under watch over HTTP: who may change what, validation with message
 * codes (a home naming an unknown sensor or camera is refused), entries of the configuration file
 * read-only, the on-duty state used by the work-order assignment, and everything kept across a
 * restart of the gateway on the same data folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkOrder } from '../../src/alarms/work-orders.js';
import { DOOR, startAlarmRig, type AlarmRig } from './rig.js';

const dataDir = mkdtempSync(join(tmpdir(), 'cg-alarm-dir-'));
const config = {
  alarms: {
    grids: [{ id: 'east', name: '东区网格', buildings: ['3'], supervisor: '李书记' }],
    workers: [{ id: 'wang', name: '王网格员', grid: 'east' }],
  },
};
let rig: AlarmRig | undefined;

afterAll(async () => {
  await rig?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Listed {
  grids: Array<{ id: string; name: string; origin: string }>;
  workers: Array<{ id: string; name: string; grid: string; onDuty: boolean; origin: string }>;
}

describe('grids, workers and homes edited over HTTP', () => {
  it('checks roles and names, keeps the config entries read-only, assigns by on-duty state, and keeps it all across a restart', async () => {
    rig = await startAlarmRig({ config, dataDir });
    const admin = await rig.gw.login('admin');
    const viewer = await rig.gw.login('viewer');
    const code = async (path: string, init: { method?: string; json?: unknown; token: string }, status: number) => {
      const res = await rig!.gw.api(path, { method: init.method ?? 'POST', token: init.token, ...(init.json !== undefined ? { json: init.json } : {}) });
      const body = (await res.json().catch(() => ({}))) as { messageCode?: string; error?: string };
      expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(status);
      return body;
    };

    const before = await rig.call<Listed>('/api/grids', { token: viewer });
    expect(before.grids).toEqual([expect.objectContaining({ id: 'east', origin: 'config' })]);
    expect(before.workers).toEqual([expect.objectContaining({ id: 'wang', onDuty: true, origin: 'config' })]);

    // Grids: admins only; ids unique; the file's grid is read-only.
    const west = { id: 'west', name: '西区网格', buildings: ['8'], supervisor: '赵主任' };
    await code('/api/grids', { json: west, token: rig.officer }, 403);
    expect(await code('/api/grids', { json: { ...west, id: 'east' }, token: admin }, 409)).toMatchObject({ messageCode: 'directory.id-taken' });
    expect(await code('/api/grids', { json: { ...west, cameras: ['cam-nowhere'] }, token: admin }, 400)).toMatchObject({ messageCode: 'directory.camera-unknown' });
    expect(await code('/api/grids', { json: { id: 'x', name: '' }, token: admin }, 400)).toMatchObject({ messageCode: 'request.invalid' });
    expect(await code('/api/grids', { json: west, token: admin }, 201)).toMatchObject({ id: 'west', origin: 'page' });
    expect(await code('/api/grids/east', { method: 'PUT', json: { name: '改名', supervisor: '李书记' }, token: admin }, 409)).toMatchObject({ messageCode: 'directory.from-config' });
    expect(await code('/api/grids/west', { method: 'PUT', json: { ...west, id: undefined, name: '西区一网格' }, token: admin }, 200)).toMatchObject({ name: '西区一网格' });

    // Workers: admins add them, to a grid that exists; officers set who is on duty.
    const li = { id: 'li', name: '李网格员', phone: '13800000001', grid: 'west' };
    await code('/api/grid-workers', { json: li, token: rig.officer }, 403);
    expect(await code('/api/grid-workers', { json: { ...li, grid: 'north' }, token: admin }, 400)).toMatchObject({ messageCode: 'directory.grid-unknown' });
    expect(await code('/api/grid-workers', { json: li, token: admin }, 201)).toMatchObject({ id: 'li', onDuty: true, origin: 'page' });
    expect(await code('/api/grids/west', { method: 'DELETE', token: admin }, 409)).toMatchObject({ messageCode: 'directory.grid-has-workers' });
    await code('/api/grid-workers/wang/duty', { json: { onDuty: false }, token: viewer }, 403);
    expect(await code('/api/grid-workers/wang/duty', { json: { onDuty: false }, token: rig.officer }, 200)).toMatchObject({ id: 'wang', onDuty: false, origin: 'config' });
    expect(await code('/api/grid-workers/nobody/duty', { json: { onDuty: true }, token: rig.officer }, 404)).toMatchObject({ messageCode: 'directory.worker-not-found' });
    const eastOrder = await rig.call<WorkOrder>('/api/work-orders', { json: { origin: 'resident', title: '楼道灯坏了', location: '3号楼' } });
    expect(eastOrder).toMatchObject({ grid: 'east', worker: null, status: 'unassigned' }); // wang is off duty
    const westOrder = await rig.call<WorkOrder>('/api/work-orders', { json: { origin: 'resident', title: '井盖松动', location: '8号楼' } });
    expect(westOrder).toMatchObject({ grid: 'west', worker: 'li', status: 'assigned' });

    // Homes: officers add them; unknown or taken sensors, unknown cameras and reversed dates are refused.
    const home = { id: 'h-8-1-302', building: '8', unit: '1', room: '302', residents: ['周女士'], phone: '13900000002', sensors: [DOOR.id], watch: { from: '2026-01-01', to: '2026-01-14' }, allowedHours: [{ from: '08:00', to: '20:00' }] };
    await code('/api/homes', { json: home, token: viewer }, 403);
    expect(await code('/api/homes', { json: { ...home, sensors: ['door-nowhere'] }, token: rig.officer }, 400)).toMatchObject({ messageCode: 'directory.sensor-unknown' });
    expect(await code('/api/homes', { json: { ...home, sensors: [] }, token: rig.officer }, 400)).toMatchObject({ messageCode: 'directory.home-no-sensor' });
    expect(await code('/api/homes', { json: { ...home, cameraId: 'cam-nowhere' }, token: rig.officer }, 400)).toMatchObject({ messageCode: 'directory.camera-unknown' });
    expect(await code('/api/homes', { json: { ...home, watch: { from: '2026-01-14', to: '2026-01-01' } }, token: rig.officer }, 400)).toMatchObject({ messageCode: 'directory.watch-order' });
    expect(await code('/api/homes', { json: { ...home, allowedHours: [{ from: '25:00', to: '08:00' }] }, token: rig.officer }, 400)).toMatchObject({ messageCode: 'request.invalid' });
    expect(await code('/api/homes', { json: home, token: rig.officer }, 201)).toMatchObject({ id: home.id, origin: 'page', endedAt: null });
    expect(await code('/api/homes', { json: { ...home, id: 'h-other' }, token: rig.officer }, 409)).toMatchObject({ messageCode: 'directory.sensor-taken' });

    // Restart on the same data folder: everything added, and the on-duty state, are still there.
    await rig.stop();
    rig = await startAlarmRig({ config, dataDir });
    const after = await rig.call<Listed>('/api/grids');
    expect(after.grids.map((g) => [g.id, g.name, g.origin])).toEqual([
      ['east', '东区网格', 'config'],
      ['west', '西区一网格', 'page'],
    ]);
    expect(after.workers.map((w) => [w.id, w.onDuty, w.origin])).toEqual([
      ['wang', false, 'config'],
      ['li', true, 'page'],
    ]);
    const homes = await rig.call<{ homes: Array<{ id: string; sensors: string[]; origin: string }> }>('/api/homes');
    expect(homes.homes).toEqual([expect.objectContaining({ id: home.id, sensors: [DOOR.id], origin: 'page' })]);
    const ended = await rig.call<{ endedAt: number | null }>(`/api/homes/${home.id}/end-watch`, { json: {} });
    expect(ended.endedAt).toEqual(expect.any(Number));
  }, 60_000);
});
