import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  readonly process: ChildProcess;
  /** Waits for a line of stdout matching `pattern` (from the start of the output). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  write(line: string): void;
  /** Sends the signal and waits for the exit. */
  signal(signal: NodeJS.Signals): Promise<void>;
  readonly stderr: string;
  /** The last 100 KB of its standard output (for a failing test's message). */
  readonly stdout: string;
}

/** A TypeScript module or the CLI in a child process of its own (tsx), its output kept for waits. */
export function startTs(file: string, args: string[], options: { cwd?: string; nodeArgs?: string[] } = {}): Child {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', file, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-100_000)));
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  child.stdin!.on('error', () => {});
  return {
    process: child,
    get stderr() {
      return err;
    },
    get stdout() {
      return out;
    },
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(out);
        if (m) return m;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${file} exited (${child.exitCode ?? child.signalCode}) before ${pattern}: ${err.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`${file}: no ${pattern} within ${timeoutMs} ms: ${err.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    write(line) {
      child.stdin!.write(`${line}\n`);
    },
    async signal(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}
