/**
 * `npm run bench -- fuzz [casesPerTarget] [target...]`: the fuzz suite's targets (test/fuzz) run
 * long (default 10,000 cases per target) against a gateway in a child process. A crash (the
 * process died or /healthz stopped answering) or a hang (a case past its deadline) is counted, the
 * gateway restarted, and the run goes on. Baseline in the same run, on the same stack: the idle
 * gateway's RSS growth over the same window as the target (capped at FUZZ_BASELINE_MAX_S, 120 s).
 * Writes bench/results/fuzz.json: {"targets": [{"name", "cases", "crashes", "rss_growth_mb", ...}]}.
 * Targets: ws, routes, mqtt, soap. FUZZ_SEED sets the seed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, round, writeResult } from './lib/report.js';
import { MqttClients, mqttParts } from '../test/fuzz/mqtt-target.js';
import { routeParts, type ServerErrors } from '../test/fuzz/routes-target.js';
import { soapParts } from '../test/fuzz/soap-target.js';
import { startFuzzStack, type FuzzStack } from '../test/fuzz/stack.js';
import { fuzzSettings, rssMb, runTarget, type FuzzCase, type FuzzOutcome } from '../test/fuzz/target.js';
import { wsParts } from '../test/fuzz/ws-target.js';

interface TargetDef {
  name: string;
  speaker: boolean;
  parts(stack: FuzzStack, extra: { serverErrors: ServerErrors; clients: MqttClients }): FuzzCase<never>[];
}

const TARGETS: Record<string, TargetDef> = {
  ws: { name: 'ws frames', speaker: true, parts: (s) => wsParts(s.gateway.info) as FuzzCase<never>[] },
  routes: { name: 'http bodies', speaker: true, parts: (s, e) => routeParts(s.gateway.info, e.serverErrors) as FuzzCase<never>[] },
  mqtt: { name: 'mqtt payloads', speaker: false, parts: (_s, e) => mqttParts(e.clients) as FuzzCase<never>[] },
  soap: { name: 'soap answers', speaker: false, parts: (s) => soapParts(s.camera) as FuzzCase<never>[] },
};

/** RSS growth of the idle gateway over a window (the baseline each target is compared with). */
async function idleGrowth(stack: FuzzStack, windowMs: number): Promise<number> {
  const start = rssMb(stack.gateway.pid);
  await new Promise((r) => setTimeout(r, windowMs));
  return rssMb(stack.gateway.pid) - start;
}

async function runOne(key: string, def: TargetDef, cases: number): Promise<{ outcome: FuzzOutcome; idleMb: number; idleS: number; serverErrors: number }> {
  const stack = await startFuzzStack({ speaker: def.speaker });
  const clients = new MqttClients(stack.mqttUrl);
  const serverErrors: ServerErrors = new Map();
  try {
    const parts = def.parts(stack, { serverErrors, clients });
    // No time budget worth the name: the case count decides (the deadline of each case still holds).
    const settings = fuzzSettings({ runs: cases, timeLimitMs: 6 * 3600_000 }, { ...process.env, FUZZ_RUNS: String(cases), FUZZ_TIME_MS: undefined });
    console.log(`${key}: ${parts.length} parts, ${cases} cases (seed ${settings.seed})...`);
    const outcome = await runTarget(def.name, parts, stack.gateway, settings, 'count');
    const idleS = Math.min(outcome.durationMs / 1000, Number(process.env.FUZZ_BASELINE_MAX_S ?? 120));
    await stack.gateway.restart();
    const idleMb = await idleGrowth(stack, idleS * 1000);
    return { outcome, idleMb, idleS, serverErrors: [...serverErrors.values()].reduce((n, e) => n + e.count, 0) };
  } finally {
    clients.close();
    await stack.stop();
  }
}

export default async function fuzzBench(args: string[]): Promise<void> {
  const cases = Number(args[0] ?? 10_000);
  const chosen = args.slice(1).length ? args.slice(1) : Object.keys(TARGETS);
  const unknown = chosen.filter((k) => !TARGETS[k]);
  if (unknown.length) throw new Error(`unknown fuzz targets ${unknown.join(', ')}; known: ${Object.keys(TARGETS).join(', ')}`);
  const results = [];
  for (const key of chosen) {
    const r = await runOne(key, TARGETS[key]!, cases);
    results.push(r);
    const o = r.outcome;
    console.log(`${key}: ${o.cases} cases, ${o.crashes} crashes, ${o.hangs} hangs in ${round(o.durationMs / 1000, 1)} s`);
    for (const d of new Set(o.deaths)) console.log(`  a death, the gateway's last lines:\n${d.replace(/^/gm, '    ')}`);
    for (const f of o.failures) console.log(`  failed: ${f}`);
  }
  printTable(`fuzz: ${cases} cases per target; crashes = process died or /healthz stopped answering, hangs = a case past its deadline`, [
    ...results.map(({ outcome: o, idleMb, idleS, serverErrors }) => ({
      target: o.name,
      cases: o.cases,
      crashes: o.crashes,
      hangs: o.hangs,
      'answers >= 500': serverErrors,
      'rss growth MiB': round(o.rssGrowthMb, 1),
      'rss peak MiB': round(o.rssPeakMb, 1),
      [`idle growth MiB (baseline)`]: round(idleMb, 1),
      'idle window s': round(idleS, 0),
      seconds: round(o.durationMs / 1000, 1),
    })),
  ]);
  const measured = results.map(({ outcome: o, idleMb, idleS, serverErrors }) => ({
      name: o.name,
      cases_requested: cases,
      cases: o.cases,
      crashes: o.crashes + o.hangs,
      rss_growth_mb: round(o.rssGrowthMb, 1),
      process_deaths_or_unhealthy: o.crashes,
      hangs: o.hangs,
      server_errors: serverErrors,
      rss_start_mb: round(o.rssStartMb, 1),
      rss_end_mb: round(o.rssEndMb, 1),
      rss_peak_mb: round(o.rssPeakMb, 1),
      baseline: { name: 'idle gateway, same stack', seconds: round(idleS, 0), rss_growth_mb: round(idleMb, 1) },
      seconds: round(o.durationMs / 1000, 1),
      deaths: [...new Set(o.deaths)],
      failures: o.failures,
    }));
  // Targets can run in separate invocations (side by side): keep the other targets' last results.
  const kept = previousTargets().filter((t) => !measured.some((m) => m.name === t.name));
  const file = writeResult('fuzz', { seed: fuzzSettings({ runs: cases, timeLimitMs: 0 }).seed, targets: [...kept, ...measured] });
  console.log(`wrote ${file}`);
}

function previousTargets(): Array<{ name: string }> {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'fuzz.json');
  if (!existsSync(file)) return [];
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { targets?: Array<{ name: string }> };
    return Array.isArray(data.targets) ? data.targets : [];
  } catch {
    return [];
  }
}
