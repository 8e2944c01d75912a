/**
 * The grids & workers page and the homes-under-watch page in Chromium (zh-CN, names not ids): a
 * worker added on the page and marked on duty gets the next work order of their grid; a home put
 * under watch on the page (door sensor and camera from the pickers, allowed hours) raises a warning
 * with its camera when its door opens outside those hours, and none inside them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import type { Alarm } from '../../src/alarms/model.js';
import type { WorkOrder } from '../../src/alarms/work-orders.js';
import { cameraEntry, fastCameraConfig, waitOnline } from '../cameras/helpers.js';
import { launchChromium } from '../helpers/browser.js';
import { loginThroughForm } from '../dashboard/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { startAlarmRig, type AlarmRig } from './rig.js';

let cam: RunningCamera;
let rig: AlarmRig;
let browser: Browser | undefined;

beforeAll(async () => {
  cam = await startCameraSimulator();
  rig = await startAlarmRig({
    doorName: '3号楼2单元701门磁',
    config: {
      ...fastCameraConfig([cameraEntry('gate', cam, '东门')]),
      alarms: { utcOffsetMinutes: 480, grids: [{ id: 'east', name: '东区网格', buildings: ['3'], supervisor: '李书记' }] },
    },
  });
  await waitOnline(rig.gw, 'gate');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.stop();
  await cam?.stop();
});

interface Listed {
  workers: Array<{ id: string; name: string; grid: string; onDuty: boolean; origin: string }>;
}

describe('grids, workers and homes on the pages', () => {
  it('a worker added and put on duty on the page gets the grid\'s next order; a home added on the page warns outside its hours', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, locale: 'zh-CN' });
    await loginThroughForm(page, rig.gw.url, 'admin');
    await page.click('[role=tab]:has-text("网格与网格员")');
    await page.waitForSelector('.grid-entry:has-text("东区网格") .from-config:has-text("来自配置文件")');

    // A worker, added off duty, then put on duty from the list.
    await page.fill('input[name=worker-name]', '赵网格员');
    await page.fill('input[name=worker-phone]', '13800000003');
    await page.selectOption('select[name=worker-grid]', { label: '东区网格' });
    await page.uncheck('.add-worker input[type=checkbox]');
    await page.click('.add-worker button[type=submit]');
    const row = page.locator('tr.worker-entry', { hasText: '赵网格员' });
    await row.waitFor();
    expect(await row.textContent()).toContain('东区网格');
    const added = (await rig.call<Listed>('/api/grids')).workers.find((w) => w.name === '赵网格员')!;
    expect(added).toMatchObject({ grid: 'east', onDuty: false, origin: 'page' });
    const offDuty = await rig.call<WorkOrder>('/api/work-orders', { json: { origin: 'resident', title: '楼道灯不亮', location: '3号楼2单元' } });
    expect(offDuty.worker).toBeNull();
    await row.locator('input.on-duty').check();
    await waitFor(async () => (await rig.call<Listed>('/api/grids')).workers.find((w) => w.id === added.id)?.onDuty === true, 5000, 'on duty');
    const order = await rig.call<WorkOrder>('/api/work-orders', { json: { origin: 'resident', title: '垃圾桶满了', location: '3号楼' } });
    expect(order).toMatchObject({ grid: 'east', worker: added.id, status: 'assigned' });

    // A home under watch, door sensor and camera picked by name, doors allowed 07:00-21:00.
    await page.click('[role=tab]:has-text("居家观察")');
    await page.fill('input[name=home-building]', '3');
    await page.fill('input[name=home-unit]', '2');
    await page.fill('input[name=home-room]', '701');
    await page.fill('input[name=home-residents]', '张三，李四');
    await page.selectOption('select[name=home-sensor]', { label: '3号楼2单元701门磁' });
    await page.selectOption('select[name=home-camera]', { label: '东门' });
    await page.fill('input[name=home-allowedFrom]', '07:00');
    await page.fill('input[name=home-allowedTo]', '21:00');
    await page.click('.add-home button[type=submit]');
    const home = page.locator('.home-entry', { hasText: '3号楼2单元701室' });
    await home.waitFor();
    expect(await home.getAttribute('data-state')).toBe('watched');
    expect(await home.textContent()).toContain('东门');

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    rig.door.setClock(new Date(`${today}T14:00:00+08:00`));
    await rig.door.open();
    await rig.door.close();
    rig.door.setClock(new Date(`${today}T02:00:00+08:00`));
    const night = await rig.door.open();
    expect(await rig.door.drained(5000)).toBe(true);
    const alarms = await waitFor(async () => {
      const { alarms } = await rig.call<{ alarms: Alarm[] }>('/api/alarms?source=watch');
      return alarms.length > 0 ? alarms : undefined;
    }, 5000, 'the watch warning');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ kind: 'watch-breach', severity: 'warning', location: '3-2-701', cameraId: 'gate', occurredAt: night.timestamp });

    // Ended early on the page: the next opening at night raises nothing.
    page.once('dialog', (d) => void d.accept());
    await home.locator('button.end-watch').click();
    await page.waitForSelector('.home-entry[data-state=ended]');
    await rig.door.close();
    await rig.door.open();
    expect(await rig.door.drained(5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect((await rig.call<{ alarms: Alarm[] }>('/api/alarms?source=watch')).alarms).toHaveLength(1);
  }, 60_000);
});
