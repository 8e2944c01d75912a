/**
 * The vision pages in real Chromium (zh-CN) against a real gateway analysing the camera simulator
 * (real ONVIF, RTSP, ffmpeg sampler, detector thread):
 * - the zone editor: a polygon drawn by clicks over the preset's snapshot, its kind chosen and
 *   saved, lands in the API with the clicked points (fractions of the picture) and the preset;
 *   switching it off and its time window are saved too;
 * - live boxes on the console's own tiles: off by default; switched on, the boxes of the person
 *   the simulator walks through the zone show over the tile (and the zone raises its intrusion);
 *   switched off, they are gone while the person is still tracked; the switch reads in zh-CN and en.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { cameraEntry, FAST_PTZ_SPEEDS, fastCameraConfig, waitOnline } from '../cameras/helpers.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { loginThroughForm, SCREENSHOTS, waitForTilePlaying } from '../dashboard/helpers.js';

interface Zone { id: string; cameraId: string; preset: string; name: string; kind: string; enabled: boolean; points: Array<[number, number]>; schedule: { days: number[]; from: string; to: string } | null; thresholdSec: number }
interface Live { tracks: Array<{ id: string; label: string; box: { x: number; y: number; w: number; h: number } }> }

/** The corners clicked, in fractions of the picture: the right half of the view, below the sky. */
const CORNERS: Array<[number, number]> = [[0.5, 0.15], [0.97, 0.15], [0.97, 0.97], [0.5, 0.97]];

describe('vision pages (Chromium, zh-CN)', () => {
  let sim: RunningCamera | undefined;
  let gw: TestGateway | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let admin: string;
  let presetToken = '';
  const zones = async (): Promise<Zone[]> => ((await (await gw!.api('/api/vision/zones?camera=lane', { token: admin })).json()) as { zones: Zone[] }).zones;

  beforeAll(async () => {
    sim = await startCameraSimulator({ name: 'Lane', ptzSpeeds: FAST_PTZ_SPEEDS, initialPosition: { panDeg: 0, tiltDeg: 0, zoom: 1 }, sub: { width: 640, height: 360, fps: 10, bitrateKbps: 512 }, main: { width: 640, height: 360, fps: 10, bitrateKbps: 512 } });
    gw = await startTestGateway({
      config: {
        ...fastCameraConfig([cameraEntry('lane', sim, '北门车道')]),
        vision: { enabled: true, fps: 2, settleMs: 500, poseIntervalMs: 250, debounceMs: 60_000 },
        streaming: { graceMs: 1000 },
      },
    });
    await waitOnline(gw, 'lane');
    admin = await gw.login('admin');
    const created = await gw.api('/api/cameras/lane/presets', { method: 'POST', token: admin, json: { name: '北门' } });
    expect(created.status).toBeLessThan(300);
    presetToken = ((await created.json()) as { token: string }).token;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
    await loginThroughForm(page, gw.url, 'admin');
    await page.getByRole('tab', { name: '智能分析' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await sim?.stop();
  });

  it('zone editor: a polygon clicked over the preset snapshot, its kind, on/off and time window reach the API', async () => {
    await page.getByRole('tab', { name: '智能分析' }).click();
    const panel = page.locator('.vision-panel');
    await waitFor(async () => (await panel.getByLabel('预置位').locator('option:checked').textContent()) === '北门', 10_000, 'the preset listed');
    const picture = panel.locator('.vision-editor img');
    await waitFor(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 15_000, 'the preset snapshot shown');
    const box = (await panel.locator('.vision-editor').boundingBox())!;
    for (const [x, y] of CORNERS) await page.mouse.click(box.x + x * box.width, box.y + y * box.height);
    await panel.getByText('已点 4 个点').waitFor();
    await panel.getByLabel('名称').fill('北门入口');
    await panel.getByLabel('类型').selectOption({ label: '徘徊' });
    await panel.getByLabel('时长（秒）').fill('45');
    await panel.getByRole('button', { name: '保存区域' }).click();
    await panel.locator('.vision-zones li', { hasText: '北门入口' }).waitFor({ timeout: 10_000 });

    let saved = (await zones()).find((z) => z.name === '北门入口')!;
    expect(saved).toMatchObject({ cameraId: 'lane', preset: presetToken, kind: 'loitering', enabled: true, thresholdSec: 45, schedule: null });
    expect(saved.points).toHaveLength(4);
    saved.points.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(CORNERS[i]![0], 2);
      expect(y).toBeCloseTo(CORNERS[i]![1], 2);
    });
    await waitFor(async () => (await panel.locator('.vision-editor svg polygon').count()) === 1, 5000, 'the zone drawn over the picture');

    // Off, then a time window: Mon-Fri 22:00-06:30 (passes midnight).
    const row = panel.locator('.vision-zones li', { hasText: '北门入口' });
    await row.getByLabel('启用').uncheck();
    await waitFor(async () => (await zones()).find((z) => z.id === saved.id)?.enabled === false, 5000, 'the zone switched off');
    await row.getByRole('button', { name: '时间段' }).click();
    await row.getByLabel('全天生效').uncheck();
    for (const day of ['六', '日']) await row.getByLabel(day, { exact: true }).uncheck();
    await row.getByLabel('从').fill('22:00');
    await row.getByLabel('到').fill('06:30');
    await row.getByRole('button', { name: '保存时间段' }).click();
    await waitFor(async () => (await zones()).find((z) => z.id === saved.id)?.schedule !== null, 5000, 'the time window saved');
    saved = (await zones()).find((z) => z.id === saved.id)!;
    expect(saved).toMatchObject({ enabled: false, kind: 'loitering', preset: presetToken, schedule: { days: [1, 2, 3, 4, 5], from: '22:00', to: '06:30' } });
    await page.screenshot({ path: `${SCREENSHOTS}/vision-zone-editor.png` });
  }, 60_000);

  it('live boxes on the console tile: off by default, the walking person boxed while switched on, gone when switched off', async () => {
    const made = await gw!.api('/api/vision/zones', { method: 'POST', token: admin, json: { cameraId: 'lane', preset: presetToken, name: '车道右侧', kind: 'intrusion', points: CORNERS } });
    expect(made.status).toBe(201);
    const events: Array<{ topic: string; at: number; pictureAt: number; zone: unknown }> = [];
    gw!.gateway.bus.on('camera.event', (e) => {
      if (e.topic.startsWith('vision/')) events.push({ topic: e.topic, at: Date.now(), pictureAt: Date.parse(String(e.at)), zone: (e.data as Record<string, unknown>).zone });
    });

    await page.getByRole('tab', { name: '视频监控' }).click();
    await waitForTilePlaying(page, 'lane');
    const tile = page.locator('.tile[data-camera=lane]');
    const toggle = page.getByRole('button', { name: '实时目标框' });
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await tile.locator('svg.vision-live-boxes').count()).toBe(0);
    await toggle.click();
    await waitFor(async () => (await tile.locator('svg.vision-live-boxes').count()) === 1, 5000, 'the boxes layer over the tile');

    // A photographed person walks left to right across the view (60 degrees in 16 s); his feet
    // cross into the zone (the right half) half-way, at 8 s.
    const started = Date.now();
    const walk = sim!.control.addMovingFigure({ look: 'person', heightDeg: 14, elevationDeg: -7, durationMs: 16_000 });
    const person = tile.locator('svg.vision-live-boxes g[data-label=person] rect');
    await person.first().waitFor({ timeout: 15_000 });
    const rect = (await person.first().boundingBox())!;
    const tileBox = (await tile.boundingBox())!;
    expect(rect.height).toBeGreaterThan(tileBox.height * 0.2);
    expect(rect.y).toBeGreaterThanOrEqual(tileBox.y);
    expect(rect.y + rect.height).toBeLessThanOrEqual(tileBox.y + tileBox.height + 1);
    await page.screenshot({ path: `${SCREENSHOTS}/vision-live-boxes.png` });

    await waitFor(() => events.some((e) => e.topic === 'vision/intrusion' && e.zone === '车道右侧'), 14_000, 'the intrusion of the walking person');
    const intrusion = events.find((e) => e.topic === 'vision/intrusion')!;
    const entered = started + 8000;
    console.log(`intrusion: picture ${intrusion.pictureAt - entered} ms, raised ${intrusion.at - entered} ms after the feet crossed into the zone`);
    // Raised for this zone while he was in it (he leaves the picture at 16 s). How soon is printed,
    // not asserted: on a loaded test machine the detector's wall time stretches it (1.7 s measured
    // once, 5.3-6.0 s with other tests running). The 2 s of the acceptance is asserted in picture
    // time by pipeline.test.ts and measured on the wall clock by the bench (event_p95_ms).
    expect(intrusion.pictureAt).toBeGreaterThan(entered - 1000);
    expect(intrusion.pictureAt).toBeLessThan(started + 16_000);
    expect(events.filter((e) => e.topic === 'vision/intrusion')).toHaveLength(1);

    // Off: the boxes go at once although the person is still tracked.
    await toggle.click();
    await waitFor(async () => (await tile.locator('svg.vision-live-boxes').count()) === 0, 2000, 'the boxes gone');
    const live = (await (await gw!.api('/api/vision/cameras/lane/live', { token: admin })).json()) as Live;
    expect(live.tracks.some((t) => t.label === 'person')).toBe(true);
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');

    // The switch in English, and remembered across a reload.
    await toggle.click();
    await page.getByLabel('语言').selectOption('en');
    const en = page.getByRole('button', { name: 'Live boxes' });
    await en.waitFor();
    expect(await en.getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await en.waitFor({ timeout: 15_000 });
    expect(await en.getAttribute('aria-pressed')).toBe('true');
    await tile.locator('svg.vision-live-boxes').waitFor({ timeout: 5000 });
    await page.getByRole('button', { name: 'Live boxes' }).click();
    await walk;
  }, 90_000);

  it('zone editor at another preset: says the picture is not that preset\'s view, and turns the camera there on request', async () => {
    // a second preset, looking the other way; the camera stays where it is (at 北门)
    sim!.control.setPosition({ panDeg: 120, tiltDeg: 0, zoom: 1 });
    const made = await gw!.api('/api/cameras/lane/presets', { method: 'POST', token: admin, json: { name: '南门' } });
    expect(made.status).toBeLessThan(300);
    const south = ((await made.json()) as { token: string }).token;
    sim!.control.setPosition({ panDeg: 0, tiltDeg: 0, zoom: 1 });
    // saving a preset took control of the camera for the test's own session: give it back
    expect((await gw!.api('/api/cameras/lane/lock', { method: 'DELETE', token: admin })).status).toBeLessThan(300);
    await page.locator('label.language select').selectOption('zh-CN'); // the test before ends in English
    await page.reload();
    await page.getByRole('tab', { name: '智能分析' }).click();
    const panel = page.locator('.vision-panel');
    const note = panel.locator('.vision-not-at-preset');
    await waitFor(async () => (await panel.getByLabel('预置位').locator('option').count()) === 2, 10_000, 'both presets listed');
    await panel.getByLabel('预置位').selectOption({ label: '北门' });
    await new Promise((r) => setTimeout(r, 6000)); // the editor reads where the camera stands (every 5 s)
    expect(await note.count()).toBe(0);
    await panel.getByLabel('预置位').selectOption({ label: '南门' });
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toContain('摄像机现在不在这个预置位');
    await note.getByRole('button', { name: '转到该预置位' }).click();
    await waitFor(() => Math.abs(sim!.state.ptz.panDeg - 120) < 1, 10_000, 'the camera at 南门').catch(async (err: Error) => {
      throw new Error(`${err.message}: pan ${sim!.state.ptz.panDeg}; the page says ${await panel.locator('.error, [role=alert]').allTextContents()}`);
    });
    await note.waitFor({ state: 'detached', timeout: 15_000 });
    // the picture is reloaded for the new view
    expect(await panel.locator('.vision-editor img').getAttribute('src')).toContain(`at=${encodeURIComponent(south)}`);
  }, 60_000);
});
