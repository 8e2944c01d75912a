/**
 * The officer console's gate panel, broadcast panel and push-to-talk in real Chromium, against a
 * real gateway with simulated barriers, speakers and an ONVIF camera. Video tiles are not loaded
 * (the player page is answered with an empty page): these tests are about the panels.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { SpeakerFleet } from '../../simulators/speaker/fleet.js';
import { parseWav } from '../../src/broadcast/codecs/wav.js';
import type { JobView } from '../../src/broadcast/job.js';
import { barrierDevices, makeFleet } from '../access/helpers.js';
import { goertzelShare, makeToneWav, zeroCrossingFrequency } from '../broadcast/tone.js';
import { cameraEntry, fastCameraConfig } from '../cameras/helpers.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const SPEAKERS = [
  { id: 'gate-east-speaker', password: 'pw-gate-east-speaker-1', groups: ['all', 'gate-east'] },
  { id: 'lobby-speaker', password: 'pw-lobby-speaker-1', groups: ['all'] },
];

describe('console panels in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-panels-'));
  const { barriers, devices } = barrierDevices(2);
  let camera: RunningCamera | undefined;
  let gw: TestGateway | undefined;
  let gates: BarrierFleet | undefined;
  let speakers: SpeakerFleet | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let officer: string;

  const api = async <T,>(path: string): Promise<T> => {
    const res = await gw!.api(path, { token: officer });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const job = (id: string) => api<JobView>(`/api/broadcast/jobs/${id}`);

  beforeAll(async () => {
    // The dashboards (src/web/dist) are built once by test/global-setup.ts: a rebuild here emptied
    // the folder under the other browser tests running at the same time (their pages got a 503).
    camera = await startCameraSimulator({ name: 'East gate' });
    gw = await startTestGateway({
      config: {
        ...fastCameraConfig([{ ...cameraEntry('east', camera, '东门'), speakers: ['group:gate-east'] }]),
        mqtt: { devices: [...devices, ...SPEAKERS.map((s) => ({ id: s.id, kind: 'speakers', password: s.password, groups: s.groups }))] },
        access: { commandTimeoutMs: 1000 },
      },
    });
    gates = makeFleet(barriers, { dataDir: join(dir, 'barriers'), timing: { openMs: 150, closeMs: 150, passMs: 1500 } });
    await gates.start(gw.mqttUrl);
    speakers = new SpeakerFleet({ speakers: SPEAKERS, baseTopic: gw.config.mqtt.baseTopic, dataDir: join(dir, 'speakers') });
    await speakers.start({ mqttUrl: gw.mqttUrl });
    await waitFor(() => gates!.barriers.every((b) => b.connected) && SPEAKERS.every((s) => gw!.gateway.presence.get('speakers', s.id)?.availability === 'online'), 10_000, 'devices online');
    officer = await gw.login('officer');
    await waitFor(async () => (await api<{ online: boolean }>('/api/cameras/east')).online, 10_000, 'camera online');

    const tone = join(dir, 'tone-1khz.wav');
    makeToneWav(tone, { frequency: 1000, seconds: 30 });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${tone}`],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.route('**/player.html*', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>no video in this test</title>' }));
    // Log in through the page, as an officer would (Chinese is the default language).
    await page.goto(gw.url);
    await page.fill('input[name=name]', 'officer');
    await page.fill('input[name=password]', 'officer-password-1');
    await page.click('button[type=submit]');
    await page.getByRole('tab', { name: '出入口' }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await speakers?.stop();
    await gates?.stop();
    await gw?.stop();
    await camera?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gate panel: an entry made by a barrier simulator appears in the live feed within 1 s; the text filter narrows it', async () => {
    await page.getByRole('tab', { name: '出入口' }).click();
    // The feed socket is up once the barrier's retained arm state shows.
    await page.locator('[data-barrier=gate-1] .arm', { hasText: '已关闭' }).waitFor({ timeout: 10_000 });
    await page.locator('.gate-feed table.entries').waitFor();
    const entry = await gates!.get('gate-1').present({ credential: { type: 'plate', value: '豫A12345' }, direction: 'in' });
    const durableAt = Date.now();
    const row = page.locator(`tr[data-event-id="${entry.eventId}"]`);
    await row.waitFor({ timeout: 1000 });
    const elapsed = Date.now() - durableAt;
    expect(elapsed).toBeLessThan(1000);
    await expect.poll(() => row.innerText()).toContain('豫A12345');
    expect(await row.innerText()).toContain('进');

    await page.getByLabel('车牌/卡号', { exact: true }).first().fill('A123');
    await expect.poll(() => row.count()).toBe(1);
    await page.getByLabel('车牌/卡号', { exact: true }).first().fill('B999');
    await expect.poll(() => row.count()).toBe(0);
    await page.getByLabel('车牌/卡号', { exact: true }).first().fill('');
    await expect.poll(() => row.count()).toBe(1);
  });

  it('gate panel: a barrier whose clock is off shows the offset in the barrier list', async () => {
    await page.getByRole('tab', { name: '出入口' }).click();
    const barrier = gates!.get('gate-2');
    barrier.faults.clockSkewMs = 3 * 3600_000;
    try {
      await barrier.present({ credential: { type: 'plate', value: '豫A54321' }, direction: 'in' });
      const clock = page.locator('[data-barrier=gate-2] .barrier-clock');
      await clock.waitFor({ timeout: 5000 });
      expect(await clock.innerText()).toContain('+3 h');
    } finally {
      barrier.faults.clockSkewMs = 0;
    }
  });

  it('gate panel: remote open needs a reason and a confirmation, then opens that barrier; a silent barrier shows the gateway\'s timeout', async () => {
    const barrier = gates!.get('gate-1');
    // The vehicle of the previous test has passed and the arm is down again.
    await waitFor(() => barrier.armState.state === 'closed', 5000, 'gate-1 closed');
    const commandsBefore = barrier.snapshot().commands;
    await page.locator('[data-barrier=gate-1] button.primary').click();
    const dialog = page.locator('dialog.confirm');
    await dialog.waitFor();
    // No reason: the dialog does not send anything.
    await dialog.getByRole('button', { name: '确认执行' }).click();
    await new Promise((r) => setTimeout(r, 300));
    expect(barrier.snapshot().commands).toBe(commandsBefore);
    expect(barrier.armState.state).toBe('closed');

    await dialog.getByLabel(/原因/).fill('送货车辆车牌无法识别');
    await dialog.getByRole('button', { name: '确认执行' }).click();
    const seen = await waitFor(() => barrier.armState.state === 'open' && barrier.armState, 5000, 'gate-1 arm open in the simulator');
    expect(seen.state).toBe('open');
    expect(barrier.snapshot().commands).toBe(commandsBefore + 1);
    await page.locator('.barriers [role=status]', { hasText: 'gate-1' }).waitFor({ timeout: 5000 });
    expect(await dialog.isVisible()).toBe(false);
    // The gateway kept the officer's reason with the command.
    const admin = await gw!.login('admin');
    const audit = (await (await gw!.api('/api/audit?action=barrier.open', { token: admin })).json()) as { entries: Array<{ user: string; target: string; detail: { reason?: string } }> };
    expect(audit.entries[0]).toMatchObject({ user: 'officer', target: 'gate-1', detail: { reason: '送货车辆车牌无法识别' } });

    gates!.get('gate-2').faults.commands = 'ignore';
    await page.locator('[data-barrier=gate-2] button.primary').click();
    await dialog.getByLabel(/原因/).fill('访客车辆');
    await dialog.getByRole('button', { name: '确认执行' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor({ timeout: 5000 });
    // The gateway's timeout, from its message code: in Chinese, naming the barrier and the command.
    expect(await alert.innerText()).toMatch(/^道闸“gate-2”在 1 秒内没有响应远程开闸命令（请求 r-[0-9a-f-]+），请检查它是否在线$/);
    await dialog.getByRole('button', { name: '取消' }).click();
    expect(gates!.get('gate-2').armState.state).toBe('closed');
    gates!.get('gate-2').faults.commands = 'normal';
  }, 60_000);

  it('broadcast panel: a TTS announcement reaches the chosen group\'s speaker and shows as a job', async () => {
    await page.getByRole('tab', { name: '广播喊话' }).click();
    await page.locator('input[data-group="gate-east"]').first().check();
    await page.locator('textarea[name=tts-text]').fill('请注意，东门有车辆违停。');
    await page.getByRole('button', { name: '开始播报' }).click();
    await page.locator('.broadcast-panel [role=status]', { hasText: '已开始' }).waitFor({ timeout: 10_000 });
    const { jobs } = await api<{ jobs: JobView[] }>('/api/broadcast/jobs?limit=5');
    const tts = jobs.find((j) => j.source === 'tts' && j.createdBy === 'officer');
    expect(tts).toMatchObject({ class: 'manual', targets: { groups: ['gate-east'] }, speakers: ['gate-east-speaker'] });
    await page.locator(`.job-list li[data-job="${tts!.id}"]`).waitFor({ timeout: 5000 });
    const done = await waitFor(async () => ((await job(tts!.id)).status === 'finished' ? true : undefined), 20_000, 'TTS finished');
    expect(done).toBe(true);
    const heard = await waitFor(() => speakers!.get('gate-east-speaker').recording(tts!.id)?.ended && speakers!.get('gate-east-speaker').recording(tts!.id), 5000, 'TTS recorded');
    expect(heard.durationMs).toBeGreaterThan(800);
    const samples = parseWav(readFileSync(heard.wavPath!)).samples;
    const peak = samples.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(peak).toBeGreaterThan(1000);
    expect(speakers!.get('lobby-speaker').recording(tts!.id)).toBeUndefined();
    await page.locator(`.job-list li[data-job="${tts!.id}"][data-status=finished]`).waitFor({ timeout: 5000 });
  }, 60_000);

  it('push-to-talk in the camera focus: the fake microphone\'s 1 kHz tone reaches the speaker near that camera; Space works too', async () => {
    await page.getByRole('tab', { name: '视频监控' }).click();
    await page.getByRole('button', { name: '选中 东门 进行控制' }).click();
    const talk = page.locator('.focus .talk');
    await talk.locator('text=gate-east（分组）').waitFor({ timeout: 10_000 });
    const button = talk.locator('button.ptt');
    const box = (await button.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.locator('.focus .talk[data-phase=talking]').waitFor({ timeout: 10_000 });
    const jobId = (await talk.getAttribute('data-job-id'))!;
    const speaker = speakers!.get('gate-east-speaker');
    await waitFor(() => (speaker.recording(jobId)?.durationMs ?? 0) > 1500, 10_000, 'speech at the east gate');
    const level = Number(await talk.locator('meter').getAttribute('value'));
    expect(level).toBeGreaterThan(0.05);
    await page.mouse.up();
    const ended = await waitFor(async () => {
      const j = await job(jobId);
      return ['finished', 'stopped'].includes(j.status) ? j : undefined;
    }, 5000, 'talk ended');
    expect(ended).toMatchObject({ class: 'live', status: 'finished', speakers: ['gate-east-speaker'], createdBy: 'officer' });
    const recording = await waitFor(() => speaker.recording(jobId)?.ended && speaker.recording(jobId), 3000, 'recording closed');
    const wav = parseWav(readFileSync(recording.wavPath!));
    const steady = wav.samples.subarray(800);
    expect(Math.abs(zeroCrossingFrequency(steady, wav.sampleRate) - 1000)).toBeLessThan(15);
    expect(goertzelShare(steady, wav.sampleRate, 1000)).toBeGreaterThan(0.7);
    expect(speakers!.get('lobby-speaker').recording(jobId)).toBeUndefined();

    // Keyboard: Space held on the focused button talks, releasing it ends the talk.
    await page.locator('.focus .talk[data-phase=idle]').waitFor({ timeout: 5000 });
    await button.focus();
    await page.keyboard.down('Space');
    await waitFor(async () => {
      const id = await talk.getAttribute('data-job-id');
      return id && id !== jobId && (await talk.getAttribute('data-phase')) === 'talking' ? id : undefined;
    }, 10_000, 'keyboard talk');
    const keyJob = (await talk.getAttribute('data-job-id'))!;
    await waitFor(() => (speaker.recording(keyJob)?.durationMs ?? 0) > 300, 5000, 'keyboard speech');
    await page.keyboard.up('Space');
    const keyEnded = await waitFor(async () => {
      const j = await job(keyJob);
      return ['finished', 'stopped'].includes(j.status) ? j : undefined;
    }, 5000, 'keyboard talk ended');
    expect(keyEnded.status).toBe('finished');
  }, 60_000);
});
