/**
 * PTZ commands to one camera go out one at a time, in order, and a newer move replaces a move
 * still waiting (latest wins): a joystick's 10 messages a second never pile up behind a slow
 * camera, and a Stop is never overtaken by an older ContinuousMove.
 */
export interface QueuedCommand {
  kind: 'move' | 'stop' | 'other';
  run: () => Promise<void>;
}

export class CommandQueue {
  private busy = false;
  private pending: Array<QueuedCommand & { done: (err?: unknown) => void }> = [];

  constructor(private readonly onError: (err: unknown, kind: QueuedCommand['kind']) => void) {}

  /** Resolves when the command ran (or was replaced by a newer move: resolves too). */
  push(command: QueuedCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = { ...command, done: (err?: unknown) => (err ? reject(err) : resolve()) };
      if (command.kind === 'move' || command.kind === 'stop') {
        // A newer move or a stop makes waiting moves pointless.
        const kept: typeof this.pending = [];
        for (const p of this.pending) {
          if (p.kind === 'move') p.done();
          else kept.push(p);
        }
        this.pending = kept;
      }
      this.pending.push(entry);
      void this.drain();
    });
  }

  get idle(): boolean {
    return !this.busy && this.pending.length === 0;
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.pending.length > 0) {
        const next = this.pending.shift()!;
        try {
          await next.run();
          next.done();
        } catch (err) {
          this.onError(err, next.kind);
          next.done(err);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
