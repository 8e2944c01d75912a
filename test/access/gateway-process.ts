import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/barrier-gateway.ts', import.meta.url));

/** A gateway in a child process (for SIGKILL tests): same config file and data directory on every start. */
export class GatewayProcess {
  private child: ChildProcess | undefined;
  private said = '';
  url = '';

  /** The last 20 KB its process wrote (its log), for a failing test's message. */
  get output(): string {
    return this.said;
  }

  constructor(
    private readonly dir: string,
    private readonly config: Record<string, unknown>,
  ) {
    writeFileSync(join(dir, 'gateway.yaml'), JSON.stringify(config, null, 2));
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, join(this.dir, 'gateway.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let err = '';
    const keep = (d: Buffer) => (this.said = (this.said + d.toString()).slice(-20_000));
    child.stderr?.on('data', (d: Buffer) => ((err += d.toString()), keep(d)));
    this.url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`gateway process did not start: ${err}`)), 60_000); // a loaded CI machine can take > 20 s to start a gateway in a fresh process
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /READY (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway process exited with ${code}: ${err}`));
      });
    });
    child.stdout?.removeAllListeners('data');
    child.stdout?.on('data', keep);
  }

  /** SIGKILL: no chance to flush, acknowledge or say goodbye. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: a clean stop. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
