import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Logger } from '../../src/core/logger.js';
import { buildTopic } from '../../src/core/mqtt-contract.js';
import {
  ackPayloadSchema,
  barrierAck,
  barrierAvailability,
  barrierCommand,
  barrierCommandResult,
  barrierEntry,
  barrierLists,
  barrierListsApplied,
  barrierState,
  commandPayloadSchema,
  listsPayloadSchema,
  type EntryPayload,
} from '../../devices/mqtt-barrier/protocol.js';
import { barrierPasses, barrierPassesApplied, passesPayloadSchema } from '../../devices/mqtt-barrier/passes-protocol.js';
import { LocalPasses } from './local-passes.js';
import type { BarrierBehaviour } from './behaviours.js';
import { Arm, DEFAULT_TIMING, type ArmTiming, type CommandBehaviour } from './arm.js';
import { EntryJournal } from './journal.js';
import { LinkOutage, closeDevice, connectDevice } from '../common/device-link.js';
import { LocalLists } from './local-lists.js';
import type { Passage } from './traffic.js';

export interface SimulatedBarrierOptions {
  id: string;
  password: string;
  baseTopic: string;
  /** Journal and list copy live here. */
  dataDir: string;
  log: Logger;
  lanes?: readonly string[];
  timing?: ArmTiming;
  /** Resend an entry that is not acknowledged after this long (while connected). */
  retransmitMs?: number;
  /** Most entries published and not yet acknowledged. */
  maxInFlight?: number;
  /** What happens to credentials on neither list. */
  visitors?: 'grant' | 'deny';
  /** Open the arm for granted passages (off in load tests, where it would only add state messages). */
  animateArm?: boolean;
  /** Prefix of event ids (benchmarks tag their steps with it). */
  eventPrefix?: string;
  /** Called when an entry is published (attempt 1 = first time) and when acknowledgements arrive. */
  onSent?: (eventId: string, attempt: number) => void;
  onAcked?: (eventIds: readonly string[]) => void;
  /** Field behaviours (see behaviours.ts). */
  behaviours?: readonly BarrierBehaviour[];
}

export interface BarrierCounters {
  generated: number;
  acknowledged: number;
  held: number;
  rejected: number;
  sent: number;
  /** Sent again because no acknowledgement came in time (the resend timer). */
  resent: number;
  /** Sent again after a (re)connect: the replay of what was held. */
  replayed: number;
  duplicatesSent: number;
  malformedSent: number;
  /** Messages from the gateway side it could not read (logged and ignored). */
  malformedReceived: number;
  commands: number;
}

/**
 * A simulated gate barrier speaking the MQTT barrier contract: decides locally from its lists,
 * keeps each entry in its journal until the gateway acknowledges it, replays held entries in
 * order after every (re)connect and resends overdue ones; obeys commands with arm timing.
 * Faults: offline for a while, duplicate sends, malformed payloads, clock skew, commands ignored or failing.
 */
export class SimulatedBarrier {
  readonly journal: EntryJournal;
  readonly lists: LocalLists;
  /** Visitor passes issued by the gateway, decided by the barrier's own clock. */
  readonly passes: LocalPasses;
  private client: MqttClient | undefined;
  private mqttUrl = '';
  private readonly arm: Arm;
  private readonly sentAt = new Map<string, number>();
  /** When each entry was first resent by the timer (tests check that nothing waited for it). */
  private readonly resentAt = new Map<string, number>();
  private queue: string[] = [];
  private queueIndex = 0;
  private seq = 0;
  private readonly boot = Date.now().toString(36);
  private retransmitTimer: NodeJS.Timeout | undefined;
  private readonly outage = new LinkOutage();
  private running = false;
  readonly counters: BarrierCounters = { generated: 0, acknowledged: 0, held: 0, rejected: 0, sent: 0, resent: 0, replayed: 0, duplicatesSent: 0, malformedSent: 0, malformedReceived: 0, commands: 0 };
  /** Fault knobs (see the class comment). */
  readonly faults = { duplicateRate: 0, clockSkewMs: 0, commands: 'normal' as CommandBehaviour };

  private readonly options: SimulatedBarrierOptions;
  /** Entries made while connected: sent live; every other send is a replay (flagged as a retransmission). */
  private readonly live = new Set<string>();

  constructor(options: SimulatedBarrierOptions) {
    this.options = { ...options };
    for (const b of options.behaviours ?? []) {
      if (b.name === 'clock-skew') this.faults.clockSkewMs = b.offsetMs;
    }
    this.journal = new EntryJournal(join(options.dataDir, `${options.id}.journal`));
    this.lists = new LocalLists(join(options.dataDir, `${options.id}.lists.json`), options.visitors ?? 'grant');
    this.passes = new LocalPasses(join(options.dataDir, `${options.id}.passes.json`));
    this.arm = new Arm(options.timing ?? DEFAULT_TIMING, () => this.publishState());
  }

  get id(): string {
    return this.options.id;
  }

  /** Prefix of the next event ids (benchmarks tag each load step). */
  setEventPrefix(prefix: string): void {
    this.options.eventPrefix = prefix;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Where the arm is now (tests check remote commands against it). */
  get armState(): { state: string; holdOpen: boolean } {
    return { state: this.arm.state, holdOpen: this.arm.holdOpen };
  }

  get offline(): boolean {
    return this.outage.active;
  }

  async start(mqttUrl: string): Promise<void> {
    this.mqttUrl = mqttUrl;
    await this.journal.open();
    this.lists.load();
    this.passes.load();
    this.running = true;
    this.connect();
    this.retransmitTimer = setInterval(() => this.retransmitOverdue(), Math.min(1000, this.retransmitMs));
  }

  /** Stops like a power cut would: nothing is flushed beyond what the journal already has. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.retransmitTimer) clearInterval(this.retransmitTimer);
    this.outage.cancel();
    this.retransmitTimer = undefined;
    this.arm.stop();
    await this.disconnect(false);
    await this.journal.close();
  }

  /** A credential presented at the barrier: decide, keep, send. Resolves once the entry is durable. */
  async present(passage: Passage & { lane?: string }): Promise<EntryPayload> {
    const { credential } = passage;
    const listed = credential.type === 'qr' && LocalPasses.isPass(credential.value) ? this.passes.decide(credential.value, this.clock()) : this.lists.decide(credential);
    // A visitor's registered plate: admitted inside its pass, unless the deny list names it.
    const visitorPlate = credential.type === 'plate' && listed.reason !== 'deny-list' && listed.reason !== 'allow-list' ? this.passes.decidePlate(credential.value, this.clock()) : undefined;
    const decision = visitorPlate ?? listed;
    const lanes = this.options.lanes ?? ['lane-1'];
    const entry: EntryPayload = {
      eventId: this.nextEventId(),
      timestamp: this.clock().toISOString(),
      direction: passage.direction,
      lane: passage.lane ?? lanes[this.seq % lanes.length]!,
      credential: passage.credential,
      result: decision.result,
      reason: decision.reason,
      ...(passage.plateColor ? { plateColor: passage.plateColor } : {}),
      ...(passage.vehicleType ? { vehicleType: passage.vehicleType } : {}),
      ...(passage.credential.type === 'plate' ? { snapshot: `snap/${this.options.id}/${this.seq}.jpg`, confidence: 90 + (this.seq % 10) } : {}),
    };
    this.counters.generated++;
    await this.journal.append(entry);
    if (this.connected) this.live.add(entry.eventId);
    this.queue.push(entry.eventId);
    this.pump();
    if (entry.result === 'granted' && this.options.animateArm !== false) void this.arm.pass();
    return entry;
  }

  /** Fault: the network goes away for `ms` (no DISCONNECT, so the broker publishes the last will). */
  goOffline(ms: number): void {
    this.outage.begin(
      ms,
      () => void this.disconnect(true),
      () => this.running && this.connect(),
    );
  }

  /** Fault: publishes a payload that breaks the contract (not journaled: it is not an entry the barrier keeps). */
  sendMalformed(kind: 'not-json' | 'bad-field' | 'missing-field' = 'bad-field'): string {
    const eventId = `${this.options.id}-bad-${++this.seq}`;
    const payloads = {
      'not-json': '{"eventId": "broken',
      'bad-field': JSON.stringify({ eventId, timestamp: new Date().toISOString(), direction: 'sideways', credential: { type: 'plate', value: '豫A00000' }, result: 'granted' }),
      'missing-field': JSON.stringify({ eventId, direction: 'in', result: 'granted' }),
    };
    this.counters.malformedSent++;
    this.client?.publish(this.topic(barrierEntry), payloads[kind], { qos: 1 });
    return eventId;
  }

  /** The barrier's own clock (skewed by the clock-skew behaviour). */
  clock(): Date {
    return new Date(Date.now() + this.faults.clockSkewMs);
  }

  private nextEventId(): string {
    const id = `${this.options.eventPrefix ?? ''}${this.options.id}-${this.boot}-${++this.seq}`;
    const long = this.options.behaviours?.find((b) => b.name === 'long-event-id');
    return long && long.name === 'long-event-id' ? id.padEnd(long.length, 'x').slice(0, Math.max(long.length, id.length)) : id;
  }

  private get retransmitMs(): number {
    return this.options.retransmitMs ?? 10_000;
  }

  private topic(spec: Parameters<typeof buildTopic>[1]): string {
    return buildTopic(this.options.baseTopic, spec, { id: this.options.id });
  }

  private connect(): void {
    const client = connectDevice({ url: this.mqttUrl, id: this.options.id, password: this.options.password, availabilityTopic: this.topic(barrierAvailability) });
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('close', () => {
      this.sentAt.clear();
      this.live.clear(); // not sent before the connection dropped: replayed later, as retransmissions
    });
    client.on('error', (err) => this.options.log.debug({ barrier: this.id, err: err.message }, 'barrier MQTT error'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  private async disconnect(abrupt: boolean): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.sentAt.clear();
    if (!client) return;
    await closeDevice(client, abrupt, this.topic(barrierAvailability));
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client) return;
    client.subscribe([this.topic(barrierAck), this.topic(barrierCommand), this.topic(barrierLists), this.topic(barrierPasses)], { qos: 1 });
    client.publish(this.topic(barrierAvailability), 'online', { qos: 1, retain: true });
    this.publishState();
    this.publishApplied();
    this.publishPassesApplied();
    // Replay: every held entry, oldest first.
    this.sentAt.clear();
    this.queue = [...this.journal.entries()].map((h) => h.payload.eventId);
    this.queueIndex = 0;
    this.pump();
  }

  /** Every inbound message, whatever it holds: a malformed one is logged, counted and ignored; the barrier goes on. */
  private onMessage(topic: string, payload: Buffer): void {
    const ignored = (err: unknown) => {
      this.counters.malformedReceived++;
      this.options.log.warn({ barrier: this.id, topic, err: err instanceof Error ? err.message : String(err) }, 'barrier ignored a malformed message');
    };
    try {
      if (topic === this.topic(barrierAck)) this.onAck(payload);
      else if (topic === this.topic(barrierCommand)) this.onCommand(payload).catch(ignored);
      else if (topic === this.topic(barrierLists)) this.onLists(payload);
      else if (topic === this.topic(barrierPasses)) this.onPasses(payload);
    } catch (err) {
      ignored(err);
    }
  }

  private onAck(raw: Buffer): void {
    const ack = ackPayloadSchema.parse(JSON.parse(raw.toString('utf8')));
    const n = this.journal.acknowledge(ack.eventIds);
    this.counters.acknowledged += n;
    for (const id of ack.eventIds) this.sentAt.delete(id);
    for (const r of ack.rejected ?? []) {
      if (this.journal.reject(r.eventId, r.reason)) this.counters.rejected++;
      this.sentAt.delete(r.eventId);
      this.options.log.warn({ barrier: this.id, eventId: r.eventId, reason: r.reason }, 'the gateway rejected an entry');
    }
    if (n > 0) this.options.onAcked?.(ack.eventIds);
    this.pump();
  }

  private async onCommand(raw: Buffer): Promise<void> {
    const cmd = commandPayloadSchema.parse(JSON.parse(raw.toString('utf8')));
    this.counters.commands++;
    const result = await this.arm.command(cmd, this.faults.commands, Date.now());
    if (!result) return;
    this.client?.publish(this.topic(barrierCommandResult), JSON.stringify({ ...result, at: this.clock().toISOString() }), { qos: 1 });
    if (cmd.command === 'open' && result.status === 'ok') {
      // The vehicle the officer let through is recorded like any other passage.
      void this.present({ credential: { type: 'remote', value: cmd.requestId }, direction: 'in', ...(cmd.lane ? { lane: cmd.lane } : {}) }).catch(() => {});
    }
  }

  private onLists(raw: Buffer): void {
    const lists = listsPayloadSchema.parse(JSON.parse(raw.toString('utf8')));
    if (this.lists.apply(lists)) this.publishApplied();
  }

  private onPasses(raw: Buffer): void {
    const passes = passesPayloadSchema.parse(JSON.parse(raw.toString('utf8')));
    if (this.passes.apply(passes)) this.publishPassesApplied();
  }

  private publishPassesApplied(): void {
    const version = this.passes.appliedVersion;
    if (version === undefined || !this.client?.connected) return;
    this.client.publish(this.topic(barrierPassesApplied), JSON.stringify({ version, at: this.clock().toISOString(), passes: this.passes.size }), { qos: 1, retain: true });
  }

  private publishState(): void {
    if (!this.client?.connected) return;
    const payload = { state: this.arm.state, holdOpen: this.arm.holdOpen, at: this.clock().toISOString() };
    this.client.publish(this.topic(barrierState), JSON.stringify(payload), { qos: 1, retain: true });
  }

  private publishApplied(): void {
    const version = this.lists.appliedVersion;
    if (version === undefined || !this.client?.connected) return;
    this.client.publish(this.topic(barrierListsApplied), JSON.stringify({ version, at: this.clock().toISOString(), ...this.lists.sizes }), { qos: 1, retain: true });
  }

  /** Sends queued entries while the in-flight window allows. */
  private pump(): void {
    const client = this.client;
    if (!client?.connected) return;
    const max = this.options.maxInFlight ?? 100;
    while (this.queueIndex < this.queue.length && this.sentAt.size < max) {
      const id = this.queue[this.queueIndex++]!;
      const held = this.journal.get(id);
      if (held && !this.sentAt.has(id)) this.send(client, held.payload, ++held.attempts, 'replay');
    }
    if (this.queueIndex > 10_000 && this.queueIndex * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueIndex);
      this.queueIndex = 0;
    }
  }

  private send(client: MqttClient, payload: EntryPayload, attempt: number, why: 'replay' | 'resend'): void {
    // Anything not sent as it happened is a retransmission: the gateway then knows its time may be old.
    const live = attempt === 1 && this.live.delete(payload.eventId);
    const body = JSON.stringify(live ? payload : { ...payload, retransmission: true });
    const now = Date.now();
    this.sentAt.set(payload.eventId, now);
    client.publish(this.topic(barrierEntry), body, { qos: 1 });
    this.counters.sent++;
    if (why === 'resend') {
      this.counters.resent++;
      if (!this.resentAt.has(payload.eventId) && this.resentAt.size < 1_000_000) this.resentAt.set(payload.eventId, now);
    } else if (attempt > 1) this.counters.replayed++;
    this.options.onSent?.(payload.eventId, attempt);
    if (this.faults.duplicateRate > 0 && Math.random() < this.faults.duplicateRate) {
      client.publish(this.topic(barrierEntry), body, { qos: 1 });
      this.counters.duplicatesSent++;
    }
  }

  private retransmitOverdue(): void {
    const client = this.client;
    if (!client?.connected) return;
    const now = Date.now();
    for (const [id, at] of this.sentAt) {
      const held = this.journal.get(id);
      if (!held) {
        this.sentAt.delete(id);
        continue;
      }
      // Back off (x2 per attempt, at most x8): a slow gateway is not buried under resends.
      if (now - at < this.retransmitMs * 2 ** Math.min(held.attempts - 1, 3)) continue;
      this.send(client, held.payload, ++held.attempts, 'resend');
    }
  }

  /** When the resend timer first sent this entry again (epoch ms), or undefined if it never did. */
  resentAtOf(eventId: string): number | undefined {
    return this.resentAt.get(eventId);
  }

  /** Counters with the current number of held entries. */
  snapshot(): BarrierCounters {
    return { ...this.counters, held: this.journal.size };
  }
}
