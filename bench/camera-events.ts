/**
 * `npm run bench -- camera-events [--minutes M] [--termination-s S]`: the gateway's ONVIF event
 * loop over a long run against a strict camera (Renew refused without WS-Addressing, 8
 * subscription slots: the independent C server of shared/field-notes.md), beside a permissive
 * camera in the same run as the baseline. Motion is toggled on both every 2 s; the table gives
 * events delivered of events raised, the subscriptions the camera held (peak, at the end, after
 * the gateway stopped) and the renewals. Writes bench/results/camera-events.json with
 * `{"minutes", "cameras": [{"name", "raised", "delivered", "peak_subscriptions",
 * "subscriptions_at_end", "subscriptions_after_stop", "subscriptions_created"}]}`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCameraSimulator, type RunningCamera } from '../simulators/onvif-camera/index.js';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/core/logger.js';
import { freePort } from '../src/core/net.js';
import { Gateway } from '../src/gateway.js';
import { camerasFeature } from '../src/cameras/feature.js';
import { printTable, writeResult } from './lib/report.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Subject {
  name: string;
  sim: RunningCamera;
  raised: number;
  delivered: number;
}

export default async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { minutes: { type: 'string', default: '10' }, 'termination-s': { type: 'string', default: '10' } } });
  const minutes = Number(values.minutes);
  const terminationMs = Number(values['termination-s']) * 1000;
  const subjects: Subject[] = [
    { name: 'strict (8 slots, WS-Addressing required)', sim: await startCameraSimulator({ name: 'Strict', behaviours: ['strict-renew', 'subscription-slots'] }), raised: 0, delivered: 0 },
    { name: 'permissive (baseline)', sim: await startCameraSimulator({ name: 'Permissive' }), raised: 0, delivered: 0 },
  ];
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-camera-events-'));
  const { config } = loadConfig({
    env: {},
    overrides: {
      http: { host: '127.0.0.1', port: await freePort() },
      mqtt: { embedded: { host: '127.0.0.1', port: await freePort(), websocket: false } },
      storage: { dataDir },
      log: { level: 'silent', pretty: false },
      cameras: {
        list: subjects.map((s, i) => {
          const u = new URL(s.sim.urls.onvif);
          return { id: `cam${i}`, name: s.name, host: u.hostname, port: Number(u.port), username: s.sim.credentials.username, password: s.sim.credentials.password };
        }),
        events: true,
        eventSubscription: { terminationMs },
      },
    },
  });
  const gateway = new Gateway({ config, log: silentLogger(), env: {}, features: [camerasFeature] });
  await gateway.start();
  gateway.bus.on('camera.motion', (e) => {
    const subject = subjects[Number(e.cameraId.slice(3))];
    if (subject) subject.delivered++;
  });
  await sleep(3000); // connected, subscribed, the Initialized state delivered
  for (const s of subjects) {
    s.delivered = 0;
    s.sim.control.resetPeakSubscriptions();
  }
  const created = subjects.map((s) => s.sim.control.subscriptionsCreated());
  const end = Date.now() + minutes * 60_000;
  let state = false;
  while (Date.now() < end) {
    state = !state;
    for (const s of subjects) {
      s.sim.control.motion(state);
      s.raised++;
    }
    await sleep(2000);
  }
  await sleep(1500); // the last pull
  const atEnd = subjects.map((s) => s.sim.control.subscriptionsInUse());
  const createdEnd = subjects.map((s) => s.sim.control.subscriptionsCreated());
  await gateway.stop();
  const rows = subjects.map((s, i) => ({
    name: s.name,
    raised: s.raised,
    delivered: s.delivered,
    peak_subscriptions: s.sim.control.peakSubscriptions(),
    subscriptions_at_end: atEnd[i]!,
    subscriptions_after_stop: s.sim.control.subscriptionsInUse(),
    subscriptions_created: createdEnd[i]! - created[i]!,
  }));
  await Promise.all(subjects.map((s) => s.sim.stop()));
  rmSync(dataDir, { recursive: true, force: true });
  printTable(`ONVIF events over ${minutes} min, subscription lifetime ${terminationMs / 1000} s, motion toggled every 2 s`, rows);
  console.log(`wrote ${writeResult('camera-events', { minutes, terminationSeconds: terminationMs / 1000, cameras: rows })}`);
}
