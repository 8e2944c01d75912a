/**
 * `npm run bench -- district [--sites 50] [--rate 100] [--seconds 60] [--kill-at 30] [--outage-sites 10] [--outage-seconds 120] [--publisher-processes 2]`
 *
 * Light publishers (the gateway's own uplink code: SQLite outbox, NatsLink, OutboxDrain; no full
 * gateway) for `--sites` sites, `--rate` records/s each, for `--seconds`, spread over
 * `--publisher-processes` forked processes (bench/lib/district-publishers-child.ts), into a 3-node
 * nats-server cluster; the district service (the CLI, its own process) writes them into
 * PostgreSQL (fsync on). One NATS node is SIGKILLed at `--kill-at` s. Then `--outage-sites` sites
 * lose their link for `--outage-seconds` (default 300 s, the 5 minutes; only those sites
 * run then, so the rest of the machine is idle) while they keep committing, and the outbox drain
 * rate after it is measured. Where the end-to-end time goes is measured per hop: the publishers
 * time each record's commit -> publish -> ack, the district logs its ingest lag per hop every 10 s
 * (site commit -> stream, stream -> pulled, pulled -> PostgreSQL COMMIT). The CPU of every part (publishers, each nats-server, the district,
 * PostgreSQL, this process) is measured over the load, so the table shows whether the generator
 * is the bottleneck and where the time goes. Baseline in the same run: the seconds before the
 * node kill. Writes bench/results/district.json.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freePort } from '../src/core/net.js';
import { startTs } from '../test/helpers/child.js';
import { startNatsCluster } from '../test/helpers/nats-cluster.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { PublisherPool } from './lib/district-publishers.js';
import { cpuSeconds } from './lib/process-usage.js';
import { summariseCpuProfiles, topFunctions } from './lib/cpu-profile.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';
import type { HopSummary } from '../src/district/ingest-lag.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU of each part of the pipeline over a window, percent of one core: per process, counted only
 * for processes alive at both ends of the window (a node killed in the window is not counted).
 */
function cpuMeter(parts: Record<string, () => number[]>) {
  const read = () => Object.fromEntries(Object.entries(parts).map(([k, pids]) => [k, new Map(pids().map((pid) => [pid, cpuSeconds([pid])]))])) as Record<string, Map<number, number>>;
  let mark = { at: Date.now(), cpu: read(), self: process.cpuUsage() };
  return {
    /** Percent of one core per part since the last call. */
    lap(): Record<string, number> {
      const now = { at: Date.now(), cpu: read(), self: process.cpuUsage() };
      const s = (now.at - mark.at) / 1000;
      const out: Record<string, number> = {};
      for (const k of Object.keys(parts)) {
        let used = 0;
        for (const [pid, t] of now.cpu[k]!) used += t - (mark.cpu[k]!.get(pid) ?? t);
        out[k] = round((used / s) * 100, 0);
      }
      out.bench_process = round(((now.self.user + now.self.system - mark.self.user - mark.self.system) / 1e6 / s) * 100, 0);
      mark = now;
      return out;
    },
  };
}

export default async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sites: { type: 'string', default: '50' },
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '60' },
      'kill-at': { type: 'string', default: '30' },
      'outage-sites': { type: 'string', default: '10' },
      /** The outage of 10 sites: 5 minutes (shorter for a quick look: the drain rate does not depend on it). */
      'outage-seconds': { type: 'string', default: '300' },
      'publisher-processes': { type: 'string', default: '2' },
      /** The sites' SQLite files (default /dev/shm: 50 sites have 50 disks in the field, not one shared one). */
      'site-dir': { type: 'string' },
      /** Write a V8 CPU profile of the district process and print where its time went. */
      profile: { type: 'boolean', default: false },
    },
  });
  const loadAtStart = round(loadavg()[0]!, 1);
  const nSites = Number(values.sites);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const killAt = Number(values['kill-at']);
  const outageSites = Number(values['outage-sites']);
  const outageSeconds = Number(values['outage-seconds']);
  const ids = Array.from({ length: nSites }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-district-'));
  const [cluster, postgres] = await Promise.all([startNatsCluster(ids), startPostgres({ durable: true })]);
  const districtFile = join(dir, 'district.json');
  writeFileSync(
    districtFile,
    JSON.stringify({
      nats: { servers: cluster.urls, user: cluster.district.user, password: cluster.district.password, replicas: 3 },
      postgres: { url: postgres.url, maxConnections: 4 },
      http: { host: '127.0.0.1', port: await freePort() },
      users: [{ name: 'bench', password: 'bench-password-1', role: 'admin' }],
      sites: ids.map((id) => ({ id, name: id })),
      // info: the ingest's lag per hop (one line every 10 s)
      log: { level: 'info', pretty: false },
    }),
  );
  const profileDir = join(dir, 'profile');
  const district = startTs(MAIN, ['district', '--config', districtFile], values.profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {});
  const lagLogs: Array<{ time: number; hops: Record<string, HopSummary> }> = [];
  let partial = '';
  district.process.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('ingest lag')) continue;
      try {
        const j = JSON.parse(line) as { time: number; hops: Record<string, HopSummary> };
        lagLogs.push({ time: j.time, hops: j.hops });
      } catch {
        // not a log line
      }
    }
  });
  const siteDir = mkdtempSync(join(values['site-dir'] ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir()), 'cg-bench-sites-'));
  const publishers = new PublisherPool(ids, Number(values['publisher-processes']), values.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, 'profile-publishers')}`] : []);
  const meter = cpuMeter({
    publishers: () => publishers.pids,
    nats_n1: () => (cluster.nodes[0]!.pid ? [cluster.nodes[0]!.pid] : []),
    nats_n2: () => (cluster.nodes[1]!.pid ? [cluster.nodes[1]!.pid] : []),
    nats_n3: () => (cluster.nodes[2]!.pid ? [cluster.nodes[2]!.pid] : []),
    district: () => (district.process.pid ? [district.process.pid] : []),
    postgres: () => (postgres.pid ? [postgres.pid] : []),
  });
  try {
    await district.waitFor(/district is running/, 60_000);
    await publishers.init(cluster.sites, cluster.urls, siteDir, rate);
    await publishers.report(); // resets the publishers' CPU and loop counters
    meter.lap();
    const began = Date.now();
    await publishers.generate();
    await sleep(killAt * 1000);
    const killedAt = Date.now();
    const cpuBeforeKill = meter.lap();
    const pre = await publishers.report();
    await cluster.kill(1);
    console.log(`node n2 killed at ${killAt} s`);
    await sleep((seconds - killAt) * 1000);
    await publishers.halt();
    const loadEnded = Date.now();
    const cpuAfterKill = meter.lap();
    const gen = await publishers.report();
    const generated = gen.generated;
    const total = [...generated.values()].reduce((a, b) => a + b, 0);
    const settledAfterLoad = await waitRows(postgres.url, total, 120_000);
    const load = await latencies(postgres.url, began, loadEnded);
    const storedEnd = load.lastStored;
    const inWindow = (from: number, to: number) => load.rows.filter((r) => r.committed >= from && r.committed < to).map((r) => r.ms);
    const before = inWindow(began + 3000, killedAt);
    // outside the fault and the start-up: from 3 s after the start (connections, first pulls) to
    // the kill, and from 10 s after the kill to the end
    const outside = load.rows.filter((r) => (r.committed >= began + 3000 && r.committed < killedAt) || r.committed >= killedAt + 10_000).map((r) => r.ms);
    const all = load.rows.map((r) => r.ms);
    const counts = await duplicatesAndLost(postgres.url, generated);
    await cluster.restart(1);

    // outage: `outageSites` sites lose their link while they keep committing, then drain
    const out = ids.slice(0, outageSites);
    await publishers.unlink(out);
    const outageStart = Date.now();
    await publishers.generate(out);
    console.log(`${outageSites} sites offline for ${outageSeconds} s`);
    await sleep(outageSeconds * 1000);
    await publishers.halt();
    const outReport = await publishers.report();
    const backlog = out.reduce((n, s) => n + (outReport.outbox.get(s) ?? 0), 0);
    meter.lap();
    const drainStart = Date.now();
    await publishers.link(out);
    const deadline = Date.now() + 600_000;
    let drained = false;
    while (!drained && Date.now() < deadline) {
      await sleep(250);
      const r = await publishers.report();
      drained = out.every((s) => (r.outbox.get(s) ?? 0) === 0);
    }
    const drainMs = Date.now() - drainStart;
    const cpuDrain = meter.lap();
    const finalGen = outReport.generated;
    const total2 = [...finalGen.values()].reduce((a, b) => a + b, 0);
    const settledAtEnd = await waitRows(postgres.url, total2, 300_000);
    const counts2 = await duplicatesAndLost(postgres.url, finalGen);

    const loadSeconds = (loadEnded - began) / 1000;
    // where the time went before the kill, hop by hop (the district's 10 s periods inside the window)
    const periods = lagLogs.filter((l) => l.time > began + 10_000 && l.time <= killedAt + 1000);
    const e2eBefore = [...before].sort((a, b) => a - b);
    const hopRows = [
      { hop: 'generator tick late (publishers)', ...hopCells(pre.hops.timer_late) },
      { hop: 'site commit -> publish sent (publishers)', ...hopCells(pre.hops.commit_to_send) },
      { hop: 'publish sent -> ack (publishers)', ...hopCells(pre.hops.send_to_ack) },
      { hop: 'site commit -> ack (publishers)', ...hopCells(pre.hops.commit_to_ack) },
      ...(['commit_to_stream', 'stream_to_fetch', 'fetch_to_commit', 'batch_write', 'commit_to_commit'] as const).map((h) => ({ hop: `${h.replace(/_/g, ' ')} (district)`, ...hopCells(worstOf(periods.map((p) => p.hops[h]))) })),
      { hop: 'site commit -> row stored_at (bench, PostgreSQL)', n: e2eBefore.length, p50: round(percentile(e2eBefore, 50), 0), p99: round(percentile(e2eBefore, 99), 0), max: e2eBefore.at(-1) ?? 0 },
    ];
    // CPU cost per record of each part, before the kill (independent of how loaded the machine
    // was): CPU ms per 1,000 records stored, and the rate two idle cores could carry at that cost
    const storedBeforeKill = load.rows.filter((r) => r.committed < killedAt).length;
    const perThousand = Object.fromEntries(Object.entries(cpuBeforeKill).map(([k, pct]) => [k, round(((pct / 100) * ((killedAt - began) / 1000) * 1000) / (Math.max(1, storedBeforeKill) / 1000), 1)]));
    const msPerThousand = Object.values(perThousand).reduce((a, b) => a + b, 0);
    const result = {
      sites: nSites,
      rate_per_site: rate,
      seconds,
      offered_per_s: nSites * rate,
      /** What the publishers committed (below offered when they are starved of CPU). */
      committed_per_s: round(total / loadSeconds, 0),
      /** Records due by the clock the publishers had not committed when the load ended. */
      publisher_behind_at_end: gen.behind,
      stored_per_s: round(load.rows.length / ((storedEnd - began) / 1000), 0),
      p50_ms: round(percentile(outside, 50), 0),
      p99_ms: round(percentile(outside, 99), 0),
      p99_ms_all: round(percentile(all, 99), 0),
      max_ms_all: round(all.reduce((a, b) => Math.max(a, b), 0), 0),
      baseline_before_kill: { p50_ms: round(percentile(before, 50), 0), p99_ms: round(percentile(before, 99), 0) },
      lost: counts2.lost,
      duplicated: counts2.duplicated,
      /** false: PostgreSQL did not hold every record when the bench stopped waiting (lost then counts records still on their way). */
      all_stored_in_time: settledAfterLoad && settledAtEnd,
      lost_after_load: counts.lost,
      duplicated_after_load: counts.duplicated,
      outage: { sites: outageSites, seconds: outageSeconds, backlog, drain_ms: drainMs, began: new Date(outageStart).toISOString() },
      drain_per_s: round(backlog / (drainMs / 1000), 0),
      drain_limit_per_site_per_s: 1000,
      /** Percent of one core per part (the machine has os.cpus().length cores in all). */
      cpu_pct: { before_kill: cpuBeforeKill, after_kill: cpuAfterKill, drain: cpuDrain },
      cpu_ms_per_1000_records: perThousand,
      /** 2 cores' CPU divided by the whole pipeline's CPU cost per record (what an idle 2-core machine could carry). */
      projected_per_s_on_2_idle_cores: round((2 * 1000 * 1000) / Math.max(1, msPerThousand), 0),
      hops_before_kill: hopRows,
      district_lag_periods: periods.map((p) => ({ at_s: round((p.time - began) / 1000, 0), ...Object.fromEntries(Object.entries(p.hops).map(([k, v]) => [k, v.p99])) })),
      publishers_before_kill: { event_loop_p99_ms: round(pre.loopP99Ms, 1), event_loop_max_ms: round(pre.loopMaxMs, 1), cpu_pct_per_process: pre.perProcessCpuPct.map((x) => round(x, 0)) },
      publishers: { processes: publishers.pids.length, cpu_pct_per_process: gen.perProcessCpuPct.map((x) => round(x, 0)), event_loop_p99_ms: round(gen.loopP99Ms, 1), event_loop_max_ms: round(gen.loopMaxMs, 1) },
      load_average: round(loadavg()[0]!, 1),
      load_average_at_start: loadAtStart,
    };
    printTable('district: stored in PostgreSQL', [
      { phase: `baseline (before the kill)`, p50_ms: result.baseline_before_kill.p50_ms, p99_ms: result.baseline_before_kill.p99_ms },
      { phase: 'whole load, outside the fault (10 s) and the first 3 s', committed_per_s: result.committed_per_s, stored_per_s: result.stored_per_s, p50_ms: result.p50_ms, p99_ms: result.p99_ms },
      { phase: 'whole load, all', p99_ms: result.p99_ms_all, max_ms: result.max_ms_all, lost: counts.lost, duplicated: counts.duplicated },
      { phase: `outage of ${outageSites} sites, ${outageSeconds} s`, backlog, drain_per_s: result.drain_per_s, lost: counts2.lost, duplicated: counts2.duplicated },
    ]);
    printTable('where the time goes before the kill, ms (district: worst 10 s period; publishers: worst process)', hopRows);
    printTable('district ingest lag p99 per 10 s period, ms', result.district_lag_periods);
    printTable('CPU, % of one core', [
      { phase: 'load, before the kill', ...cpuBeforeKill },
      { phase: 'load, after the kill', ...cpuAfterKill },
      { phase: 'drain after the outage', ...cpuDrain },
      { phase: 'CPU ms per 1,000 records (before the kill)', ...perThousand },
    ]);
    console.log(`at this CPU cost per record two idle cores carry about ${result.projected_per_s_on_2_idle_cores} records/s`);
    console.log(`publishers before the kill: event-loop delay p99 ${result.publishers_before_kill.event_loop_p99_ms} ms (max ${result.publishers_before_kill.event_loop_max_ms} ms), CPU ${result.publishers_before_kill.cpu_pct_per_process.join(' / ')} %`);
    console.log(`load average at start ${loadAtStart}, at end ${result.load_average}`);
    console.log(`publishers: ${result.publishers.processes} processes, CPU ${result.publishers.cpu_pct_per_process.join(' / ')} %, event-loop delay p99 ${result.publishers.event_loop_p99_ms} ms (max ${result.publishers.event_loop_max_ms} ms), ${gen.behind} records behind the clock at the end`);
    console.log(`wrote ${writeResult('district', result)}`);
  } finally {
    await publishers.close().catch(() => {});
    await district.signal('SIGTERM');
    await cluster.stop();
    await postgres.stop();
    if (values.profile) {
      printTable('district process: CPU profile, self time by area', summariseCpuProfiles(profileDir));
      printTable('district process: functions with the most self time', topFunctions(profileDir));
      printTable('publisher processes: CPU profile, self time by area', summariseCpuProfiles(join(dir, 'profile-publishers')));
      printTable('publisher processes: functions with the most self time', topFunctions(join(dir, 'profile-publishers')));
    }
    if (!process.env.KEEP_BENCH_DIR) rmSync(dir, { recursive: true, force: true });
    rmSync(siteDir, { recursive: true, force: true });
  }
}

function hopCells(h: HopSummary | undefined) {
  return h ? { n: h.n, p50: round(h.p50, 0), p99: round(h.p99, 0), max: round(h.max, 0) } : { n: 0 };
}

function worstOf(list: Array<HopSummary | undefined>): HopSummary | undefined {
  let out: HopSummary | undefined;
  for (const h of list) if (h) out = out ? { n: out.n + h.n, p50: Math.max(out.p50, h.p50), p99: Math.max(out.p99, h.p99), max: Math.max(out.max, h.max) } : { ...h };
  return out;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Waits until PostgreSQL holds `n` entries; answers whether it did within the time (else "lost" counts rows still on their way). */
async function waitRows(url: string, n: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [r] = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM entries');
    if (Number(r!.n) >= n) return true;
    await sleep(250);
  }
  console.log(`PostgreSQL did not hold all ${n} records within ${timeoutMs / 1000} s: "lost" below counts those still on their way`);
  return false;
}

async function latencies(url: string, from: number, to: number): Promise<{ rows: Array<{ committed: number; ms: number }>; lastStored: number }> {
  const rows = await query<{ c: string; s: string }>(
    url,
    'SELECT (extract(epoch FROM committed_at) * 1000)::bigint AS c, (extract(epoch FROM stored_at) * 1000)::bigint AS s FROM entries WHERE committed_at >= $1 AND committed_at < $2',
    [new Date(from), new Date(to)],
  );
  let last = 0;
  const out = rows.map((r) => {
    const c = Number(r.c);
    const s = Number(r.s);
    if (s > last) last = s;
    return { committed: c, ms: s - c };
  });
  return { rows: out, lastStored: last };
}

async function duplicatesAndLost(url: string, generated: Map<string, number>): Promise<{ lost: number; duplicated: number }> {
  const rows = await query<{ site_id: string; n: string; d: string }>(url, 'SELECT site_id, count(*) AS n, count(DISTINCT record_id) AS d FROM entries GROUP BY site_id');
  let lost = 0;
  let duplicated = 0;
  for (const [site, n] of generated) {
    const r = rows.find((x) => x.site_id === site);
    const stored = Number(r?.d ?? 0);
    lost += Math.max(0, n - stored);
    duplicated += Number(r?.n ?? 0) - stored;
  }
  return { lost, duplicated };
}
