/**
 * Every-day tasks on the console without curl (issue 16, items 4-7), in real Chromium against a
 * real gateway with simulated cameras (one answers WS-Discovery on loopback) and barriers: the gates
 * page's CSV export, range, plates, offline barrier and quick reasons; a patrol tour made on the
 * page; a camera added from discovery; a schedule without cron. One gateway and one browser for all.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { parseCsv } from '../../src/access/csv.js';
import { barrierDevices, makeFleet } from '../access/helpers.js';
import { cameraEntry, FAST_PTZ_SPEEDS, fastCameraConfig } from '../cameras/helpers.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { freePort } from '../../src/core/net.js';
import { waitFor } from '../helpers/wait.js';
import { SCREENSHOTS, loginThroughForm, waitForTilePlaying } from './helpers.js';

const OFFSET_MIN = 480;
/** `2026-12-01 20:00:05`: what the page and the CSV show for an instant, in the site's offset. */
const siteTime = (iso: string) => new Date(Date.parse(iso) + OFFSET_MIN * 60_000).toISOString().slice(0, 19).replace('T', ' ');

describe('tasks from the page (Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-tasks-'));
  const { barriers, devices } = barrierDevices(2);
  let gate: RunningCamera | undefined;
  let spare: RunningCamera | undefined;
  let gw: TestGateway | undefined;
  let fleet: BarrierFleet | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let admin: string;

  beforeAll(async () => {
    const discoveryPort = await freePort();
    gate = await startCameraSimulator({ name: 'Gate camera', ptzSpeeds: FAST_PTZ_SPEEDS, sub: { width: 320, height: 180, fps: 10, bitrateKbps: 256 }, main: { width: 640, height: 360, fps: 10, bitrateKbps: 512 } });
    spare = await startCameraSimulator({ name: 'Spare', discovery: { port: discoveryPort }, sub: { width: 320, height: 180, fps: 10, bitrateKbps: 256 }, main: { width: 640, height: 360, fps: 10, bitrateKbps: 512 } });
    gw = await startTestGateway({
      config: {
        ...fastCameraConfig([cameraEntry('cam-gate', gate, '北门摄像机')], { discovery: { targets: [`127.0.0.1:${discoveryPort}`], maxDurationMs: 5000 } }),
        mqtt: { devices: [...devices, { id: 'lobby-speaker', kind: 'speakers', password: 'pw-lobby-speaker-1', groups: ['all'] }] },
        access: { commandTimeoutMs: 1500, utcOffsetMinutes: OFFSET_MIN, gateCameras: { 'gate-1': 'cam-gate' } },
        streaming: { graceMs: 1000 },
      },
    });
    fleet = makeFleet(barriers, { dataDir: join(dir, 'barriers'), timing: { openMs: 100, closeMs: 100, passMs: 600 } });
    await fleet.start(gw.mqttUrl);
    await waitFor(() => fleet!.barriers.every((b) => b.connected), 10_000, 'barriers connected');
    admin = await gw.login('admin');
    await waitFor(async () => ((await (await gw!.api('/api/cameras/cam-gate', { token: admin })).json()) as { online: boolean }).online, 10_000, 'camera online');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 }, acceptDownloads: true });
    await loginThroughForm(page, gw.url, 'admin');
    await page.getByRole('tab', { name: '出入口' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await gw?.stop();
    await gate?.stop();
    await spare?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gates: the CSV button exports the filtered entries (BOM, local time, plates in one spelling with the raw kept)', async () => {
    await page.getByRole('tab', { name: '出入口' }).click();
    await page.locator('[data-barrier=gate-1] .arm', { hasText: '已关闭' }).waitFor({ timeout: 10_000 });
    const b1 = fleet!.get('gate-1');
    const early = await b1.present({ credential: { type: 'plate', value: '京a 88888' }, direction: 'in' });
    await page.locator(`tr[data-event-id="${early.eventId}"]`).waitFor({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 2100));
    const cut = new Date(Date.now() - 1000);
    const late = await b1.present({ credential: { type: 'plate', value: '京A·88888' }, direction: 'out' });
    const other = await fleet!.get('gate-2').present({ credential: { type: 'plate', value: '京A88888' }, direction: 'in' });
    for (const e of [late, other]) await page.locator(`tr[data-event-id="${e.eventId}"]`).waitFor({ timeout: 5000 });
    // One plate whatever the spelling; the barrier's own spelling stays visible.
    await expect.poll(() => page.locator(`tr[data-event-id="${early.eventId}"] .credential`).innerText()).toBe('京A88888');
    expect(await page.locator(`tr[data-event-id="${late.eventId}"] .raw`).innerText()).toContain('京A·88888');

    // Filters: gate-1, from the cut (site time, to the second), the plate typed another way.
    await page.locator('form.filters select').first().selectOption('gate-1');
    await page.getByLabel('开始时间').fill(siteTime(cut.toISOString()).replace(' ', 'T'));
    await page.getByLabel('车牌/卡号', { exact: true }).first().fill('京a88 888');
    await expect.poll(() => page.locator('table.entries tbody tr').count()).toBe(1);
    await page.locator(`tr[data-event-id="${late.eventId}"]`).waitFor();
    const lateRow = await (await gw!.api(`/api/access/entries?gate=gate-1&credential=${encodeURIComponent('京a 88888')}`, { token: admin })).json() as { entries: Array<{ eventId: string; occurredAt: string }> };
    expect(lateRow.entries.map((e) => e.eventId).sort()).toEqual([early.eventId, late.eventId].sort());
    const occurredAt = lateRow.entries.find((e) => e.eventId === late.eventId)!.occurredAt;
    expect(await page.locator(`tr[data-event-id="${late.eventId}"] .time`).innerText()).toBe(siteTime(occurredAt));

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-export=csv]')]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    const header = rows[0]!;
    const data = rows.slice(1);
    expect(data).toHaveLength(1);
    const row = Object.fromEntries(header.map((h, i) => [h, data[0]![i]]));
    expect(row).toMatchObject({ event_id: late.eventId, gate: 'gate-1', credential_value: '京A88888', credential_raw: '京A·88888', occurred_local: siteTime(occurredAt), occurred_at: occurredAt });
    await page.screenshot({ path: join(SCREENSHOTS, 'gates-tasks.png') });
    await page.getByRole('button', { name: '清除筛选' }).click();
  }, 60_000);

  it('gates: the gate camera plays beside its buttons; a quick reason opens; an offline barrier shows offline with its buttons disabled', async () => {
    await waitForTilePlaying(page, 'cam-gate', 30_000);
    await page.locator('[data-barrier=gate-1] button', { hasText: '远程开闸' }).click();
    await page.locator('.quick-reasons button', { hasText: '访客' }).click();
    await page.getByRole('button', { name: '确认执行' }).click();
    await page.locator('.barriers [role=status]', { hasText: '已完成' }).waitFor({ timeout: 5000 });

    fleet!.get('gate-2').goOffline(15_000);
    const offline = page.locator('[data-barrier=gate-2][data-online=false]');
    await offline.waitFor({ timeout: 10_000 });
    expect(await offline.locator('.arm').innerText()).toContain('离线');
    expect(await offline.locator('button', { hasText: '远程开闸' }).isDisabled()).toBe(true);
  }, 60_000);

  it('gates: an admin imports a list from CSV on the page; plates are stored in one spelling', async () => {
    const file = join(dir, 'list.csv');
    await import('node:fs').then((fs) => fs.writeFileSync(file, 'list,type,value,note\nallow,plate,京b 12345,业主\ndeny,plate,豫C·99999,\n'));
    await page.setInputFiles('input[name=list-csv]', file);
    await page.locator('.list-import [role=status]', { hasText: '已导入 2 条' }).waitFor({ timeout: 5000 });
    await page.locator('tr[data-item="京B12345"]').waitFor();
    await page.locator('tr[data-item="豫C99999"]').waitFor();
  });

  it('cameras: one found by discovery is tested, added from the page, comes online on the device page and plays', async () => {
    await page.getByRole('tab', { name: '设备管理' }).click();
    await page.locator('tr[data-camera-row=cam-gate][data-status=online]').waitFor({ timeout: 10_000 });
    // Maker and firmware arrive a moment later (read over a connection of their own).
    await expect.poll(() => page.locator('tr[data-camera-row=cam-gate]').innerText(), { timeout: 10_000 }).toContain('1.0.0-sim');
    await page.getByRole('button', { name: '搜索局域网内的摄像机' }).click();
    const found = page.locator(`li[data-found="${spare!.urls.host}:${spare!.urls.onvifPort}"]`);
    await found.waitFor({ timeout: 10_000 });
    await found.getByRole('button', { name: '添加这台' }).click();
    await page.fill('input[name=camera-username]', spare!.credentials.username);
    await page.fill('input[name=camera-password]', 'wrong-password-1');
    await page.getByRole('button', { name: '测试连接' }).click();
    await page.locator('.test-result[data-test-ok=false]', { hasText: '拒绝' }).waitFor({ timeout: 10_000 });
    await page.fill('input[name=camera-password]', spare!.credentials.password);
    await page.getByRole('button', { name: '测试连接' }).click();
    await page.locator('.test-result[data-test-ok=true]').waitFor({ timeout: 10_000 });
    await page.fill('input[name=camera-name]', '备用摄像机');
    await page.getByRole('button', { name: '添加', exact: true }).click();
    const row = page.locator('tr[data-camera-row=spare][data-status=online]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toContain('备用摄像机');
    await page.screenshot({ path: join(SCREENSHOTS, 'devices-page.png') });
    // Kept in the database (not the config file): a new gateway on the same data would start it.
    const stored = gw!.gateway.database.db.prepare('SELECT id, name, password FROM cameras').all() as Array<{ id: string; name: string; password: string }>;
    expect(stored).toMatchObject([{ id: 'spare', name: '备用摄像机' }]);
    expect(stored[0]!.password).not.toContain(spare!.credentials.password);

    await page.getByRole('tab', { name: '视频监控' }).click();
    await waitForTilePlaying(page, 'spare', 45_000);
  }, 90_000);

  it('tours: a tour made on the page (presets, dwell, order by drag) runs on the camera in that order; paused shows', async () => {
    const call = (path: string, method = 'GET', json?: unknown, token = admin) => gw!.api(path, { method, token, ...(json !== undefined ? { json } : {}) });
    const idle = () => waitFor(() => gate!.state.ptz.panTiltStatus === 'IDLE', 5000, 'the camera to stop');
    for (const [x, name] of [[0.5, '东门'], [0, '路口'], [-0.5, '停车场']] as const) {
      expect((await call('/api/cameras/cam-gate/ptz/absolute', 'POST', { x, y: 0 })).status).toBe(200);
      await idle();
      expect((await call('/api/cameras/cam-gate/presets', 'POST', { name })).status).toBe(201);
    }
    expect((await call(`/api/cameras/cam-gate/presets/${encodeURIComponent('东门')}/goto`, 'POST', {})).status).toBe(200);
    await idle();
    await call('/api/cameras/cam-gate/lock', 'DELETE');

    await page.getByRole('tab', { name: '视频监控' }).click();
    await page.click('.tile[data-camera="cam-gate"] .tile-select');
    await page.getByRole('button', { name: '新建巡航' }).click();
    await page.fill('input[name=tour-name]', '夜间巡逻');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: '添加步骤' }).click();
    for (let i = 1; i <= 3; i++) await page.fill(`input[name=dwell-${i}]`, '0.5');
    const order = () => page.locator('ol.tour-steps > li').evaluateAll((items) => items.map((li) => li.getAttribute('data-preset')));
    expect(await order()).toEqual(['东门', '路口', '停车场']);
    // Drag step 3 onto step 1 with the mouse (both in view, so nothing scrolls mid-drag).
    await page.locator('ol.tour-steps').scrollIntoViewIfNeeded();
    const from = (await page.locator('ol.tour-steps > li[data-step="3"] .drag-handle').boundingBox())!;
    const to = (await page.locator('ol.tour-steps > li[data-step="1"] .drag-handle').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
    await page.mouse.up();
    expect(await order()).toEqual(['停车场', '东门', '路口']);
    await page.getByRole('button', { name: '保存巡航' }).click();
    await page.locator('li[data-tour="夜间巡逻"]').waitFor();
    const saved = (await (await call('/api/cameras/cam-gate/tours')).json()) as { tours: Array<{ name: string; steps: Array<{ presetName: string; dwellMs: number }> }> };
    expect(saved.tours[0]!.steps).toEqual([
      { presetName: '停车场', presetToken: expect.any(String), dwellMs: 500 },
      { presetName: '东门', presetToken: expect.any(String), dwellMs: 500 },
      { presetName: '路口', presetToken: expect.any(String), dwellMs: 500 },
    ]);

    const arrivals: number[] = [];
    let wasMoving = false;
    const sampler = setInterval(() => {
      const s = gate!.state.ptz;
      const moving = s.panTiltStatus === 'MOVING';
      if (wasMoving && !moving) arrivals.push(Math.round(s.panDeg) % 360);
      wasMoving = moving;
    }, 5);
    try {
      await page.getByRole('button', { name: '开始巡航 夜间巡逻' }).click();
      await waitFor(() => arrivals.length >= 4, 15_000, 'four arrivals');
      expect(arrivals.slice(0, 4)).toEqual([270, 90, 0, 270]);
    } finally {
      clearInterval(sampler);
    }
    await page.locator('.tour-status', { hasText: '夜间巡逻' }).waitFor();
    // Someone takes the camera: the panel says the tour is paused.
    const officer = await gw!.login('officer');
    expect((await call('/api/cameras/cam-gate/lock', 'POST', {}, officer)).status).toBe(200);
    await page.locator('.tour-status[data-phase=paused]', { hasText: '已暂停' }).waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'tour-editor.png') });
    await call('/api/cameras/cam-gate/lock', 'DELETE', undefined, officer);
    await page.getByRole('button', { name: '停止巡航' }).click();

    // Time windows: edit the tour, add a window on weekdays, save; the gateway keeps it.
    await page.getByRole('button', { name: '修改巡航 夜间巡逻' }).click();
    await page.getByRole('button', { name: '添加时段' }).click();
    await page.locator('.tour-window label.day', { hasText: '六' }).locator('input').uncheck();
    await page.locator('.tour-window label.day', { hasText: '日' }).locator('input').uncheck();
    await page.getByRole('button', { name: '保存巡航' }).click();
    await expect.poll(async () => ((await (await call('/api/cameras/cam-gate/tours')).json()) as { tours: Array<{ windows: unknown[] }> }).tours[0]!.windows).toEqual([{ from: '08:00', to: '18:00', days: [1, 2, 3, 4, 5] }]);
  }, 90_000);

  it('schedules: one made without cron (weekly at a time) shows its next runs in site time', async () => {
    await page.getByRole('tab', { name: '广播喊话' }).click();
    await page.getByRole('button', { name: '新建定时宣传' }).click();
    const form = page.locator('form.schedule-form');
    await form.getByLabel('名称').fill('周末卫生提醒');
    await form.locator('select[name=schedule-mode]').selectOption('weekly');
    await form.locator('input[name=schedule-time]').fill('20:30');
    // At least one day stays ticked: add Saturday and Sunday, then untick Monday (the default).
    await form.locator('input[name=schedule-day-6]').check();
    await form.locator('input[name=schedule-day-0]').check();
    await form.locator('input[name=schedule-day-1]').uncheck();
    await form.getByLabel('播报内容').fill('请把垃圾分类投放');
    await form.locator('#schedule-g-all').check();
    await form.getByRole('button', { name: '保存' }).click();
    const row = page.locator('tr[data-schedule]', { hasText: '周末卫生提醒' });
    await row.waitFor({ timeout: 5000 });
    expect(await row.locator('.schedule-when').innerText()).toBe('每周六、日 20:30');
    const list = (await (await gw!.api('/api/broadcast/schedules', { token: admin })).json()) as { schedules: Array<{ name: string; cron: string; timezone: string; when: unknown; nextRuns: string[] }> };
    const saved = list.schedules.find((s) => s.name === '周末卫生提醒')!;
    expect(saved).toMatchObject({ cron: '30 20 * * 0,6', timezone: 'Etc/GMT-8', when: { kind: 'weekly', time: '20:30', days: [6, 0] } });
    expect(saved.nextRuns).toHaveLength(3);
    for (const run of saved.nextRuns) {
      const local = new Date(Date.parse(run) + OFFSET_MIN * 60_000);
      expect([0, 6]).toContain(local.getUTCDay());
      expect(local.toISOString().slice(11, 16)).toBe('20:30');
    }
    const shown = await row.locator('.next-runs div').allInnerTexts();
    expect(shown).toEqual(saved.nextRuns.map((r) => siteTime(r).slice(0, 16)));
  }, 30_000);
});
