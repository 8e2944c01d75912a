/**
 * `npm run bench -- entries [--seconds N] [--steps 1000,2000,...] [--brokers embedded,mosquitto]`
 *
 * 20 simulated barriers (own process) -> broker -> gateway (this process): sustained load stepped
 * 1,000 -> 5,000 entries/s, `--seconds` per step (60 by default, as the issue asks), on the embedded
 * aedes and on an external mosquitto in the same run. Per step: stored/s while offered, p50/p99
 * barrier publish -> commit and -> dashboard feed (/api/feed), lost and duplicated, gateway RSS.
 * Baseline measured in the same run: the entry writer alone (batched transactions, no MQTT).
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EntryWriter } from '../src/access/entry-writer.js';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/core/logger.js';
import { freePort } from '../src/core/net.js';
import { Gateway } from '../src/gateway.js';
import { startMosquitto, type RunningMosquitto } from '../test/helpers/mosquitto.js';
import type { FromLoad, ToLoad } from './lib/barrier-load.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';

const LOAD = fileURLToPath(new URL('./lib/barrier-load.ts', import.meta.url));
const BARRIERS = 20;
const GATEWAY_USER = { username: 'gateway', password: 'bench-gateway-secret' };

type Step = Record<string, unknown> & {
  broker: string;
  offered_per_s: number;
  stored_per_s: number;
  p50_commit_ms: number;
  p99_commit_ms: number;
  p99_feed_ms: number;
  lost: number;
  duplicated: number;
  rss_mb: number;
  /** Extra detail (not in the list). */
  pending_after_drain: number;
  generated: number;
  p50_feed_ms: number;
  feed_missing: number;
  resent_by_barriers: number;
  deduped_by_gateway: number;
  gateway_cpu_pct: number;
  load_cpu_pct: number;
  /** publish -> commit split: barrier publish -> the gateway's ingest received it (broker, MQTT clients), and received -> committed (batch queue, transaction). */
  p99_broker_ms: number;
  p99_queue_commit_ms: number;
  /** The gateway's event loop: p99 and max delay while the step ran (a blocked loop delays every entry). */
  gateway_loop_p99_ms: number;
  gateway_loop_max_ms: number;
  load_loop_p99_ms: number;
  avg_batch_rows: number;
};

async function baseline(): Promise<{ rows_per_s: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-baseline-'));
  const gatewayLess = new Gateway({ config: loadConfig({ env: {}, overrides: { storage: { dataDir: dir }, log: { level: 'silent' } } }).config, log: silentLogger(), env: {} });
  // Only the database (with the access migrations) is needed: start it alone.
  const db = gatewayLess.database;
  await db.start();
  {
    const writer = new EntryWriter(db.file);
    writer.open();
    const rows = 100_000;
    const started = performance.now();
    for (let b = 0; b < rows / 200; b++) {
      writer.write(
        Array.from({ length: 200 }, (_, i) => ({
          receivedAt: Date.now(),
          entry: { gate: `gate-${i % 20}`, eventId: `b${b}-${i}`, occurredAt: Date.now(), direction: 'in' as const, lane: 'lane-1', credentialType: 'plate' as const, credentialValue: `豫A${10000 + i}`, result: 'granted' as const, reason: 'allow-list', plateColor: 'blue', vehicleType: 'car', snapshot: null, confidence: 95, retransmission: false, source: 'native', deviceTime: Date.now(), clockOffsetMs: null, utcOffset: 'Z' },
        })),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    writer.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
    return { rows_per_s: Math.round(rows / seconds) };
  }
}

async function runBroker(broker: 'embedded' | 'mosquitto', rates: number[], seconds: number): Promise<Step[]> {
  const dir = mkdtempSync(join(tmpdir(), `cg-bench-entries-${broker}-`));
  const barriers = Array.from({ length: BARRIERS }, (_, i) => ({ id: `gate-${String(i + 1).padStart(2, '0')}`, password: `bench-barrier-${i + 1}`, kind: 'vehicle' as const }));
  const devices = barriers.map((b) => ({ id: b.id, kind: 'barriers' as const, password: b.password, groups: [] }));
  let mosquitto: RunningMosquitto | undefined;
  const mqtt: Record<string, unknown> = { devices, embedded: { host: '127.0.0.1', port: await freePort() } };
  if (broker === 'mosquitto') {
    mosquitto = await startMosquitto({ mqtt: { baseTopic: 'community', ...GATEWAY_USER, devices } });
    Object.assign(mqtt, { url: mosquitto.url, ...GATEWAY_USER, protocolVersion: 4 });
  }
  const { config } = loadConfig({
    env: {},
    overrides: {
      http: { host: '127.0.0.1', port: await freePort() },
      mqtt,
      storage: { dataDir: join(dir, 'data') },
      log: { level: 'warn' },
      auth: { users: [{ name: 'bench', password: 'bench-viewer-password', role: 'viewer' }] },
    },
  });
  const gateway = new Gateway({ config, log: silentLogger(), env: {} });
  await gateway.start();
  const committed = new Map<string, number>();
  const received = new Map<string, number>();
  gateway.bus.on('access.committed', ({ at, entries }) => {
    for (const e of entries) {
      if (committed.has(e.eventId)) continue;
      committed.set(e.eventId, at);
      received.set(e.eventId, e.receivedAt);
    }
  });
  const login = await fetch(`${gateway.http.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', password: 'bench-viewer-password' }) });
  const { token } = (await login.json()) as { token: string };
  const load = fork(LOAD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<FromLoad>((resolve, reject) => {
    load.once('message', (m: FromLoad) => resolve(m));
    load.once('exit', (code) => reject(new Error(`load process exited with ${code}`)));
  });
  const tell = (m: ToLoad) => load.send(m);
  const mqttUrl = mosquitto?.url ?? `mqtt://127.0.0.1:${gateway.broker!.port}`;
  tell({ type: 'start', mqttUrl, feedUrl: `${gateway.http.url.replace('http', 'ws')}/api/feed?token=${token}`, barriers });
  await next();
  const steps: Step[] = [];
  const batchStats = async () => {
    const text = await gateway.metrics.render();
    return { rows: Number(/gateway_access_batch_rows_sum ([\d.e+]+)/.exec(text)?.[1] ?? 0), count: Number(/gateway_access_batch_rows_count (\d+)/.exec(text)?.[1] ?? 0) };
  };
  const dedupedCounter = async () => Number(/gateway_access_entries_duplicate_total (\d+)/.exec(await gateway.metrics.render())?.[1] ?? 0);
  try {
    for (const rate of rates) {
      const name = `${broker}-${rate}`;
      committed.clear();
      received.clear();
      const dedupedBefore = await dedupedCounter();
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
      const cpu0 = process.cpuUsage();
      const batches0 = await batchStats();
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const t0 = performance.timeOrigin + performance.now();
      const done = next();
      tell({ type: 'step', step: name, perSecond: rate, seconds });
      const result = (await done) as Extract<FromLoad, { type: 'step-done' }>;
      clearInterval(sampler);
      loop.disable();
      const cpu = process.cpuUsage(cpu0);
      const batches1 = await batchStats();
      const elapsed = performance.timeOrigin + performance.now() - t0;
      const offeredEnd = t0 + seconds * 1000;
      const commitMs: number[] = [];
      const transportMs: number[] = [];
      const gatewayMs: number[] = [];
      let storedWhileOffered = 0;
      for (const [id, sentAt] of result.published) {
        const at = committed.get(id);
        if (at === undefined) continue;
        commitMs.push(at - sentAt);
        transportMs.push(received.get(id)! - sentAt);
        gatewayMs.push(at - received.get(id)!);
        if (at <= offeredEnd) storedWhileOffered++;
      }
      const db = gateway.database.db;
      const rows = db.prepare<[string], { n: number; d: number }>('SELECT COUNT(*) AS n, COUNT(DISTINCT gate || \'/\' || event_id) AS d FROM access_entries WHERE event_id LIKE ?').get(`${name}.%`)!;
      const storedIds = new Set(db.prepare<[string], { event_id: string }>('SELECT event_id FROM access_entries WHERE event_id LIKE ?').all(`${name}.%`).map((r) => r.event_id));
      // Not stored and no longer held by its barrier = lost; still held after the drain window = pending (not lost).
      const notStored = result.published.filter(([id]) => !storedIds.has(id)).length;
      const lost = notStored - result.heldAfterDrain;
      steps.push({
        broker,
        offered_per_s: rate,
        stored_per_s: Math.round(storedWhileOffered / seconds),
        p50_commit_ms: round(percentile(commitMs, 50)),
        p99_commit_ms: round(percentile(commitMs, 99)),
        p99_feed_ms: round(percentile(result.feedMs, 99)),
        lost,
        pending_after_drain: result.heldAfterDrain,
        duplicated: rows.n - rows.d,
        rss_mb: Math.round(peakRss / 1024 / 1024),
        generated: result.generated,
        p50_feed_ms: round(percentile(result.feedMs, 50)),
        feed_missing: result.feedMissing,
        resent_by_barriers: result.resent,
        deduped_by_gateway: (await dedupedCounter()) - dedupedBefore,
        gateway_cpu_pct: Math.round(((cpu.user + cpu.system) / 1000 / elapsed) * 100),
        load_cpu_pct: result.loadCpuPct,
        p99_broker_ms: round(percentile(transportMs, 99)),
        p99_queue_commit_ms: round(percentile(gatewayMs, 99)),
        gateway_loop_p99_ms: round(loop.percentile(99) / 1e6),
        gateway_loop_max_ms: round(loop.max / 1e6),
        load_loop_p99_ms: result.loopP99Ms,
        avg_batch_rows: round((batches1.rows - batches0.rows) / Math.max(1, batches1.count - batches0.count)),
      });
      console.log(JSON.stringify(steps[steps.length - 1]));
      if (!result.drained || result.journalFailures > 0) console.log(`  step ${name}: drained=${result.drained} journalFailures=${result.journalFailures}`);
    }
  } finally {
    tell({ type: 'stop' });
    await new Promise((r) => load.once('exit', r));
    await gateway.stop();
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return steps;
}

export default async function entries(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { seconds: { type: 'string', default: '60' }, steps: { type: 'string', default: '1000,2000,3000,4000,5000' }, brokers: { type: 'string', default: 'embedded,mosquitto' } } });
  const seconds = Number(values.seconds);
  const rates = String(values.steps).split(',').map(Number);
  const brokers = String(values.brokers).split(',') as Array<'embedded' | 'mosquitto'>;
  const base = await baseline();
  console.log(`baseline: entry writer alone (batches of 200, synchronous=FULL) ${base.rows_per_s} rows/s`);
  const steps: Step[] = [];
  for (const broker of brokers) steps.push(...(await runBroker(broker, rates, seconds)));
  printTable(`entries: ${BARRIERS} barriers, ${seconds} s per step`, steps);
  const file = writeResult('entries', { seconds_per_step: seconds, barriers: BARRIERS, baseline: { writer_only_rows_per_s: base.rows_per_s }, steps });
  console.log(`\nwrote ${file}`);
}
