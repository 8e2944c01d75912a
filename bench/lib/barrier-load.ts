/**
 * The load side of `npm run bench -- entries`, in its own process (so that the barriers and the
 * gateway do not share one event loop): 20 simulated barriers publishing at the rate the parent
 * asks for, and a dashboard on /api/feed. Publish and feed times are taken here on the same clock;
 * the parent takes commit times and compares. Talks to the parent over IPC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import WebSocket from 'ws';
import { BarrierFleet, type FleetBarrier } from '../../simulators/barrier/fleet.js';
import { silentLogger } from '../../src/core/logger.js';

export type ToLoad =
  | { type: 'start'; mqttUrl: string; feedUrl: string; barriers: FleetBarrier[] }
  | { type: 'step'; step: string; perSecond: number; seconds: number }
  | { type: 'stop' };

export type FromLoad =
  | { type: 'ready' }
  | { type: 'step-done'; step: string; loadCpuPct: number; loopP99Ms: number; generated: number; published: Array<[string, number]>; feedMs: number[]; feedMissing: number; resent: number; heldAfterDrain: number; drained: boolean; journalFailures: number };

const now = () => performance.timeOrigin + performance.now();
const send = (m: FromLoad) => process.send!(m);

let fleet: BarrierFleet | undefined;
let feed: WebSocket | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'cg-bench-barriers-'));
let published = new Map<string, number>();
let fed = new Map<string, number>();

async function start(m: Extract<ToLoad, { type: 'start' }>): Promise<void> {
  fleet = new BarrierFleet({
    barriers: m.barriers,
    baseTopic: 'community',
    dataDir,
    log: silentLogger(),
    traffic: { mode: 'manual' },
    animateArm: false,
    seed: 1,
    onSent: (eventId, attempt) => {
      if (attempt === 1) published.set(eventId, now());
    },
  });
  await fleet.start(m.mqttUrl);
  feed = new WebSocket(m.feedUrl);
  feed.on('message', (data: Buffer) => {
    const text = data.toString();
    if (!text.includes('"name":"access.entry"')) return;
    const msg = JSON.parse(text) as { payload: { eventId: string } };
    if (!fed.has(msg.payload.eventId)) fed.set(msg.payload.eventId, now());
  });
  await new Promise<void>((resolve, reject) => {
    feed!.once('open', () => resolve());
    feed!.once('error', reject);
  });
  const deadline = Date.now() + 15_000;
  while (!fleet.barriers.every((b) => b.connected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  send({ type: 'ready' });
}

async function step(m: Extract<ToLoad, { type: 'step' }>): Promise<void> {
  const f = fleet!;
  published = new Map();
  fed = new Map();
  const resentBefore = f.totals().resent;
  const cpu0 = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t0 = performance.now();
  for (const b of f.barriers) b.setEventPrefix(`${m.step}.`);
  f.setTraffic({ mode: 'rate', perSecond: m.perSecond / f.barriers.length });
  await new Promise((r) => setTimeout(r, m.seconds * 1000));
  f.setTraffic({ mode: 'manual' });
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  const loadCpuPct = Math.round(((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100);
  // Drain: wait until every barrier holds nothing more (all acknowledged), at most 60 s.
  const deadline = Date.now() + 60_000;
  while (f.totals().held > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300)); // last feed messages
  const feedMs: number[] = [];
  for (const [id, at] of fed) {
    const sent = published.get(id);
    if (sent !== undefined) feedMs.push(at - sent);
  }
  send({
    type: 'step-done',
    step: m.step,
    loadCpuPct,
    loopP99Ms: Math.round(loop.percentile(99) / 1e4) / 100,
    generated: published.size,
    published: [...published],
    feedMs,
    feedMissing: [...published.keys()].filter((id) => !fed.has(id)).length,
    resent: f.totals().resent - resentBefore,
    heldAfterDrain: f.barriers.reduce((n, b) => n + [...b.journal.entries()].filter((h) => h.payload.eventId.startsWith(`${m.step}.`)).length, 0),
    drained: f.totals().held === 0,
    journalFailures: f.failures,
  });
}

process.on('message', (m: ToLoad) => {
  const run = m.type === 'start' ? start(m) : m.type === 'step' ? step(m) : stop();
  run.catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});

async function stop(): Promise<void> {
  feed?.terminate();
  await fleet?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
