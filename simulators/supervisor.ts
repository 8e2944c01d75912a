/**
 * Runs the demo community's simulators in child processes, one per device kind
 * (simulators/community-process.ts), so that no simulator fault can take the gateway down.
 * A child that exits on its own is logged with its reason and started again after a back-off,
 * on the same ports with the same credentials; stop() ends every child (and a child ends by
 * itself when its IPC channel closes, so none outlives a killed gateway).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '../src/core/logger.js';
import { appendMerge, MEMBERS } from './community.js';
import type { FromChild, ToChild } from './community-process.js';

const ENTRY = fileURLToPath(new URL('./community-process.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A simulator process that could not get ready (its reason in plain words). */
export class SimulatorStartError extends Error {
  override readonly name = 'SimulatorStartError';
}

export interface SimulatorSupervisorOptions {
  /** Device kinds to run (default: every kind of the community). */
  kinds?: readonly string[];
  dataDir: string;
  host: string;
  log: Logger;
  logLevel: string;
  pretty?: boolean;
  /** Restart back-off: first wait, doubling up to the last; reset after a child ran `stableMs`. */
  restart?: { initialMs: number; maxMs: number; stableMs: number };
  /** How long a child may take to plan or to start its devices. */
  readyTimeoutMs?: number;
}

type Phase = 'planned' | 'started';

/** One kind's child process, restarted when it dies. */
class SimulatorChild {
  child: ChildProcess | undefined;
  plan: Extract<FromChild, { type: 'planned' }> | undefined;
  /** Whether the devices should be running (start() was called and stop() was not). */
  private wanted: { mqttUrl?: string } | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private startedAt = 0;
  private stderrTail: string[] = [];
  private fatalReason: string | undefined;
  restarts = 0;

  constructor(
    readonly kind: string,
    readonly usesMqtt: boolean,
    private readonly o: Required<Omit<SimulatorSupervisorOptions, 'kinds' | 'pretty'>> & { pretty?: boolean },
  ) {
    this.backoffMs = o.restart.initialMs;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the child and waits for its plan (ports and configuration). */
  async spawn(): Promise<void> {
    const args = ['--kind', this.kind, '--data-dir', this.o.dataDir, '--host', this.o.host, '--log-level', this.o.logLevel];
    if (this.plan) args.push('--ports', JSON.stringify(this.plan.ports));
    if (this.o.pretty) args.push('--pretty');
    // detached: its own process group, so a Ctrl+C in the terminal reaches only the gateway, which stops it
    const child = fork(ENTRY, args, { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'inherit', 'pipe', 'ipc'], detached: true, serialization: 'json' });
    this.child = child;
    this.stderrTail = [];
    this.fatalReason = undefined;
    this.startedAt = Date.now();
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderrTail.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim()));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - 20));
    });
    child.on('message', (m: FromChild) => {
      if (m.type === 'fatal') this.fatalReason = m.reason;
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (err) => this.o.log.warn({ kind: this.kind, err }, 'simulator process error'));
    const planned = await this.waitFor(child, 'planned');
    if (this.plan && JSON.stringify(planned.gatewayConfig) !== JSON.stringify(this.plan.gatewayConfig)) {
      this.o.log.warn({ kind: this.kind }, 'the restarted simulators chose another configuration than the gateway has; restart the gateway to use them');
    }
    this.plan ??= planned;
  }

  /** Starts the devices in the child (the cameras before the gateway, MQTT devices after it). */
  async start(mqttUrl?: string): Promise<void> {
    this.wanted = { mqttUrl };
    const child = this.child;
    if (!child) return; // restarting: the new child is started when it has planned
    await this.startIn(child);
  }

  private async startIn(child: ChildProcess): Promise<void> {
    const message: ToChild = { type: 'start', ...(this.wanted?.mqttUrl ? { mqttUrl: this.wanted.mqttUrl } : {}) };
    const started = this.waitFor(child, 'started');
    child.send(message);
    await started;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wanted = undefined;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      if (child.connected) child.send({ type: 'stop' } satisfies ToChild);
      else child.kill('SIGTERM');
    });
  }

  /** Resolves with the child's next message of `type`; rejects when it exits first or takes too long. */
  private waitFor<T extends Phase>(child: ChildProcess, type: T): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new SimulatorStartError(`the simulated ${this.kind} did not get ready within ${this.o.readyTimeoutMs / 1000} s`)), this.o.readyTimeoutMs);
      const onMessage = (m: FromChild) => {
        if (m.type === type) done(undefined, m as Extract<FromChild, { type: T }>);
      };
      const onExit = () => setImmediate(() => done(new SimulatorStartError(`the simulated ${this.kind} stopped before they were ready (${this.exitReason(child.exitCode, child.signalCode)})`)));
      const done = (err?: Error, m?: Extract<FromChild, { type: T }>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(m!);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }

  private exitReason(code: number | null, signal: NodeJS.Signals | null): string {
    if (this.fatalReason) return this.fatalReason;
    const last = this.stderrTail.filter((l) => /error|exception/i.test(l)).at(-1) ?? this.stderrTail.at(-1);
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    return last ? `${how}; last error output: ${last.trim().slice(0, 300)}` : how;
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    // a turn later: its last IPC message (the reason) and error output arrive after 'exit'
    setImmediate(() => this.afterExit(child, code, signal));
  }

  private afterExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    // before its first plan a child's end is a failed start: spawn() reports it, nothing restarts
    if (this.stopping || !this.plan) return;
    const ranMs = Date.now() - this.startedAt;
    if (ranMs >= this.o.restart.stableMs) this.backoffMs = this.o.restart.initialMs;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.o.restart.maxMs, this.backoffMs * 2);
    this.o.log.warn(
      { kind: this.kind, childPid: child.pid, code, signal, reason: this.exitReason(code, signal), restartInMs: delay },
      `the simulated ${this.kind} stopped unexpectedly; starting them again in ${Math.round(delay / 100) / 10} s (the gateway keeps running)`,
    );
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    this.restartTimer = undefined;
    if (this.stopping) return;
    try {
      await this.spawn();
      const child = this.child;
      if (this.wanted && child) await this.startIn(child);
      this.restarts++;
      this.o.log.info({ kind: this.kind, childPid: this.child?.pid, restarts: this.restarts }, `the simulated ${this.kind} are running again`);
    } catch (err) {
      // the child's exit handler schedules the next try; a child that hangs is ended so that it does
      this.o.log.warn({ kind: this.kind, err: err instanceof Error ? err.message : String(err) }, `the simulated ${this.kind} did not come back`);
      const child = this.child;
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}

/** The demo community, one child process per device kind. */
export class SimulatorSupervisor {
  readonly name = 'simulator-supervisor';
  private readonly children: SimulatorChild[];

  constructor(options: SimulatorSupervisorOptions) {
    const o = {
      dataDir: options.dataDir,
      host: options.host,
      log: options.log,
      logLevel: options.logLevel,
      pretty: options.pretty,
      restart: options.restart ?? { initialMs: 1000, maxMs: 30_000, stableMs: 60_000 },
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    };
    const members = MEMBERS.filter((m) => !options.kinds || options.kinds.length === 0 || options.kinds.includes(m.kind));
    this.children = members.map((m) => new SimulatorChild(m.kind, m.usesMqtt, o));
  }

  /** Starts every child and waits for its plan: after this, gatewayConfig() and describe() are known. */
  async plan(): Promise<void> {
    try {
      await Promise.all(this.children.map((c) => c.spawn()));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  gatewayConfig(): Record<string, unknown> {
    return this.children.reduce<Record<string, unknown>>((acc, c) => appendMerge(acc, c.plan?.gatewayConfig ?? {}) as Record<string, unknown>, {});
  }

  describe(): string[] {
    return this.children.flatMap((c) => c.plan?.describe ?? []);
  }

  /** Starts the devices that need no broker (cameras): before the gateway, which then finds them up. */
  async startStandalone(): Promise<void> {
    await Promise.all(this.children.filter((c) => !c.usesMqtt).map((c) => c.start()));
  }

  /** Starts the MQTT devices against the gateway's broker. */
  async startMqtt(mqttUrl: string): Promise<void> {
    await Promise.all(this.children.filter((c) => c.usesMqtt).map((c) => c.start(mqttUrl)));
  }

  /** Process ids of the running children, by kind. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.children.map((c) => [c.kind, c.pid]));
  }

  /** Stops the MQTT devices (they leave the broker cleanly while the gateway still runs). */
  async stopMqtt(): Promise<void> {
    await Promise.all(this.children.filter((c) => c.usesMqtt).map((c) => c.stop()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop()));
  }
}
