/**
 * `npm run bench -- alarms [--presses N] [--storm N] [--storm-seconds S]`: a press on the wire
 * (the simulated button's publish) -> the camera moving to the rule's preset (the camera
 * simulator's PTZ state leaving IDLE, polled every millisecond), -> the first audio frame of the
 * warning at the simulated speaker, -> the pop-up rendered in Chromium (a MutationObserver in the
 * page); p50/p95 over N presses, alternating two buttons whose rules turn the camera between two
 * presets. Baselines in the same run: an officer's preset goto over REST -> moving, and an
 * officer's TTS broadcast over REST -> first frame. Then a storm of N alarms in S seconds from 10
 * buttons: stored vs pressed (lost), groups, and /api/alarms latency meanwhile.
 * Writes bench/results/alarms.json (ptz_p95_ms, speaker_p95_ms, popup_p95_ms, storm_lost, storm_stored, ...).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SimulatedAlarmButton } from '../simulators/alarm-button/button.js';
import { startCameraSimulator } from '../simulators/onvif-camera/index.js';
import { SpeakerFleet } from '../simulators/speaker/fleet.js';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/core/logger.js';
import { freePort } from '../src/core/net.js';
import { Gateway } from '../src/gateway.js';
import { launchChromium } from '../test/helpers/browser.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.timeOrigin + performance.now();
const PASSWORD = 'bench-officer-1';

async function until<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

export default async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { presses: { type: 'string', default: '50' }, storm: { type: 'string', default: '1000' }, 'storm-seconds': { type: 'string', default: '10' } } });
  const presses = Number(values.presses);
  const stormCount = Number(values.storm);
  const stormSeconds = Number(values['storm-seconds']);
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-alarms-'));
  const cam = await startCameraSimulator({ ptzSpeeds: { panDegPerSec: 400, tiltDegPerSec: 200, zoomGenericPerSec: 2 }, main: { width: 320, height: 180, fps: 5, bitrateKbps: 128 }, sub: { width: 320, height: 180, fps: 5, bitrateKbps: 128 } });
  const stormButtons = Array.from({ length: 10 }, (_, i) => ({ id: `storm-${i}`, password: `pw-storm-${i}-secret` }));
  const buttons = [{ id: 'btn-a', password: 'pw-btn-a-secret' }, { id: 'btn-b', password: 'pw-btn-b-secret' }];
  const u = new URL(cam.urls.onvif);
  const { config } = loadConfig({
    env: {},
    overrides: {
      http: { host: '127.0.0.1', port: await freePort() },
      mqtt: {
        embedded: { host: '127.0.0.1', port: await freePort() },
        devices: [...buttons, ...stormButtons].map((b) => ({ ...b, kind: 'alarm-buttons' })).concat([{ id: 'spk-1', password: 'pw-spk-1-secret', kind: 'speakers' }]),
      },
      storage: { dataDir: join(dir, 'data') },
      log: { level: 'silent', pretty: false },
      auth: { users: [{ name: 'officer', password: PASSWORD, role: 'admin' }] },
      cameras: { list: [{ id: 'gate', name: 'Gate', host: u.hostname, port: Number(u.port), username: cam.credentials.username, password: cam.credentials.password }], pollIntervalMs: 1000 },
      alarms: { groupWindowS: 60, devices: [{ id: 'btn-a', location: 'A', cameraId: 'gate' }, { id: 'btn-b', location: 'B', cameraId: 'gate' }] },
    },
  });
  const gateway = new Gateway({ config, log: silentLogger(), env: {} });
  await gateway.start();
  const url = gateway.http.url;
  const mqttUrl = `mqtt://127.0.0.1:${gateway.broker!.port}`;
  const fleet = new SpeakerFleet({ speakers: [{ id: 'spk-1', password: 'pw-spk-1-secret', groups: [] }], baseTopic: 'community', dataDir: join(dir, 'spk') });
  await fleet.start({ mqttUrl });
  const sentAt = new Map<string, number>();
  const sims = [...buttons, ...stormButtons].map((b) => new SimulatedAlarmButton({ ...b, baseTopic: 'community', dataDir: join(dir, 'buttons'), log: silentLogger(), onSent: (id) => sentAt.set(id, now()) }));
  for (const s of sims) await s.start(mqttUrl);
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'officer', password: PASSWORD }) });
  const token = ((await login.json()) as { token: string }).token;
  const call = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const browser = await launchChromium();
  try {
    await until(() => sims.every((s) => s.connected) && gateway.presence.get('speakers', 'spk-1')?.availability === 'online', 20_000, 'devices');
    for (let i = 0; i < 100; i++) {
      const c = await call<{ online: boolean }>('/api/cameras/gate');
      if (c.online) break;
      await sleep(200);
    }
    const moveTo = async (x: number) => {
      await call('/api/cameras/gate/ptz/absolute', 'POST', { x, y: 0 });
      await sleep(100);
      await until(() => cam.state.ptz.panTiltStatus === 'IDLE', 5000, 'idle');
    };
    await moveTo(0.5);
    await call('/api/cameras/gate/presets', 'POST', { name: 'pa' });
    await moveTo(-0.5);
    await call('/api/cameras/gate/presets', 'POST', { name: 'pb' });
    await call('/api/cameras/gate/lock', 'DELETE').catch(() => {});
    const rule = (id: string, button: string, preset: string) =>
      `- id: ${id}\n  name: ${id}\n  trigger: { source: button, kind: press, device: ${button} }\n  actions:\n    - { type: camera, camera: gate, preset: ${preset}, returnAfterS: 600 }\n    - { type: speaker, speakers: [spk-1], text: 'Alarm. Security is on the way.', language: en }\n    - { type: popup }\n`;
    await call('/api/alarm-rules', 'PUT', { yaml: rule('ra', 'btn-a', 'pa') + rule('rb', 'btn-b', 'pb') });

    const page = await browser.newPage();
    await page.goto(url);
    await page.fill('input[name=name]', 'officer');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=tablist]');
    await page.evaluate(() => {
      const w = window as unknown as { cgPopupSeen: Record<string, number> };
      w.cgPopupSeen = {};
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.alarm-popup[data-alarm]')) {
          const id = el.getAttribute('data-alarm')!;
          w.cgPopupSeen[id] ??= performance.timeOrigin + performance.now();
        }
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    await sleep(500);
    const speaker = fleet.get('spk-1');
    let firstFrameAt: number | undefined;
    let watchedJob: string | undefined;
    speaker.on('frame', (f: { jobId: string }) => {
      if (watchedJob === undefined || f.jobId === watchedJob) return;
      firstFrameAt ??= now();
    });
    // TTS is synthesised once per text (cached): warm it so that every press measures the same path.
    const ptz: number[] = [];
    const audio: number[] = [];
    const popup: number[] = [];
    const linkageStart: number[] = [];
    for (let i = 0; i < presses + 1; i++) {
      const sim = sims[i % 2]!;
      const jobsBefore = new Set(speaker.recordings.map((r) => r.play.jobId));
      watchedJob = '';
      firstFrameAt = undefined;
      speaker.removeAllListeners('frame');
      speaker.on('frame', (f: { jobId: string }) => {
        if (!jobsBefore.has(f.jobId)) firstFrameAt ??= now();
      });
      const event = await sim.press();
      const pressed = sentAt.get(event.eventId)!;
      const moved = await until(() => cam.state.ptz.panTiltStatus !== 'IDLE' && now(), 10_000, 'camera moving').catch((err: Error) => {
        console.error(gateway.database.db.prepare('SELECT alarm_id, action, status, detail FROM alarm_actions ORDER BY id DESC LIMIT 5').all(), gateway.database.db.prepare('SELECT id, device, rules, group_id FROM alarms ORDER BY id DESC LIMIT 3').all());
        throw err;
      });
      const heard = await until(() => firstFrameAt, 15_000, 'first frame');
      const alarm = await until(() => gateway.database.db.prepare<[string], { id: number }>("SELECT id FROM alarms WHERE dedupe_key = ?").get(`alarm-buttons/${sim.id}/${event.eventId}`), 5000, 'alarm');
      let shown: number | undefined;
      for (let k = 0; k < 500 && shown === undefined; k++) {
        shown = await page.evaluate((id) => (window as unknown as { cgPopupSeen: Record<string, number> }).cgPopupSeen[String(id)], alarm.id);
        if (shown === undefined) await sleep(5);
      }
      if (i > 0) {
        ptz.push(moved - pressed);
        audio.push(heard - pressed);
        if (shown !== undefined) popup.push(shown - pressed);
        const started = gateway.database.db.prepare<[number], { s: string }>("SELECT MIN(started_at) AS s FROM alarm_actions WHERE alarm_id = ?").get(alarm.id)?.s;
        if (started) linkageStart.push(Date.parse(started) - pressed);
      }
      await call(`/api/alarms/${alarm.id}/close`, 'POST', { as: 'false' });
      await until(() => cam.state.ptz.panTiltStatus === 'IDLE', 5000, 'idle');
      await sleep(150);
    }
    // Baselines: the same camera move and the same speech asked for by an officer over REST.
    const basePtz: number[] = [];
    const baseAudio: number[] = [];
    // The presses ended at the preset of the last button pressed: start from the other one.
    let next = presses % 2 === 0 ? 'pb' : 'pa';
    for (let i = 0; i < Math.min(20, presses); i++) {
      const t0 = now();
      await call(`/api/cameras/gate/presets/${next}/goto`, 'POST', {});
      next = next === 'pa' ? 'pb' : 'pa';
      basePtz.push((await until(() => cam.state.ptz.panTiltStatus !== 'IDLE' && now(), 10_000, 'moving')) - t0);
      await until(() => cam.state.ptz.panTiltStatus === 'IDLE', 5000, 'idle');
      const before = new Set(speaker.recordings.map((r) => r.play.jobId));
      let first: number | undefined;
      speaker.removeAllListeners('frame');
      speaker.on('frame', (f: { jobId: string }) => {
        if (!before.has(f.jobId)) first ??= now();
      });
      const t1 = now();
      const job = await call<{ id: string }>('/api/broadcast/tts', 'POST', { text: 'Alarm. Security is on the way.', language: 'en', speakers: ['spk-1'], alarm: true });
      baseAudio.push((await until(() => first, 15_000, 'first frame')) - t1);
      await call(`/api/broadcast/jobs/${job.id}/stop`, 'POST', {});
      await sleep(100);
    }
    await call('/api/cameras/gate/lock', 'DELETE').catch(() => {});

    // Storm: N alarms in S seconds from 10 buttons, grouping on.
    const storm = sims.slice(2);
    const before = gateway.database.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM alarms WHERE device LIKE 'storm-%'").get()!.n;
    const apiLatency: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t0 = performance.now();
        await call('/api/alarms?limit=50');
        apiLatency.push(performance.now() - t0);
        await sleep(200);
      }
    })();
    const interval = (stormSeconds * 1000) / stormCount;
    const start = performance.now();
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < stormCount; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      pending.push(storm[i % storm.length]!.press());
    }
    await Promise.all(pending);
    const offeredSeconds = (performance.now() - start) / 1000;
    for (const s of storm) await s.drained(60_000);
    probing = false;
    await probe;
    const stored = gateway.database.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM alarms WHERE device LIKE 'storm-%'").get()!.n - before;
    const groups = gateway.database.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM alarms WHERE device LIKE 'storm-%' AND group_id IS NULL").get()!.n;
    const rows = [
      { path: 'press -> PTZ on the camera', p50_ms: round(percentile(ptz, 50)), p95_ms: round(percentile(ptz, 95)), baseline: 'REST goto -> PTZ', baseline_p50_ms: round(percentile(basePtz, 50)), baseline_p95_ms: round(percentile(basePtz, 95)) },
      { path: 'press -> first audio frame', p50_ms: round(percentile(audio, 50)), p95_ms: round(percentile(audio, 95)), baseline: 'REST TTS -> first frame', baseline_p50_ms: round(percentile(baseAudio, 50)), baseline_p95_ms: round(percentile(baseAudio, 95)) },
      { path: 'press -> linkage started (stored)', p50_ms: round(percentile(linkageStart, 50)), p95_ms: round(percentile(linkageStart, 95)), baseline: '-', baseline_p50_ms: null, baseline_p95_ms: null },
      { path: 'press -> pop-up in Chromium', p50_ms: round(percentile(popup, 50)), p95_ms: round(percentile(popup, 95)), baseline: '-', baseline_p50_ms: null, baseline_p95_ms: null },
    ];
    printTable(`alarm linkage over ${presses} presses`, rows);
    const stormRow = { offered: stormCount, seconds: round(offeredSeconds), stored, lost: stormCount - stored, groups, api_p95_ms: round(percentile(apiLatency, 95)), api_max_ms: round(Math.max(...apiLatency)) };
    printTable('storm', [stormRow]);
    const file = writeResult('alarms', {
      presses,
      ptz_p50_ms: rows[0]!.p50_ms,
      ptz_p95_ms: rows[0]!.p95_ms,
      speaker_p50_ms: rows[1]!.p50_ms,
      speaker_p95_ms: rows[1]!.p95_ms,
      linkage_start_p50_ms: rows[2]!.p50_ms,
      linkage_start_p95_ms: rows[2]!.p95_ms,
      popup_p50_ms: rows[3]!.p50_ms,
      popup_p95_ms: rows[3]!.p95_ms,
      popups_seen: popup.length,
      baseline_rest_ptz_p95_ms: rows[0]!.baseline_p95_ms,
      baseline_rest_tts_p95_ms: rows[1]!.baseline_p95_ms,
      storm_offered: stormCount,
      storm_seconds: stormRow.seconds,
      storm_stored: stored,
      storm_lost: stormCount - stored,
      storm_groups: groups,
      storm_api_p95_ms: stormRow.api_p95_ms,
      measured_at: new Date().toISOString(),
    });
    console.log(`\nwrote ${file}`);
  } finally {
    await browser.close();
    for (const s of sims) await s.stop();
    await fleet.stop();
    await gateway.stop();
    await cam.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
