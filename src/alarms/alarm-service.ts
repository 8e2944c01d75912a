import { ConflictError, UserError } from '../core/errors.js';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { message, renderMessage, type Message } from '../core/messages.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import type { AlarmStore, Inserted } from './alarm-store.js';
import type { AlarmsConfig } from './config.js';
import type { LinkageRunner } from './linkage.js';
import type { Alarm, AlarmInput, ClosedAs } from './model.js';
import type { LinkageRule } from './rules.js';
import { alarmFeed } from './topics.js';
import { TriggerState } from './trigger.js';

declare module '../core/event-bus.js' {
  interface GatewayEvents {
    /** An alarm was stored (new) or changed. */
    'alarm.changed': { alarm: Alarm; popup: boolean; enlargeS?: number };
  }
}

export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

interface Pending {
  input: AlarmInput;
  stored?: ((committed: boolean) => void) | undefined;
  onStored?: ((result: Inserted) => void) | undefined;
}

/**
 * Every alarm goes through here: stored once (batched, durable), grouped when it is part of a
 * storm, matched against the linkage rules (whose actions run in parallel), shown on the
 * dashboards; then acknowledged and closed by officers, and escalated when nobody acknowledges it.
 */
export class AlarmService implements Service {
  readonly name = 'alarms';
  private queue: Pending[] = [];
  private scheduled = false;
  private running = false;
  private escalationTimer: NodeJS.Timeout | undefined;
  private rules: LinkageRule[] = [];
  private readonly triggers: TriggerState;
  private readonly linkageRuns = new Set<Promise<void>>();
  private onWorkOrder: ((alarm: Alarm, by: string) => void) | undefined;

  constructor(
    private readonly deps: { store: AlarmStore; linkage: LinkageRunner; publisher: MqttPublisher; bus: EventBus; config: AlarmsConfig; log: Logger; clock: Clock },
  ) {
    this.triggers = new TriggerState(deps.config.utcOffsetMinutes);
  }

  setRules(rules: LinkageRule[]): void {
    this.rules = rules;
  }

  currentRules(): readonly LinkageRule[] {
    return this.rules;
  }

  /** Called for rules with `workOrder: true` (the work-order service sets it). */
  setWorkOrderHook(hook: (alarm: Alarm, by: string) => void): void {
    this.onWorkOrder = hook;
  }

  async start(): Promise<void> {
    this.deps.store.open();
    this.running = true;
    this.escalationTimer = setInterval(() => this.escalate(), 1000);
    this.escalationTimer.unref();
    // Alarms stored before a stop whose linkage had not finished: run it now (the officer still sees them).
    for (const alarm of this.deps.store.pendingLinkage()) this.link(alarm, { source: alarm.source, kind: alarm.kind, severity: alarm.severity, location: alarm.location, device: alarm.device, occurredAt: alarm.occurredAt, raw: alarm.raw });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.escalationTimer) clearInterval(this.escalationTimer);
    this.escalationTimer = undefined;
    this.flush();
    this.deps.linkage.stop();
    await Promise.allSettled([...this.linkageRuns]);
    this.deps.store.close();
  }

  /**
   * Queues an alarm for the next commit (this tick's alarms go in one transaction). `stored` is
   * called after the commit (true) or its failure (false): it releases the MQTT acknowledgement of
   * the message that carried it and, when committed, acknowledges the event to its device.
   */
  raise(input: AlarmInput, stored?: (committed: boolean) => void, onStored?: (result: Inserted) => void): void {
    if (!this.running) return; // not acknowledged: the device sends it again
    this.queue.push({ input, stored, onStored });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Raises and waits for it to be stored (manual alarms, tests). */
  raiseNow(input: AlarmInput): Promise<Inserted> {
    return new Promise((resolve, reject) => {
      if (!this.running) return reject(new UserError('alarm.service-stopped', {}, 503, 'unavailable'));
      this.raise(input, undefined, resolve);
    });
  }

  private flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    let results: Inserted[];
    try {
      results = this.deps.store.insert(batch.map((p) => p.input), new Date(this.deps.clock.now()));
    } catch (err) {
      this.deps.log.error({ err, alarms: batch.length }, 'could not store alarms; they are not acknowledged and will be sent again');
      for (const p of batch) p.stored?.(false);
      return;
    }
    for (const [i, result] of results.entries()) {
      const p = batch[i]!;
      p.stored?.(true);
      p.onStored?.(result);
      if (!result.isNew) continue;
      if (result.parent) {
        // Part of a storm: counted on the first alarm of its group, no second pop-up or linkage.
        this.publish(result.parent, false);
        continue;
      }
      this.link(result.alarm, p.input);
    }
  }

  /** Matches the rules and runs the actions of those that fire. */
  private link(alarm: Alarm, input: AlarmInput): void {
    const now = this.deps.clock.now();
    const firing = this.rules.filter((rule) => this.triggers.fires(rule, { ...input, severity: rule.severity ?? input.severity }, now).fires);
    const updated = firing.length ? this.deps.store.update(alarm.id, { rules: JSON.stringify(firing.map((r) => r.id)) }) : alarm;
    const popup = firing.length === 0 || firing.some((r) => r.actions.some((a) => a.type === 'popup'));
    if (!firing.some((r) => r.actions.some((a) => a.type === 'popup'))) this.publish(updated, popup && updated.severity !== 'info');
    const run = Promise.all(firing.map((rule) => this.deps.linkage.run(rule, updated)))
      .then(() => {
        if (this.running) this.deps.store.update(alarm.id, { linkage_done: 1 });
      })
      .catch((err: unknown) => this.deps.log.error({ alarm: alarm.id, err }, 'linkage failed'))
      .finally(() => this.linkageRuns.delete(run));
    this.linkageRuns.add(run);
    for (const rule of firing) if (rule.workOrder) this.onWorkOrder?.(updated, `rule:${rule.id}`);
  }

  /** What the rules would do with this alarm (nothing is stored or run). */
  dryRun(input: AlarmInput, rules: readonly LinkageRule[] = this.rules): DryRunResult[] {
    const now = this.deps.clock.now();
    return rules.map((rule) => {
      const { fires, why } = this.triggers.fires(rule, input, now, false);
      const actions = fires ? rule.actions.map((a) => describeAction(a, input)) : [];
      // English text for API users beside the codes the pages render.
      return { rule: rule.id, fires, why: renderMessage(why.messageCode, why.params), whyMessage: why, actions: actions.map((m) => renderMessage(m.messageCode, m.params)), actionMessages: actions };
    });
  }

  /** The popup action: every console and wall shows the alarm (with its camera). */
  popup(alarm: Alarm, enlargeS: number): void {
    this.publish(alarm, true, enlargeS);
  }

  acknowledge(id: number, by: string): Alarm {
    const alarm = this.deps.store.get(id);
    if (alarm.status === 'acknowledged') throw new ConflictError('alarm.already-acknowledged', { alarm: id, by: alarm.acknowledgedBy ?? '?' });
    if (alarm.status === 'closed') throw new ConflictError('alarm.already-closed', { alarm: id, closedAs: alarm.closedAs ?? '?', by: alarm.closedBy ?? '?' });
    const updated = this.deps.store.update(id, { status: 'acknowledged', acknowledged_by: by, acknowledged_at: new Date(this.deps.clock.now()).toISOString() });
    this.deps.linkage.release(id);
    this.publish(updated, false);
    return updated;
  }

  close(id: number, by: string, as: ClosedAs, note?: string, workOrderId?: number): Alarm {
    const alarm = this.deps.store.get(id);
    if (alarm.status === 'closed') throw new ConflictError('alarm.already-closed', { alarm: id, closedAs: alarm.closedAs ?? '?', by: alarm.closedBy ?? '?' });
    const at = new Date(this.deps.clock.now()).toISOString();
    const updated = this.deps.store.update(id, {
      status: 'closed',
      closed_by: by,
      closed_at: at,
      closed_as: as,
      note: note ?? null,
      ...(workOrderId !== undefined ? { work_order_id: workOrderId } : {}),
      ...(alarm.status === 'raised' ? { acknowledged_by: by, acknowledged_at: at } : {}),
    });
    this.deps.linkage.release(id);
    this.publish(updated, false);
    return updated;
  }

  linkWorkOrder(id: number, workOrderId: number): void {
    this.deps.store.update(id, { work_order_id: workOrderId });
  }

  /** Unacknowledged too long: the next escalation level (sound again, tell the next role). */
  escalate(): void {
    if (!this.running) return;
    const before = new Date(this.deps.clock.now() - this.deps.config.escalateAfterS * 1000).toISOString();
    for (const alarm of this.deps.store.unacknowledged(before)) {
      const level = alarm.escalationLevel + 1;
      const role = this.deps.config.escalationRoles[Math.min(level, this.deps.config.escalationRoles.length) - 1] ?? 'duty supervisor';
      const updated = this.deps.store.update(alarm.id, { escalation_level: level, escalated_at: new Date(this.deps.clock.now()).toISOString() });
      this.deps.store.recordAction(alarm.id, { rule: 'escalation', action: 'escalate', target: role, status: 'ok', detail: `not acknowledged after ${this.deps.config.escalateAfterS * level} s: ${role} notified, sound repeated`, startedAt: new Date().toISOString(), endedAt: new Date().toISOString() });
      this.deps.log.warn({ alarm: alarm.id, level, role }, 'alarm not acknowledged: escalated');
      this.publish(updated, true);
    }
  }

  private publish(alarm: Alarm, popup: boolean, enlargeS?: number): void {
    this.deps.bus.emit('alarm.changed', { alarm, popup, ...(enlargeS !== undefined ? { enlargeS } : {}) });
    this.deps.publisher
      .publish(alarmFeed, { id: String(alarm.id) }, {
        id: alarm.id,
        source: alarm.source,
        kind: alarm.kind,
        severity: alarm.severity,
        status: alarm.status,
        location: alarm.location,
        device: alarm.device,
        occurredAt: alarm.occurredAt,
        cameraId: alarm.cameraId,
        groupCount: alarm.groupCount,
        popup,
        ...(enlargeS !== undefined ? { enlargeS } : {}),
        escalationLevel: alarm.escalationLevel,
        rules: alarm.rules,
      })
      .catch(() => {});
  }
}

/** One rule's answer in a dry run. */
export interface DryRunResult {
  rule: string;
  fires: boolean;
  why: string;
  whyMessage: Message;
  actions: string[];
  actionMessages: Message[];
}

function describeAction(a: LinkageRule['actions'][number], input: AlarmInput): Message {
  switch (a.type) {
    case 'camera':
      return message('rule-action.camera', { camera: a.camera ?? input.cameraId ?? '?', preset: a.preset, seconds: a.returnAfterS });
    case 'speaker':
      return message('rule-action.speaker', { text: a.text, speakers: a.speakers.join(', '), groups: a.groups.join(', ') });
    case 'popup':
      return input.cameraId ? message('rule-action.popup-camera', { camera: input.cameraId }) : message('rule-action.popup');
    case 'siren':
      return message(a.siren ? 'rule-action.siren' : 'rule-action.led', { led: a.led, device: a.device ?? input.device ?? '?', seconds: a.durationS });
    case 'barrier':
      return message('rule-action.barrier', { barrier: a.barrier, command: a.command });
    case 'mqtt':
      return message('rule-action.mqtt');
    case 'webhook':
      return message('rule-action.webhook', { host: new URL(a.url).host });
  }
}
