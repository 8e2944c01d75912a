import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../src/broadcast/codecs/wav.js';
import type { JobView } from '../../src/broadcast/job.js';
import { waitFor } from '../helpers/wait.js';
import { startRig, type Rig } from './rig.js';
import { goertzelShare, makeToneWav, zeroCrossingFrequency } from './tone.js';

describe('push-to-talk from real Chromium', () => {
  let rig: Rig;
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'cg-ptt-'));

  beforeAll(async () => {
    rig = await startRig([
      { id: 'gate', groups: ['all', 'gates'] },
      { id: 'lobby', groups: ['all'] },
    ]);
    const tone = join(dir, 'tone-1khz.wav');
    makeToneWav(tone, { frequency: 1000, seconds: 30 });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-audio-capture=${tone}`,
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the fake microphone\'s 1 kHz tone reaches the group\'s speakers; closing the page ends the job within 1 s', async () => {
    const page = await browser.newPage();
    await page.goto(`${rig.gw.url}/talk/?groups=gates`);
    // Log in through the page's own form, as an officer would.
    await page.fill('input[name=name]', 'officer');
    await page.fill('input[name=password]', 'officer-password-1');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => !(document.getElementById('ptt') as HTMLButtonElement).disabled);
    const box = (await page.locator('#ptt').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    const jobId = await page.waitForFunction(() => (window as unknown as { talkState: { jobId: string | null } }).talkState.jobId, undefined, { timeout: 10_000 }).then((h) => h.jsonValue() as Promise<string>);
    const gate = rig.fleet.get('gate');
    // Hold the button until the speaker has played about 1.5 s of the call-out.
    await waitFor(() => (gate.recording(jobId)?.durationMs ?? 0) > 1500, 10_000, 'speech at the gate').catch(async (err: unknown) => {
      throw new Error(`${String(err)}; page state ${JSON.stringify(await page.evaluate(() => (window as unknown as { talkState: unknown }).talkState))}; speaker ${JSON.stringify({ samples: gate.recording(jobId)?.samples, problems: gate.problems })}`);
    });
    const running = await rig.call<JobView>(`/api/broadcast/jobs/${jobId}`);
    expect(running).toMatchObject({ class: 'live', source: 'live', status: 'playing', speakers: ['gate'], createdBy: 'officer' });

    const closedAt = Date.now();
    await page.close();
    const ended = await rig.waitJob(jobId, ['finished', 'stopped'], 5000);
    const endEvent = ended.events.at(-1)!;
    expect(endEvent.event).toBe('stopped');
    expect(endEvent.reason).toBe('browser disconnected');
    expect(Date.parse(endEvent.at) - closedAt).toBeLessThan(1000);

    const recording = await waitFor(() => gate.recording(jobId)?.ended && gate.recording(jobId), 3000, 'gate recording closed');
    const wav = parseWav(readFileSync(recording.wavPath!));
    // Skip the first 100 ms (the worklet's start-up) and measure the tone.
    const steady = wav.samples.subarray(800);
    const frequency = zeroCrossingFrequency(steady, wav.sampleRate);
    expect(Math.abs(frequency - 1000)).toBeLessThan(15);
    expect(goertzelShare(steady, wav.sampleRate, 1000)).toBeGreaterThan(0.7);
    expect(rig.fleet.get('lobby').recording(jobId)).toBeUndefined();
  });
});
