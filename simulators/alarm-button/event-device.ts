import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Logger } from '../../src/core/logger.js';
import { buildTopic, type TopicSpec } from '../../src/core/mqtt-contract.js';
import { eventAckSchema } from '../../devices/alarm-button/event-topics.js';
import { behaviour, type AlarmDeviceBehaviour } from './behaviours.js';
import { DeviceJournal } from '../common/device-journal.js';
import { LinkOutage, closeDevice, connectDevice } from '../common/device-link.js';

export interface EventDeviceOptions {
  id: string;
  password: string;
  baseTopic: string;
  dataDir: string;
  log: Logger;
  /** Resend an unacknowledged event after this long while connected (the contract says 10 s). */
  retransmitMs?: number;
  behaviours?: readonly AlarmDeviceBehaviour[];
  /** Called when an event is published (wire time, performance.now()). */
  onSent?: (eventId: string, at: number) => void;
}

export interface EventDeviceTopics {
  availability: TopicSpec<unknown, 'id'>;
  state: TopicSpec<unknown, 'id'>;
  event: TopicSpec<unknown, 'id'>;
  ack: TopicSpec<unknown, 'id'>;
  command?: TopicSpec<unknown, 'id'>;
}

export interface BaseEvent {
  eventId: string;
  timestamp: string;
  type: string;
  battery?: number | undefined;
  retransmission?: boolean | undefined;
}

/**
 * The MQTT side every simulated alarm device shares: connect with a last will, journal each event
 * durably before publishing it, forget it on the gateway's ack, replay held events after every
 * reconnect and resend overdue ones; faults as field behaviours.
 */
export abstract class SimulatedEventDevice<E extends BaseEvent> {
  readonly journal: DeviceJournal<E>;
  readonly counters = { generated: 0, sent: 0, acknowledged: 0, rejected: 0, commands: 0 };
  battery = 100;
  tamper = false;
  protected client: MqttClient | undefined;
  private mqttUrl = '';
  private seq = 0;
  private readonly boot = Date.now().toString(36);
  private resendTimer: NodeJS.Timeout | undefined;
  private readonly outage = new LinkOutage();
  private readonly sentAt = new Map<string, number>();
  private running = false;
  private clockOffsetMs = 0;

  constructor(
    protected readonly options: EventDeviceOptions,
    private readonly topics: EventDeviceTopics,
  ) {
    this.journal = new DeviceJournal<E>(join(options.dataDir, `${options.id}.events.jsonl`));
  }

  get id(): string {
    return this.options.id;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(mqttUrl: string): Promise<void> {
    this.mqttUrl = mqttUrl;
    await this.journal.open();
    this.running = true;
    this.connect();
    this.resendTimer = setInterval(() => this.resendOverdue(), Math.min(1000, this.retransmitMs));
    this.resendTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.resendTimer) clearInterval(this.resendTimer);
    this.outage.cancel();
    this.resendTimer = undefined;
    await this.disconnect(false);
    await this.journal.close();
  }

  /** Fault: the network goes away for `ms` (no DISCONNECT, so the broker publishes the last will). */
  goOffline(ms: number): void {
    this.outage.begin(
      ms,
      () => void this.disconnect(true),
      () => this.running && this.connect(),
    );
  }

  /** Resolves once the gateway acknowledged every held event (or after timeoutMs). */
  async drained(timeoutMs = 10_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.journal.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return this.journal.size === 0;
  }

  /** The device's own clock (skewed by the clock-skew behaviour). */
  clock(): Date {
    return new Date(Date.now() + this.clockOffsetMs + (behaviour(this.options.behaviours, 'clock-skew')?.offsetMs ?? 0));
  }

  /** Sets the device's clock to `at` from now on (tests of watch hours, a device set to the wrong time). */
  setClock(at: Date): void {
    this.clockOffsetMs = at.getTime() - Date.now();
  }

  /** Journals then publishes an event; resolves once it is on disk (and sent if connected). */
  protected async raise(type: E['type'], extra: Partial<E> = {}): Promise<E> {
    const event = { eventId: `${this.options.id}-${this.boot}-${++this.seq}`, timestamp: this.clock().toISOString(), type, battery: this.battery, ...extra } as E;
    this.counters.generated++;
    await this.journal.append(event);
    this.send(event, false);
    if (behaviour(this.options.behaviours, 'duplicate')) this.send(event, false);
    return event;
  }

  protected abstract statePayload(): unknown;
  protected onCommand(_payload: Buffer): void {}

  protected publishState(): void {
    this.client?.publish(this.topic(this.topics.state), JSON.stringify(this.statePayload()), { qos: 1, retain: true });
  }

  protected topic(spec: TopicSpec<unknown, 'id'>): string {
    return buildTopic(this.options.baseTopic, spec, { id: this.options.id });
  }

  private get retransmitMs(): number {
    return this.options.retransmitMs ?? 10_000;
  }

  private send(event: E, retransmission: boolean): void {
    const client = this.client;
    if (!client?.connected) return;
    this.sentAt.set(event.eventId, Date.now());
    this.counters.sent++;
    this.options.onSent?.(event.eventId, performance.now());
    client.publish(this.topic(this.topics.event), JSON.stringify(retransmission ? { ...event, retransmission: true } : event), { qos: 1 });
  }

  private resendOverdue(): void {
    if (!this.connected || behaviour(this.options.behaviours, 'no-resend')) return;
    const now = Date.now();
    for (const { payload: event } of this.journal.entries()) {
      const sent = this.sentAt.get(event.eventId);
      if (sent === undefined || now - sent >= this.retransmitMs) this.send(event, true);
    }
  }

  private connect(): void {
    const client = connectDevice({ url: this.mqttUrl, id: this.options.id, password: this.options.password, availabilityTopic: this.topic(this.topics.availability) });
    this.client = client;
    client.on('connect', () => {
      if (client !== this.client) return;
      const subs = [this.topic(this.topics.ack), ...(this.topics.command ? [this.topic(this.topics.command)] : [])];
      client.subscribe(subs, { qos: 1 });
      client.publish(this.topic(this.topics.availability), 'online', { qos: 1, retain: true });
      this.publishState();
      for (const { payload: event } of this.journal.entries()) this.send(event, true);
    });
    client.on('close', () => this.sentAt.clear());
    client.on('error', (err) => this.options.log.debug({ device: this.id, err: err.message }, 'alarm device MQTT error'));
    client.on('message', (topic, payload) => {
      if (topic === this.topic(this.topics.ack)) this.onAck(payload);
      else if (this.topics.command && topic === this.topic(this.topics.command)) {
        this.counters.commands++;
        this.onCommand(payload);
      }
    });
  }

  private onAck(payload: Buffer): void {
    let ack;
    try {
      ack = eventAckSchema.parse(JSON.parse(payload.toString('utf8')));
    } catch {
      return;
    }
    this.counters.acknowledged += this.journal.acknowledge(ack.eventIds);
    const rejected = ack.rejected ?? [];
    for (const r of rejected) if (this.journal.reject(r.eventId, r.reason)) this.counters.rejected++;
    for (const id of [...ack.eventIds, ...rejected.map((r) => r.eventId)]) this.sentAt.delete(id);
  }

  private async disconnect(abrupt: boolean): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await closeDevice(client, abrupt, this.topic(this.topics.availability));
  }
}
