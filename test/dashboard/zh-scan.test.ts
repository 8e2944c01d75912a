/**
 * Every page of the dashboards in Chinese, with every kind of device in every state (camera online
 * and offline, barrier online and offline, speaker online, busy and offline), read as a person
 * reads it: no English sentence, no raw ASCII device id and no US-format date outside the
 * allow-list. The browser runs in New York time and an en-US locale, so a date in the browser's
 * own zone or locale would show.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { SpeakerFleet } from '../../simulators/speaker/fleet.js';
import { makeFleet } from '../access/helpers.js';
import { cameraEntry, fastCameraConfig } from '../cameras/helpers.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { SCREENSHOTS } from './helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BARRIERS = [
  { id: 'gate-north', password: 'pw-gate-north-secret', kind: 'vehicle' as const, name: '北门车行道闸', lanes: { 'lane-1': '入口车道' } },
  { id: 'gate-south', password: 'pw-gate-south-secret', kind: 'vehicle' as const, name: '南门车行道闸' },
];
const SPEAKERS = [
  { id: 'gate-east-speaker', password: 'pw-gate-east-speaker-1', groups: ['all', 'gate-east'], name: '东门音柱' },
  { id: 'lobby-speaker', password: 'pw-lobby-speaker-1', groups: ['all'], name: '大堂音柱' },
  { id: 'garage-speaker', password: 'pw-garage-speaker-1', groups: ['all'], name: '车库音柱' },
];
const IDS = ['cam-gate', 'cam-dead', ...BARRIERS.map((b) => b.id), 'lane-1', ...SPEAKERS.map((s) => s.id), 'gate-east'];
/** What may stay as it is: user names, units, product and protocol names, the zone. */
const ALLOWED = [/\badmin\b/g, /\bofficer\b/g, /\bEnglish\b/g, /\bCSV\b/g, /\bUTC[+-]\d\d:\d\d\b/g, /\bMiB\b/g, /\bsite\.name\b/g, /\bTTS\b/g, /\bPTZ\b/g];

describe('every page in zh-CN reads in Chinese', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-zh-scan-'));
  let camera: RunningCamera | undefined;
  let gw: TestGateway;
  let up: BarrierFleet | undefined;
  let speakers: SpeakerFleet | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  /** The text a person reads on the page (technical cells marked `.raw` left out), with the allowed words removed. */
  const readable = (p: Page) =>
    p.evaluate(() => {
      const clone = document.body.cloneNode(true) as HTMLElement;
      for (const raw of clone.querySelectorAll('.raw, script, style, option:not(:checked)')) raw.remove();
      document.body.append(clone);
      clone.style.position = 'absolute';
      const text = clone.innerText;
      clone.remove();
      return text;
    });

  const problems = (text: string): string[] => {
    let rest = text;
    for (const allowed of ALLOWED) rest = rest.replace(allowed, ' ');
    const found: string[] = [];
    for (const m of rest.matchAll(/[A-Za-z][A-Za-z']+(?:[ ,]+[A-Za-z][A-Za-z']+)+/g)) found.push(`English: "${m[0]}"`);
    for (const id of IDS) if (new RegExp(`(^|[^\\w-])${id}($|[^\\w-])`).test(rest)) found.push(`raw id: ${id}`);
    for (const m of rest.matchAll(/\b\d{1,2}\/\d{1,2}\/\d{2,4}\b|\b(AM|PM)\b/g)) found.push(`US date: "${m[0]}"`);
    return found;
  };

  const scan = async (p: Page, name: string) => {
    await p.screenshot({ path: join(SCREENSHOTS, `zh-scan-${name}.png`), fullPage: true });
    const text = await readable(p);
    writeFileSync(join(SCREENSHOTS, `zh-scan-${name}.txt`), text);
    expect(problems(text), name).toEqual([]);
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts'], { cwd: ROOT, stdio: 'pipe' });
    camera = await startCameraSimulator({ name: 'Gate camera' });
    gw = await startTestGateway({
      config: {
        ...fastCameraConfig([
          { ...cameraEntry('cam-gate', camera, '大门摄像机'), speakers: ['group:gate-east'] },
          { id: 'cam-dead', name: '车库摄像机', host: '127.0.0.1', port: 9, username: 'u', password: 'p' },
        ]),
        names: { groups: { all: '全部音柱', 'gate-east': '东门' } },
        mqtt: {
          devices: [
            ...BARRIERS.map((b) => ({ id: b.id, kind: 'barriers', password: b.password, groups: [], name: b.name, ...(b.lanes ? { lanes: b.lanes } : {}) })),
            ...SPEAKERS.map((s) => ({ id: s.id, kind: 'speakers', password: s.password, groups: s.groups, name: s.name })),
          ],
        },
      },
    });
    // gate-south and garage-speaker come online once, then go: offline (their last will).
    const gone = makeFleet([BARRIERS[1]!], { dataDir: join(dir, 'gone') });
    await gone.start(gw.mqttUrl);
    const goneSpeaker = new SpeakerFleet({ speakers: [SPEAKERS[2]!], baseTopic: gw.config.mqtt.baseTopic, dataDir: join(dir, 'gone-speaker') });
    await goneSpeaker.start({ mqttUrl: gw.mqttUrl });
    await waitFor(() => gw.gateway.presence.get('barriers', 'gate-south')?.availability === 'online' && gw.gateway.presence.get('speakers', 'garage-speaker')?.availability === 'online', 10_000, 'devices online once');
    await gone.stop();
    await goneSpeaker.stop();
    up = makeFleet([BARRIERS[0]!], { dataDir: join(dir, 'barriers') });
    await up.start(gw.mqttUrl);
    speakers = new SpeakerFleet({ speakers: SPEAKERS.slice(0, 2), baseTopic: gw.config.mqtt.baseTopic, dataDir: join(dir, 'speakers') });
    await speakers.start({ mqttUrl: gw.mqttUrl });
    const officer = await gw.login('officer');
    await waitFor(
      async () =>
        gw.gateway.presence.get('barriers', 'gate-north')?.availability === 'online' &&
        gw.gateway.presence.get('barriers', 'gate-south')?.availability === 'offline' &&
        gw.gateway.presence.get('speakers', 'garage-speaker')?.availability === 'offline' &&
        SPEAKERS.slice(0, 2).every((s) => gw.gateway.presence.get('speakers', s.id)?.availability === 'online') &&
        ((await (await gw.api('/api/cameras/cam-gate', { token: officer })).json()) as { online: boolean }).online,
      15_000,
      'devices in their states',
    );
    // An entry with a lane and a known reason, a busy speaker (a long announcement).
    await up.get('gate-north').present({ credential: { type: 'plate', value: '京A88888' }, direction: 'in', lane: 'lane-1' });
    const tts = await gw.api('/api/broadcast/tts', { method: 'POST', token: officer, json: { text: '请注意，小区今晚八点开始停水，请提前储水。'.repeat(4), speakers: ['lobby-speaker'], groups: [] } });
    expect(tts.status).toBeLessThan(300);

    browser = await launchChromium();
    context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US', viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    await context.route('**/player.html*', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>无视频</title>' }));
    await page.goto(gw.url);
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', 'admin-password-1');
    await page.click('button[type=submit]');
    await page.getByRole('tab', { name: '出入口' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await speakers?.stop();
    await up?.stop();
    await gw?.stop();
    await camera?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the checks working: English, ids and US dates are caught', () => {
    expect(problems('道闸 gate-north 离线')).toEqual(['raw id: gate-north']);
    expect(problems('the speakers are busy')).toHaveLength(1);
    expect(problems('12/1/2026, 8:00:00 PM')).toHaveLength(2);
    expect(problems('admin · 管理员 · UTC+08:00')).toEqual([]);
  });

  it('console tabs, the wall and the phone view', async () => {
    await page.locator('.grid-area .grid').first().waitFor();
    await scan(page, 'cameras');
    // The tour editor of a PTZ camera (a new tour, no steps yet).
    await page.click('.tile[data-camera="cam-gate"] .tile-select');
    await page.getByRole('button', { name: '新建巡航' }).click();
    await page.locator('input[name=tour-name]').waitFor();
    await scan(page, 'tour-editor');
    await page.getByRole('tab', { name: '出入口' }).click();
    await page.locator('.gate-feed table.entries tbody tr').first().waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('.gate-feed').innerText()).toContain('北门车行道闸 · 入口车道');
    await scan(page, 'gates');
    await page.getByRole('tab', { name: '广播喊话' }).click();
    await page.locator('[data-job]').first().waitFor();
    await expect.poll(() => page.locator('.targets').innerText()).toContain('东门音柱');
    await scan(page, 'broadcast');
    // The speakers are busy: the refusal says who is talking, in Chinese, from its message code.
    await page.locator('input[data-speaker=lobby-speaker]').first().check();
    await page.locator('textarea[name=tts-text]').fill('测试广播');
    await page.getByRole('button', { name: '开始播报' }).click();
    await expect.poll(() => page.locator('.broadcast [role=alert], [role=alert]').first().innerText()).toBe('音柱正忙：officer 发起的“普通”正在播放');
    // A job stopped by an officer: the list says how it ended, in Chinese, from its message code.
    const officer = await gw.login('officer');
    const running = (await (await gw.api('/api/broadcast/jobs?limit=20', { token: officer })).json()) as { jobs: Array<{ id: string; status: string }> };
    const playing = running.jobs.find((j) => j.status === 'playing')!;
    expect((await gw.api(`/api/broadcast/jobs/${playing.id}/stop`, { method: 'POST', token: officer, json: {} })).status).toBe(200);
    await expect.poll(() => page.locator(`[data-job="${playing.id}"] .job-reason`).innerText().catch(() => '')).toBe('officer 停止了播放');
    await scan(page, 'broadcast-ended');
    await page.getByRole('tab', { name: '设备状态' }).click();
    await expect.poll(() => page.locator('table.health').innerText()).toContain('车库音柱');
    await scan(page, 'health');
    await page.getByRole('tab', { name: '设备管理' }).click();
    await page.locator('tr[data-camera-row=cam-gate][data-status=online]').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('.devices-page').innerText()).toContain('车库音柱');
    await scan(page, 'devices');
    await page.getByRole('tab', { name: '系统管理' }).click();
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    await expect.poll(() => page.locator('.admin-audit tbody tr').count()).toBeGreaterThan(0);
    await scan(page, 'admin');
    // Every other tab, with an alarm raised from a tile: its pop-up, kind and time read in Chinese.
    expect((await gw.api('/api/alarms', { method: 'POST', token: officer, json: { cameraId: 'cam-gate', location: '东门岗亭' } })).status).toBe(201);
    await page.locator('.alarm-popup').waitFor({ timeout: 10_000 });
    await scan(page, 'alarm-popup');
    for (const [tab, name] of [['回放', 'playback'], ['报警', 'alarms'], ['工单', 'workorders'], ['现场地图', 'sitemap'], ['网格与网格员', 'grids'], ['居家观察', 'homes'], ['外来人员', 'visitors'], ['智能分析', 'vision']] as const) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      await scan(page, name);
    }

    const phone = await context.newPage();
    await phone.setViewportSize({ width: 400, height: 800 });
    await phone.goto(`${gw.url}/phone`);
    await phone.waitForLoadState('networkidle');
    await scan(phone, 'phone');
    await phone.close();

    const created = (await (await gw.api('/api/wall-tokens', { method: 'POST', token: await gw.login('admin'), json: { label: '值班室' } })).json()) as { token: string };
    const wall = await context.newPage();
    await wall.goto(`${gw.url}/wall?token=${created.token}`);
    await wall.locator('main.wall:not(.refused) .wall-header').waitFor();
    await expect.poll(() => wall.locator('.wall-header').innerText()).toContain('车库音柱');
    await scan(wall, 'wall');
    await wall.close();
  }, 150_000);
});
