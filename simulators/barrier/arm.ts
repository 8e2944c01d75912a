import type { BarrierStateValue, CommandPayload, CommandResultPayload } from '../../devices/mqtt-barrier/protocol.js';

export interface ArmTiming {
  /** Time for the arm to rise. */
  openMs: number;
  /** Time for the arm to fall. */
  closeMs: number;
  /** How long it stays open for one passage before closing by itself. */
  passMs: number;
}

export const DEFAULT_TIMING: ArmTiming = { openMs: 800, closeMs: 1000, passMs: 3000 };

export type CommandBehaviour = 'normal' | 'ignore' | 'fail';

/**
 * The barrier arm: closed -> opening -> open -> closing -> closed with realistic timing. It opens
 * for each granted passage and closes after the last one has passed; `hold-open` keeps it up.
 */
export class Arm {
  private value: BarrierStateValue = 'closed';
  private held = false;
  private timers = new Set<NodeJS.Timeout>();
  private closeTimer: NodeJS.Timeout | undefined;
  private openWaiters: Array<() => void> = [];
  private closeWaiters: Array<() => void> = [];

  constructor(
    private readonly timing: ArmTiming,
    private readonly onChange: (state: BarrierStateValue, holdOpen: boolean) => void,
  ) {}

  get state(): BarrierStateValue {
    return this.value;
  }

  get holdOpen(): boolean {
    return this.held;
  }

  /** Opens (if needed) for one passage and schedules the close after it. */
  pass(): Promise<void> {
    const opened = this.open();
    this.scheduleClose();
    return opened;
  }

  /** Carries out a command; resolves with the result to publish (undefined: ignore it). */
  async command(cmd: CommandPayload, behaviour: CommandBehaviour, now: number): Promise<Omit<CommandResultPayload, 'at'> | undefined> {
    if (behaviour === 'ignore') return undefined;
    if (Date.parse(cmd.expiresAt) < now) return { requestId: cmd.requestId, status: 'refused', error: 'command expired before it arrived', state: this.value };
    if (behaviour === 'fail') return { requestId: cmd.requestId, status: 'failed', error: 'motor fault: arm did not move', state: this.value };
    switch (cmd.command) {
      case 'open':
        await this.pass();
        break;
      case 'hold-open':
        this.held = true;
        this.cancelClose();
        await this.open();
        this.onChange(this.value, true);
        break;
      case 'release':
        this.held = false;
        this.scheduleClose(0);
        await this.closed();
        break;
      case 'close':
        this.held = false;
        this.scheduleClose(0);
        await this.closed();
        break;
    }
    return { requestId: cmd.requestId, status: 'ok', state: this.value };
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.cancelClose();
  }

  private after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private set(state: BarrierStateValue): void {
    this.value = state;
    this.onChange(state, this.held);
    if (state === 'open') for (const w of this.openWaiters.splice(0)) w();
    if (state === 'closed') for (const w of this.closeWaiters.splice(0)) w();
  }

  private open(): Promise<void> {
    if (this.value === 'open') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.openWaiters.push(resolve));
    if (this.value !== 'opening') {
      this.set('opening');
      this.after(this.timing.openMs, () => this.set('open'));
    }
    return done;
  }

  private closed(): Promise<void> {
    if (this.value === 'closed') return Promise.resolve();
    return new Promise<void>((resolve) => this.closeWaiters.push(resolve));
  }

  private cancelClose(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  private scheduleClose(delay = this.timing.passMs): void {
    if (this.held) return;
    this.cancelClose();
    this.closeTimer = setTimeout(() => {
      this.closeTimer = undefined;
      if (this.held) return;
      if (this.value === 'opening') return this.scheduleClose(this.timing.openMs);
      if (this.value !== 'open') return;
      this.set('closing');
      this.after(this.timing.closeMs, () => this.set('closed'));
    }, delay);
  }
}
