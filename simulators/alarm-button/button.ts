import { alarmButtonAck, alarmButtonAvailability, alarmButtonCommand, alarmButtonEvent, alarmButtonState, buttonCommandSchema, type ButtonEventPayload, type ButtonState } from '../../devices/alarm-button/protocol.js';
import type { TopicSpec } from '../../src/core/mqtt-contract.js';
import { SimulatedEventDevice, type EventDeviceOptions } from './event-device.js';

/** A simulated one-key alarm button: press, long press (cancel), tamper, battery, LED and siren. */
export class SimulatedAlarmButton extends SimulatedEventDevice<ButtonEventPayload> {
  led: ButtonState['led'] = 'off';
  siren = false;
  /** Every command received, newest last (tests check the siren/LED action). */
  readonly commands: Array<{ command: string; value: string; at: number }> = [];
  private offTimers: NodeJS.Timeout[] = [];

  constructor(options: EventDeviceOptions) {
    const t = (s: unknown) => s as TopicSpec<unknown, 'id'>;
    super(options, { availability: t(alarmButtonAvailability), state: t(alarmButtonState), event: t(alarmButtonEvent), ack: t(alarmButtonAck), command: t(alarmButtonCommand) });
  }

  press(): Promise<ButtonEventPayload> {
    return this.raise('press');
  }

  longPress(): Promise<ButtonEventPayload> {
    return this.raise('long-press');
  }

  async openCase(): Promise<ButtonEventPayload> {
    this.tamper = true;
    this.publishState();
    return this.raise('tamper');
  }

  async drainBattery(level: number): Promise<void> {
    this.battery = Math.max(0, Math.min(100, Math.round(level)));
    this.publishState();
    if (this.battery < 20) await this.raise('battery-low');
  }

  override async stop(): Promise<void> {
    for (const t of this.offTimers) clearTimeout(t);
    this.offTimers = [];
    await super.stop();
  }

  protected statePayload(): ButtonState {
    return { battery: this.battery, tamper: this.tamper, led: this.led, siren: this.siren, at: this.clock().toISOString() };
  }

  protected override onCommand(payload: Buffer): void {
    let command;
    try {
      command = buttonCommandSchema.parse(JSON.parse(payload.toString('utf8')));
    } catch {
      return;
    }
    this.commands.push({ command: command.command, value: command.value, at: Date.now() });
    if (this.commands.length > 100) this.commands.shift();
    const apply = (value: string) => {
      if (command.command === 'led') this.led = value as ButtonState['led'];
      else this.siren = value !== 'off';
      this.publishState();
    };
    apply(command.value);
    if (command.durationS && command.value !== 'off') {
      const timer = setTimeout(() => apply('off'), command.durationS * 1000);
      timer.unref();
      this.offTimers.push(timer);
    }
  }
}
