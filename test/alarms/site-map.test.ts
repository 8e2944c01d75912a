/**
 * The site map against a real gateway, a camera simulator and the alarm button simulator: the
 * upload is checked by its bytes and bounded; in Chromium an admin uploads a plan, drags a camera
 * and an alarm button onto it, a reload keeps their places, a button press makes the button's
 * marker flash (its alarm id on the marker and a running animation read from the page) until it is
 * acknowledged, and clicking the camera's marker opens its live picture.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import type { Alarm } from '../../src/alarms/model.js';
import { cameraEntry, fastCameraConfig, waitOnline } from '../cameras/helpers.js';
import { launchChromium } from '../helpers/browser.js';
import { loginThroughForm, waitForTilePlaying } from '../dashboard/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { startAlarmRig, type AlarmRig } from './rig.js';

/** A real PNG file of one colour (signature, IHDR, IDAT, IEND with their CRCs). */
function solidPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.alloc(1 + width * 3, 0xd0);
  row[0] = 0; // filter: none
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

let cam: RunningCamera;
let rig: AlarmRig;
let browser: Browser | undefined;
let admin: string;

beforeAll(async () => {
  cam = await startCameraSimulator({});
  rig = await startAlarmRig({
    config: {
      ...fastCameraConfig([cameraEntry('gate', cam, '东门')]),
      alarms: {
        devices: [{ id: 'btn-b3', name: '3号楼一键报警', location: '3号楼2单元', cameraId: 'gate' }],
        homes: [{ id: 'home-701', building: '7', unit: '1', room: '701', sensors: ['door-701'] }],
      },
    },
  });
  admin = await rig.gw.login('admin');
  await waitOnline(rig.gw, 'gate');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.stop();
  await cam?.stop();
});

const put = (path: string, json: unknown, token: string) => rig.gw.api(path, { method: 'PUT', token, json });

describe('site map', () => {
  it('checks the plan image by its bytes and size, and who may change the map', async () => {
    const viewer = await rig.gw.login('viewer');
    // nothing can be placed before there is a plan
    const early = await put('/api/site-map/placements/cameras/gate', { x: 0.5, y: 0.5 }, rig.officer);
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ messageCode: 'site-map.no-image-yet' });
    // a text file named as a picture is refused by its first bytes
    const fake = await put('/api/site-map/image', { base64: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64') }, admin);
    expect(fake.status).toBe(415);
    expect(await fake.json()).toMatchObject({ messageCode: 'site-map.image-type' });
    // over 5 MiB is refused (a PNG signature followed by padding)
    const big = Buffer.alloc(5 * 1024 * 1024 + 1);
    solidPng(1, 1).copy(big);
    const tooBig = await put('/api/site-map/image', { base64: big.toString('base64') }, admin);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ messageCode: 'site-map.image-too-big', params: { mib: 5 } });
    // only an admin uploads
    expect((await put('/api/site-map/image', { base64: solidPng(4, 4).toString('base64') }, rig.officer)).status).toBe(403);
    expect((await rig.gw.api('/api/site-map', { token: viewer })).status).toBe(200);
    expect((await rig.gw.api('/api/site-map/image', { token: viewer })).status).toBe(404);
    const jpegish = await put('/api/site-map/image', { base64: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toString('base64') }, admin);
    expect(jpegish.status).toBe(200);
    expect(await jpegish.json()).toMatchObject({ contentType: 'image/jpeg', bytes: 6, version: 1 });
    // an officer places, a viewer may not; fractions are bounded; unknown things are named
    expect((await put('/api/site-map/placements/cameras/gate', { x: 0.5, y: 0.5 }, viewer)).status).toBe(403);
    expect((await put('/api/site-map/placements/cameras/gate', { x: 1.5, y: 0.5 }, rig.officer)).status).toBe(400);
    const unknown = await put('/api/site-map/placements/cameras/nope', { x: 0.5, y: 0.5 }, rig.officer);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ messageCode: 'site-map.item-unknown' });
    expect((await put('/api/site-map/placements/rockets/gate', { x: 0.5, y: 0.5 }, rig.officer)).status).toBe(400);
    expect((await put('/api/site-map/placements/cameras/gate', { x: 0.1, y: 0.9 }, rig.officer)).status).toBe(200);
    expect((await rig.gw.api('/api/site-map/placements/cameras/gate', { method: 'DELETE', token: rig.officer })).status).toBe(204);
    const map = await rig.call<{ items: Array<{ kind: string; id: string; name: string }>; placements: unknown[] }>('/api/site-map');
    expect(map.placements).toEqual([]);
    expect(map.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'cameras', id: 'gate', name: '东门' }), expect.objectContaining({ kind: 'alarm-buttons', id: 'btn-b3', name: '3号楼一键报警' }), { kind: 'homes', id: 'home-701', name: '7-1-701', devices: ['door-701'] }]));
  });

  it('upload, drag a camera and a button onto the plan, reload, the button flashes on a press, the camera opens', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await loginThroughForm(page, rig.gw.url, 'admin');
    const openTab = async () => {
      await page.getByRole('tab', { name: /现场地图|Site map/ }).click();
      await page.waitForSelector('.site-map');
    };
    await openTab();
    await page.setInputFiles('input[name=plan]', { name: 'plan.png', mimeType: 'image/png', buffer: solidPng(800, 500) });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.site-map-plan img');
      return img !== null && img.complete && img.naturalWidth === 800;
    }, undefined, { timeout: 10_000 });

    const planBox = async () => (await page.locator('.site-map-plan').boundingBox())!;
    const dragTo = async (from: string, fx: number, fy: number) => {
      const src = (await page.locator(from).boundingBox())!;
      const plan = await planBox();
      await page.mouse.move(src.x + src.width / 2, src.y + src.height / 2);
      await page.mouse.down();
      await page.mouse.move(plan.x + plan.width * fx, plan.y + plan.height * fy, { steps: 8 });
      await page.mouse.up();
    };
    await dragTo('.site-palette-item[data-kind=cameras][data-id=gate]', 0.25, 0.4);
    await dragTo('.site-palette-item[data-kind=alarm-buttons][data-id=btn-b3]', 0.7, 0.6);
    const near = (a: number, b: number) => Math.abs(a - b) < 0.01;
    await waitFor(async () => {
      const map = await rig.call<{ placements: Array<{ kind: string; id: string; x: number; y: number }> }>('/api/site-map');
      const at = (id: string) => map.placements.find((p) => p.id === id);
      return at('gate') && near(at('gate')!.x, 0.25) && near(at('gate')!.y, 0.4) && at('btn-b3') && near(at('btn-b3')!.x, 0.7) && near(at('btn-b3')!.y, 0.6);
    }, 5000, 'both places stored');
    // move the button a little by dragging its marker
    await dragTo('.site-marker[data-id=btn-b3]', 0.75, 0.55);
    await waitFor(async () => {
      const map = await rig.call<{ placements: Array<{ id: string; x: number; y: number }> }>('/api/site-map');
      const b = map.placements.find((p) => p.id === 'btn-b3');
      return b && near(b.x, 0.75) && near(b.y, 0.55);
    }, 5000, 'the moved place stored');

    // a watched home placed by an officer elsewhere (it flashes for an alarm of its door sensor)
    expect((await put('/api/site-map/placements/homes/home-701', { x: 0.5, y: 0.2 }, rig.officer)).status).toBe(200);
    await page.reload();
    await openTab();
    await page.waitForSelector('.site-marker[data-id=gate]');
    const centreOf = async (selector: string) => {
      const box = (await page.locator(selector).locator('.site-marker-symbol').boundingBox())!;
      const plan = await planBox();
      return { x: (box.x + box.width / 2 - plan.x) / plan.width, y: (box.y + box.height / 2 - plan.y) / plan.height };
    };
    // the symbol sits above the name label, so its centre is a little above the place
    const gate = await centreOf('.site-marker[data-id=gate]');
    expect(Math.abs(gate.x - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(gate.y - 0.4)).toBeLessThan(0.05);
    const button = await centreOf('.site-marker[data-id=btn-b3]');
    expect(Math.abs(button.x - 0.75)).toBeLessThan(0.02);
    expect(Math.abs(button.y - 0.55)).toBeLessThan(0.05);
    expect(await page.locator('.site-marker[data-id=btn-b3] .site-marker-name').textContent()).toBe('3号楼一键报警');
    expect(await page.locator('.site-marker[data-id=btn-b3]').getAttribute('data-alarm')).toBeNull();
    await new Promise((r) => setTimeout(r, 300)); // the page's feed is connected

    await rig.button.press();
    const alarm = await waitFor(async () => (await rig.call<{ alarms: Alarm[] }>('/api/alarms?status=raised')).alarms.find((a) => a.device === 'btn-b3'), 5000, 'the alarm stored');
    await page.waitForSelector(`.site-marker[data-id=btn-b3][data-alarm="${alarm.id}"]`, { timeout: 5000 });
    const flashing = async (id: string) =>
      page.evaluate((markerId) => {
        const symbol = document.querySelector(`.site-marker[data-id="${markerId}"] .site-marker-symbol`)!;
        const running = symbol.getAnimations().filter((a) => a.playState === 'running').length;
        return { animation: getComputedStyle(symbol).animationName, running, background: getComputedStyle(symbol).backgroundColor };
      }, id);
    expect(await flashing('btn-b3')).toEqual({ animation: 'site-marker-flash', running: 1, background: 'rgb(198, 40, 40)' });
    expect((await flashing('gate')).running).toBe(0); // only the alarm's place flashes
    await rig.call(`/api/alarms/${alarm.id}/acknowledge`, { json: {} });
    await page.waitForSelector('.site-marker[data-id=btn-b3]:not([data-alarm])', { timeout: 5000 });
    expect((await flashing('btn-b3')).running).toBe(0);
    await rig.door.openCase(); // tamper on the home's door sensor
    await page.waitForSelector('.site-marker[data-kind=homes][data-id=home-701][data-alarm]', { timeout: 5000 });
    expect((await flashing('home-701')).running).toBe(1);

    await page.click('.site-marker[data-id=gate]');
    await page.waitForSelector('.site-map-video[data-camera=gate] .tile[data-camera=gate]', { timeout: 5000 });
    await waitForTilePlaying(page, 'gate', 20_000);
  }, 60_000);
});
