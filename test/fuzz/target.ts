/**
 * The gateway under fuzzing as a child process, and the one runner every fuzz target shares (the
 * vitest files and `npm run bench -- fuzz`). A case is: make sure the gateway runs (restart it
 * after a crash), act on it within the case's deadline, then check that the process is alive and
 * /healthz answers 200. A case fails when the gateway died or stopped answering (a crash) or the
 * act outlived its deadline (a hang). RSS of the child is sampled from /proc around every case.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const CHILD = fileURLToPath(new URL('./gateway-child.ts', import.meta.url));

export interface RouteInfo {
  method: string;
  path: string;
  access: string;
}

export interface GatewayInfo {
  url: string;
  pid: number;
  mqttPort: number | null;
  routes: RouteInfo[];
  wsEndpoints: Array<{ path: string; access: string }>;
}

export type Role = 'admin' | 'officer' | 'viewer';
export const FUZZ_USERS: Record<Role, { name: string; password: string; role: Role }> = {
  admin: { name: 'fuzz-admin', password: 'fuzz-admin-password-7c1', role: 'admin' },
  officer: { name: 'fuzz-officer', password: 'fuzz-officer-password-7c1', role: 'officer' },
  viewer: { name: 'fuzz-viewer', password: 'fuzz-viewer-password-7c1', role: 'viewer' },
};

/** Resident memory of a process, MiB (VmRSS of /proc/<pid>/status); 0 when it is gone. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function tail(text: string, max = 4000): string {
  return text.length > max ? text.slice(-max) : text;
}

/** A gateway in a child process: started from a config file, restarted after a crash. */
export class FuzzGateway {
  private child: ChildProcess | undefined;
  private output = '';
  info!: GatewayInfo;
  /** How many times the process died and was started again. */
  restarts = 0;
  /** The last lines the process wrote before each death (the uncaught error is there). */
  readonly deaths: string[] = [];
  private readonly tokens = new Map<Role, string>();

  constructor(
    private readonly dir: string,
    config: Record<string, unknown>,
  ) {
    writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config, null, 2));
  }

  get url(): string {
    return this.info.url;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, join(this.dir, 'gateway.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    this.tokens.clear();
    const onData = (d: Buffer) => (this.output = tail(this.output + d.toString(), 16_000));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.info = await new Promise<GatewayInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the fuzzed gateway did not start in 60 s:\n${tail(this.output)}`)), 60_000);
      const check = () => {
        const m = /FUZZ-READY (\{.*\})\n/.exec(this.output);
        if (!m) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(JSON.parse(m[1]!) as GatewayInfo);
      };
      child.stdout!.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the fuzzed gateway exited (${code ?? signal}) while starting:\n${tail(this.output)}`));
      });
    });
  }

  /** Starts the process again if it died; returns whether it had to. */
  async ensureRunning(): Promise<boolean> {
    if (this.alive()) return false;
    this.noteDeath();
    await this.kill();
    this.restarts++;
    await this.start();
    return true;
  }

  /** Kills and starts the process (after a crash or a hang that left it unusable). */
  async restart(): Promise<void> {
    this.noteDeath();
    await this.kill();
    this.restarts++;
    await this.start();
  }

  private noteDeath(): void {
    const lines = this.output
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('FUZZ-READY'))
      .slice(-25)
      .join('\n');
    if (lines) this.deaths.push(lines);
    this.output = '';
  }

  /** The error the process printed last (its first line and code), else its last lines. */
  lastOutput(): string {
    const lines = this.output.trim().split('\n').slice(-60);
    const at = lines.findIndex((l) => /^(\w*Error|Uncaught|node:internal)\b|^\w+Error:/.test(l.trim()));
    if (at < 0) return lines.slice(-8).join('\n');
    const code = lines.find((l) => /^\s*code: /.test(l));
    return [...lines.slice(at, at + 3), ...(code ? [code] : [])].join('\n');
  }

  /**
   * Undefined when the process is alive and /healthz answers 200 within `timeoutMs` (polled: a
   * 503 while the gateway's MQTT connection comes back is waited out), else why not.
   */
  async unhealthy(timeoutMs = 5000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (!this.alive()) return `the gateway process died (${this.child?.exitCode ?? this.child?.signalCode}):\n${this.lastOutput()}`;
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(Math.max(100, deadline - Date.now())) });
        await res.arrayBuffer();
        if (res.status === 200) return undefined;
        last = `/healthz answered ${res.status}`;
      } catch (err) {
        last = `/healthz did not answer (${(err as Error).message})`;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!this.alive()) return `the gateway process died (${this.child?.exitCode ?? this.child?.signalCode}):\n${this.lastOutput()}`;
    return `${last} for ${timeoutMs} ms`;
  }

  /** A login token of the role's fuzz user (logged in again when it stopped working). */
  async token(role: Role, fresh = false): Promise<string> {
    const known = this.tokens.get(role);
    if (known && !fresh) return known;
    const u = FUZZ_USERS[role];
    const res = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.url },
      body: JSON.stringify({ name: u.name, password: u.password }),
    });
    if (res.status !== 200) throw new Error(`login of ${u.name} failed: ${res.status} ${await res.text()}`);
    const token = ((await res.json()) as { token: string }).token;
    this.tokens.set(role, token);
    return token;
  }

  /** Logs in again every role whose token no longer works (a fuzzed logout revokes it). */
  async refreshTokens(): Promise<void> {
    for (const [role, token] of this.tokens) {
      const res = await fetch(`${this.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (res.status === 401) await this.token(role, true);
    }
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }

  private async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill(signal);
    });
  }
}

/** Case counts, seed and time budget from the environment (FUZZ_RUNS, FUZZ_SEED, FUZZ_TIME_MS). */
export interface FuzzSettings {
  /** Cases per target, spread over its endpoints / routes / topics. */
  runs: number;
  seed: number;
  /** Time budget per target; the cases left when it runs out are skipped (reported). */
  timeLimitMs: number;
  /** Only the parts whose name matches this regular expression (FUZZ_ONLY), e.g. `talk`. */
  only: string | undefined;
  /** Replays one counterexample (FUZZ_PATH, with FUZZ_ONLY naming its part). */
  path: string | undefined;
}

export const DEFAULT_SEED = 20261201;

export function fuzzSettings(defaults: { runs: number; timeLimitMs: number }, env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);
  return { runs: num(env.FUZZ_RUNS, defaults.runs), seed: num(env.FUZZ_SEED, DEFAULT_SEED), timeLimitMs: num(env.FUZZ_TIME_MS, defaults.timeLimitMs), only: env.FUZZ_ONLY || undefined, path: env.FUZZ_PATH || undefined };
}

/** The seed of one part: the run's seed mixed with the part's name (FNV-1a). */
export function partSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193);
  return (seed ^ h) | 0;
}

/** One part of a target: an endpoint, a route or a topic, with its generator and its act. */
export interface FuzzCase<T> {
  /** e.g. `ws /api/feed`, `POST /api/access/lists/items`. */
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Sends one input to the gateway; may resolve early, is given up on after deadlineMs. */
  act(input: T, gw: FuzzGateway): Promise<void>;
  deadlineMs: number;
  /** Frees what a hung act left behind (e.g. an answer still trickling). */
  onHang?(): void;
}

export interface FuzzOutcome {
  name: string;
  cases: number;
  /** Cases left untried when a part's share of the time budget ran out. */
  skipped: number;
  crashes: number;
  hangs: number;
  restarts: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  /** Largest steady growth (end minus start) over one lifetime of the process. */
  rssGrowthMb: number;
  /** fast-check's report of each failing part (seed, path, minimal counterexample). */
  failures: string[];
  /** What the gateway printed before each death. */
  deaths: string[];
  durationMs: number;
}

/** Thrown by an act (or by the runner at the deadline) when the gateway kept a case waiting too long. */
export class CaseHung extends Error {}

async function withDeadline(work: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CaseHung(`${what} outlived its ${ms} ms deadline`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every part of a target against the gateway. mode 'assert' (tests): a failing case fails its
 * part, fast-check shrinks it, and the report names the seed and path to replay. mode 'count'
 * (bench): every case runs, a crash or hang is counted, the gateway restarted, and the run goes on.
 */
export async function runTarget<T>(
  name: string,
  parts: readonly FuzzCase<T>[],
  gw: FuzzGateway,
  settings: FuzzSettings,
  mode: 'assert' | 'count',
): Promise<FuzzOutcome> {
  const started = Date.now();
  const deathsBefore = gw.deaths.length;
  const restartsBefore = gw.restarts;
  await new Promise((r) => setTimeout(r, 500));
  const outcome: FuzzOutcome = { name, cases: 0, skipped: 0, crashes: 0, hangs: 0, restarts: 0, rssStartMb: rssMb(gw.pid), rssPeakMb: 0, rssEndMb: 0, rssGrowthMb: 0, failures: [], deaths: [], durationMs: 0 };
  let lifeStart = outcome.rssStartMb;
  const sample = () => {
    const now = rssMb(gw.pid);
    outcome.rssPeakMb = Math.max(outcome.rssPeakMb, now);
    return now;
  };
  const perPartRuns = Math.max(1, Math.ceil(settings.runs / parts.length));
  const perPartMs = Math.max(1000, Math.floor(settings.timeLimitMs / parts.length));
  const only = settings.only ? new RegExp(settings.only) : undefined;
  for (const part of parts) {
    if (only && !only.test(part.name)) continue;
    const partDeadline = Date.now() + perPartMs;
    let failedOnce = false;
    const property = fc.asyncProperty(part.arbitrary, async (input) => {
      // Past the part's time budget the remaining cases pass untried (counted), unless a failure is being shrunk.
      if (!failedOnce && Date.now() > partDeadline) {
        outcome.skipped++;
        return;
      }
      if (await gw.ensureRunning()) {
        // It died after the previous case's health check passed: a crash all the same.
        outcome.crashes++;
        lifeStart = rssMb(gw.pid);
      }
      outcome.cases++;
      const before = rssMb(gw.pid);
      let failure: string | undefined;
      try {
        await withDeadline(part.act(input, gw), part.deadlineMs, part.name);
      } catch (err) {
        if (!(err instanceof CaseHung)) throw err;
        part.onHang?.();
        outcome.hangs++;
        failure = err.message;
      }
      const sick = await gw.unhealthy();
      if (sick) {
        outcome.crashes++;
        failure = failure ? `${failure}; ${sick}` : sick;
      }
      // Growth within one case is this input's doing (the whole run's growth is checked at the end).
      const grown = sample() - before;
      if (!failure && grown > RSS_GROWTH_LIMIT_MB && mode === 'assert') failure = `the gateway's RSS grew by ${grown.toFixed(0)} MiB in this case (limit ${RSS_GROWTH_LIMIT_MB})`;
      if (!failure) return;
      if (mode === 'assert') {
        failedOnce = true;
        // Kill now so that the next run (a shrink step) starts from a fresh gateway.
        if (sick || grown > RSS_GROWTH_LIMIT_MB) await gw.restart();
        lifeStart = rssMb(gw.pid);
        throw new Error(failure);
      }
      outcome.rssGrowthMb = Math.max(outcome.rssGrowthMb, rssMb(gw.pid) - lifeStart);
      // Counted, not shrunk: keep what failed and on which input (the first few), for the report.
      if (outcome.failures.length < 30) outcome.failures.push(`${part.name}: ${failure} (input ${compact(JSON.stringify(input) ?? '').slice(0, 400)})`);
      await gw.restart();
      lifeStart = rssMb(gw.pid);
    });
    const details = await fc.check(property, {
      numRuns: perPartRuns,
      // Each part its own stream of cases, the same for a given FUZZ_SEED whatever FUZZ_ONLY selects.
      seed: partSeed(settings.seed, part.name),
      // The budget is enforced above; this bounds the shrinking of a failure (a restart per step).
      interruptAfterTimeLimit: perPartMs + 45_000,
      ...(settings.path ? { path: settings.path } : {}),
      verbose: 0,
    });
    if (details.failed) {
      const report = (fc.defaultReportMessage(details) ?? '').replace(/\nHint: .*/g, '');
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      const replay = `FUZZ_SEED=${settings.seed} FUZZ_ONLY='${part.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' FUZZ_PATH='${details.counterexamplePath ?? ''}'`;
      outcome.failures.push(`${part.name}:\n${compact(report)}\nWhat failed: ${compact(error).slice(0, 1500)}\nReplay: ${replay}`);
    }
  }
  await new Promise((r) => setTimeout(r, 500));
  outcome.rssEndMb = sample();
  outcome.rssGrowthMb = Math.max(outcome.rssGrowthMb, outcome.rssEndMb - lifeStart);
  outcome.restarts = gw.restarts - restartsBefore;
  outcome.deaths = gw.deaths.slice(deathsBefore);
  outcome.durationMs = Date.now() - started;
  return outcome;
}

/** Shortens runs of a repeated unit (huge strings, deep nesting) in a report: `⟦A×1500000⟧`. */
export function compact(text: string): string {
  return text.replace(/([\s\S]{1,8}?)\1{19,}/g, (run, unit: string) => `⟦${unit}×${run.length / unit.length}⟧`);
}

/** The RSS bound every target asserts: growth of the gateway over the run (generous: GC noise). */
export const RSS_GROWTH_LIMIT_MB = 150;

/** A short text of an outcome for test failure messages. */
export function describeOutcome(o: FuzzOutcome): string {
  const head = `${o.name}: ${o.cases} cases (${o.skipped} left untried: time budget), ${o.crashes} crashes, ${o.hangs} hangs, RSS ${o.rssStartMb.toFixed(0)} -> ${o.rssEndMb.toFixed(0)} MiB (peak ${o.rssPeakMb.toFixed(0)})`;
  const counts = new Map<string, number>();
  for (const d of o.deaths) counts.set(d, (counts.get(d) ?? 0) + 1);
  const deaths = [...counts].map(([d, n]) => `--- ${n} death(s) with these last lines of the gateway ---\n${d}`).join('\n');
  return [head, ...o.failures, deaths].filter(Boolean).join('\n\n');
}
