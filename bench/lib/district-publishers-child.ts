/**
 * One process of light district publishers for `npm run bench -- district` (forked with IPC):
 * each site is the gateway's own uplink code (SQLite outbox in WAL, NatsLink, OutboxDrain), no full
 * gateway. The bench runs several of these so that the generator has its own cores' worth of
 * event loops and reports its own CPU time and event-loop delay, to show it is not the bottleneck.
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { Metrics } from '../../src/metrics/registry.js';
import { applyMigrations, type Db } from '../../src/store/database.js';
import { OutboxDrain } from '../../src/uplink/drain.js';
import { uplinkMigrations } from '../../src/uplink/migrations.js';
import { NatsLink } from '../../src/uplink/nats-link.js';
import { OutboxStore, prepareOutboxAppend, type OutboxAppend } from '../../src/uplink/outbox.js';
import { HopLag, type HopSummary } from '../../src/district/ingest-lag.js';

export interface PublisherSite {
  id: string;
  user: string;
  password: string;
}

export type PublisherCommand =
  | { op: 'init'; sites: PublisherSite[]; servers: string[]; dir: string; rate: number }
  /** Start generating at `rate` on these sites (others stop), counting from now. */
  | { op: 'generate'; sites: string[] }
  | { op: 'halt' }
  | { op: 'unlink'; sites: string[] }
  | { op: 'link'; sites: string[] }
  | { op: 'report' }
  | { op: 'close' };

export interface PublisherReport {
  generated: Record<string, number>;
  outbox: Record<string, number>;
  /** CPU time of this process since the last report, ms (user + system). */
  cpuMs: number;
  wallMs: number;
  /** Event-loop delay since the last report. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Records due by the clock but not committed yet when the generator stopped (it fell behind). */
  behind: number;
  /** Per acknowledged publish since the last report: row committed -> publish sent -> ack (ms). */
  hops: Partial<Record<PublisherHop, HopSummary>>;
}

export const PUBLISHER_HOPS = ['commit_to_send', 'send_to_ack', 'commit_to_ack', 'timer_late'] as const;
export type PublisherHop = (typeof PUBLISHER_HOPS)[number];

interface LightSite {
  spec: PublisherSite;
  db: Db;
  append: OutboxAppend;
  outbox: OutboxStore;
  link: NatsLink | undefined;
  drain: OutboxDrain | undefined;
  next: number;
  base: number;
  generated: number;
}

const log = silentLogger();
const base = loadConfig({ env: {} }).config.uplink;
const sites = new Map<string, LightSite>();
let servers: string[] = [];
let rate = 100;
let active: LightSite[] = [];
let genStart = 0;
let timer: NodeJS.Timeout | undefined;
let behind = 0;
const loop = monitorEventLoopDelay({ resolution: 10 });
const hops = new HopLag(PUBLISHER_HOPS);
let cpuMark = process.cpuUsage();
let wallMark = Date.now();

function startLink(s: LightSite): void {
  const config = { ...base, enabled: true, servers, user: s.spec.user, password: s.spec.password };
  s.link = new NatsLink(config, s.spec.id, log);
  s.drain = new OutboxDrain({
    ...config,
    siteId: s.spec.id,
    outbox: s.outbox,
    link: s.link,
    metrics: new Metrics({ defaultMetrics: false }),
    log,
    onAck: (committedAt, sentAt, ackedAt) => {
      hops.add('commit_to_send', sentAt - committedAt);
      hops.add('send_to_ack', ackedAt - sentAt);
      hops.add('commit_to_ack', ackedAt - committedAt);
    },
  });
  s.link.start();
  s.drain.start();
}

async function stopLink(s: LightSite): Promise<void> {
  await s.drain?.stop();
  await s.link?.stop();
  s.drain = undefined;
  s.link = undefined;
}

/** Commits, in one transaction per site as the entry writer does, the entries due since genStart. */
function commit(s: LightSite, now: number): void {
  const due = Math.floor(((now - genStart) / 1000) * rate) - (s.next - 1 - s.base);
  const n = Math.min(Math.max(0, due), rate);
  if (!n) return;
  s.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = s.next++;
      s.append('entry', String(id), entryRecord(s.spec.id, id, now), now);
    }
  })();
  s.generated += n;
  s.drain?.wake();
}

function entryRecord(site: string, n: number, now: number) {
  return {
    id: n,
    gate: `${site}-gate-1`,
    eventId: `${site}-${n}`,
    occurredAt: new Date(now).toISOString(),
    direction: n % 2 ? 'in' : 'out',
    credential: { type: 'plate', value: `京A${String(n % 100000).padStart(5, '0')}` },
    result: 'granted',
    reason: 'allow-list',
    plateColor: 'blue',
    vehicleType: 'car',
  };
}

function halt(): void {
  if (timer) clearInterval(timer);
  timer = undefined;
  const now = Date.now();
  behind = active.reduce((n, s) => n + Math.max(0, Math.floor(((now - genStart) / 1000) * rate) - (s.next - 1 - s.base)), 0);
  active = [];
}

function report(): PublisherReport {
  const cpu = process.cpuUsage(cpuMark);
  const now = Date.now();
  const r: PublisherReport = {
    generated: Object.fromEntries([...sites.values()].map((s) => [s.spec.id, s.generated])),
    outbox: Object.fromEntries([...sites.values()].map((s) => [s.spec.id, s.outbox.size()])),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: now - wallMark,
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
    behind,
    hops: hops.take(),
  };
  cpuMark = process.cpuUsage();
  wallMark = now;
  loop.reset();
  return r;
}

async function handle(cmd: PublisherCommand): Promise<unknown> {
  switch (cmd.op) {
    case 'init': {
      servers = cmd.servers;
      rate = cmd.rate;
      for (const spec of cmd.sites) {
        const db = new BetterSqlite3(join(cmd.dir, `${spec.id}.sqlite`));
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        applyMigrations(db, [uplinkMigrations], log);
        const site: LightSite = { spec, db, append: prepareOutboxAppend(db, base.maxOutboxRows), outbox: new OutboxStore(() => db, base.maxOutboxRows), link: undefined, drain: undefined, next: 1, base: 0, generated: 0 };
        sites.set(spec.id, site);
        startLink(site);
      }
      loop.enable();
      report();
      return { maxPublishPerSecond: base.maxPublishPerSecond };
    }
    case 'generate': {
      halt();
      genStart = Date.now();
      active = cmd.sites.map((id) => sites.get(id)!).filter(Boolean);
      for (const s of active) s.base = s.next - 1;
      behind = 0;
      let lastTick = genStart;
      timer = setInterval(() => {
        const now = Date.now();
        // how late the generator's tick fired (its records are stamped with the time it did fire)
        hops.add('timer_late', now - lastTick - 100);
        lastTick = now;
        for (const s of active) commit(s, now);
      }, 100);
      return null;
    }
    case 'halt':
      halt();
      return null;
    case 'unlink':
      for (const id of cmd.sites) await stopLink(sites.get(id)!);
      return null;
    case 'link':
      for (const id of cmd.sites) startLink(sites.get(id)!);
      return null;
    case 'report':
      return report();
    case 'close':
      halt();
      loop.disable();
      for (const s of sites.values()) {
        await stopLink(s).catch(() => {});
        s.db.close();
      }
      sites.clear();
      return null;
  }
}

process.on('message', (m: { seq: number; cmd: PublisherCommand }) => {
  handle(m.cmd).then(
    (data) => process.send?.({ seq: m.seq, ok: true, data }, () => m.cmd.op === 'close' && process.disconnect?.()),
    (err: unknown) => process.send?.({ seq: m.seq, ok: false, error: String(err) }),
  );
});
