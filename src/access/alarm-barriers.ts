import type { BarrierCommand } from '../../devices/mqtt-barrier/protocol.js';
import { capabilityKey } from '../core/capabilities.js';
import type { BarrierDriver } from '../../devices/mqtt-barrier/driver.js';
import type { BarrierControl } from './barrier-control.js';

/** What the alarms feature may do with barriers: a command with the alarm as its reason. */
export interface AlarmBarriers {
  knows(gate: string): boolean;
  command(gate: string, command: BarrierCommand, reason: string): Promise<string>;
  /** Called when a barrier reports its arm in `fault` (live state only, not the retained one at start). */
  onFault(listener: (gate: string, at: string, raw: unknown) => void): void;
}

export const ALARM_BARRIERS = capabilityKey<AlarmBarriers>('alarm-barriers');

export function alarmBarriers(control: BarrierControl, driver: BarrierDriver): AlarmBarriers {
  return {
    onFault(listener) {
      driver.on('state', (gate, state, retained) => {
        if (!retained && state.state === 'fault') listener(gate, state.at ?? new Date().toISOString(), state);
      });
    },
    knows: (gate) => control.list().some((b) => b.id === gate),
    async command(gate, command, reason) {
      const outcome = await control.command(gate, command, { issuedBy: 'alarm-linkage', reason });
      return `${command} ok in ${outcome.elapsedMs} ms`;
    },
  };
}
