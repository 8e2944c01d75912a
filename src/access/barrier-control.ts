import type { BarrierDriver, CommandOutcome } from '../../devices/mqtt-barrier/driver.js';
import type { BarrierCommand, StatePayload } from '../../devices/mqtt-barrier/protocol.js';
import { DeviceUnavailableError, NotFoundError } from '../core/errors.js';
import type { Service } from '../core/lifecycle.js';
import type { DevicePresenceTracker } from '../mqtt/device-presence.js';
import type { BarrierClock, BarrierClocks } from './clock.js';
import { capabilityKey } from '../core/capabilities.js';

export interface BarrierView {
  id: string;
  availability: string;
  /** When the availability last changed (null: never seen). */
  since: string | null;
  state: StatePayload | null;
  /** The barrier's clock offset from the gateway's (null before any live observation). */
  clock: BarrierClock | null;
}

/** What each barrier is doing (retained state) and remote commands to it. */
export class BarrierControl implements Service {
  readonly name = 'access-barriers';
  private readonly states = new Map<string, StatePayload>();

  constructor(
    private readonly deps: { gates: readonly string[]; driver: BarrierDriver; presence: DevicePresenceTracker; clocks?: BarrierClocks },
  ) {}

  async start(): Promise<void> {
    this.deps.driver.on('state', (gate, state) => this.states.set(gate, state));
  }

  async stop(): Promise<void> {}

  list(): BarrierView[] {
    const ids = new Set([...this.deps.gates, ...this.states.keys(), ...this.deps.presence.list().filter((p) => p.kind === 'barriers').map((p) => p.id)]);
    return [...ids].sort().map((id) => this.view(id));
  }

  view(id: string): BarrierView {
    const presence = this.deps.presence.get('barriers', id);
    if (!presence && !this.states.has(id) && !this.deps.gates.includes(id)) throw new NotFoundError('barrier.not-found', { barrier: id });
    return { id, availability: presence?.availability ?? 'unknown', since: presence?.since ?? null, state: this.states.get(id) ?? null, clock: this.deps.clocks?.clockOf(id) ?? null };
  }

  /** Sends a command; refuses at once when the barrier is known to be offline. */
  async command(id: string, command: BarrierCommand, options: { issuedBy: string; reason: string; lane?: string | undefined }): Promise<CommandOutcome> {
    const barrier = this.view(id);
    if (barrier.availability === 'offline') throw new DeviceUnavailableError('barrier.offline', { barrier: id, command });
    return this.deps.driver.command(id, command, options);
  }
}

/** The barriers' own command path (offline check, driver, result), for integrations such as Home Assistant. */
export type BarrierCommands = Pick<BarrierControl, 'command'>;
export const BARRIER_COMMANDS = capabilityKey<BarrierCommands>('barrier-commands');
