import { isUtf8 } from 'node:buffer';
import type { Counter } from 'prom-client';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { PayloadError, compilePattern, isMirrored, matchLevels, topicFilter, type CompiledPattern, type TopicSpec } from '../core/mqtt-contract.js';
import type { Metrics } from '../metrics/registry.js';
import type { DeliveryControl, MqttConnection } from './connection.js';
import type { ContractMirror } from './mirror.js';
import type { MqttPublisher } from './publisher.js';
import { gatewayErrors } from './gateway-topics.js';

export interface InboundMessage<T, P extends string = string> {
  topic: string;
  params: Record<P, string>;
  payload: T;
  retained: boolean;
  raw: Buffer;
  /**
   * Holds the message's MQTT acknowledgement until the returned function is called (a handler that
   * keeps the message in memory until it is stored). Without it, the acknowledgement goes when the
   * handler returns.
   */
  defer(): () => void;
}

/** Refusals logged and published on gateway/errors per device and minute; the rest are counted and summed up. */
export const INVALID_REPORTS_PER_MINUTE = 10;
const REPORT_WINDOW_MS = 60_000;

export type InboundHandler<T, P extends string = string> = (message: InboundMessage<T, P>) => void | Promise<void>;

/**
 * Receives every inbound topic of the contract, validates the payload against the topic's
 * schema and hands it to the feature that handles it. An invalid message is reported on
 * `<base>/gateway/errors`, logged and counted; nothing else is affected.
 */
export class ContractRouter implements Service {
  readonly name = 'mqtt-router';
  private readonly handlers = new Map<string, InboundHandler<unknown>>();
  private unsubscribers: Array<() => void> = [];
  private invalid: Counter<'topic_name'> | undefined;
  private received: Counter<'topic_name'> | undefined;
  private readonly compiled: ReadonlyArray<{ spec: TopicSpec<unknown, string>; pattern: CompiledPattern }>;
  /** Gateway-to-device topics the gateway also listens to (what integrations send devices directly). */
  private readonly observed: Array<{ spec: TopicSpec<unknown, string>; pattern: CompiledPattern; handler: InboundHandler<unknown> }> = [];
  /** Per device (`<kind>/<id>`) and contract topic: refusals reported in the current minute, and those only counted. */
  private readonly reports = new Map<string, { reported: number; suppressed: number }>();
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      base: string;
      inbound: readonly TopicSpec<unknown, string>[];
      connection: MqttConnection;
      publisher: MqttPublisher;
      mirror: ContractMirror;
      bus: EventBus;
      metrics: Metrics;
      log: Logger;
    },
  ) {
    this.compiled = deps.inbound.map((spec) => ({ spec, pattern: compilePattern(spec.pattern) }));
  }

  /** Registers the handler of an inbound topic (one per topic). Call before start(). */
  handle<T, P extends string>(spec: TopicSpec<T, P>, handler: InboundHandler<T, P>): void {
    if (spec.direction !== 'to-gateway') throw new Error(`${spec.name} is not an inbound topic`);
    if (this.handlers.has(spec.name)) throw new Error(`${spec.name} already has a handler`);
    this.handlers.set(spec.name, handler as InboundHandler<unknown>);
  }

  /**
   * Listens to a gateway-to-device topic (e.g. commands an integration sends a barrier directly,
   * to audit them). Its own messages come back too: the handler tells them apart. Call before start().
   */
  observe<T, P extends string>(spec: TopicSpec<T, P>, handler: InboundHandler<T, P>): void {
    if (spec.direction !== 'from-gateway') throw new Error(`${spec.name} is not a gateway-to-device topic`);
    this.observed.push({ spec: spec as TopicSpec<unknown, string>, pattern: compilePattern(spec.pattern), handler: handler as InboundHandler<unknown> });
  }

  async start(): Promise<void> {
    const { deps } = this;
    this.invalid = deps.metrics.counter('gateway_mqtt_invalid_messages_total', 'Inbound MQTT messages refused by the contract', ['topic_name']);
    this.received = deps.metrics.counter('gateway_mqtt_messages_received_total', 'Valid inbound MQTT messages', ['topic_name']);
    this.reportTimer = setInterval(() => this.summarise(), REPORT_WINDOW_MS);
    this.reportTimer.unref();
    this.unsubscribers.push(deps.connection.onMessage((topic, payload, retained, delivery) => this.dispatch(topic, payload, retained, delivery)));
    this.unsubscribers.push(
      deps.connection.onConnect(() => {
        for (const spec of [...deps.inbound, ...this.observed.map((o) => o.spec)]) {
          deps.connection.subscribe(topicFilter(deps.base, spec), spec.qos).catch((err: Error) => deps.log.error({ err: err.message, topic: spec.name }, 'subscribe failed'));
        }
      }),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribers) off();
    this.unsubscribers = [];
    if (this.reportTimer) clearInterval(this.reportTimer);
    this.reportTimer = undefined;
    this.summarise();
  }

  private dispatch(topic: string, raw: Buffer, retained: boolean, delivery: DeliveryControl): void {
    const { deps } = this;
    if (!topic.startsWith(`${deps.base}/`)) return;
    const levels = topic.slice(deps.base.length + 1).split('/');
    for (const { spec, pattern } of this.compiled) {
      const params = matchLevels(pattern, levels);
      if (!params) continue;
      if (spec.payload.format !== 'binary' && !isUtf8(raw)) {
        this.reject(topic, spec, 'payload is not valid UTF-8 (text and JSON payloads must be UTF-8)', raw, 'invalid-utf8');
        return;
      }
      let payload: unknown;
      try {
        payload = spec.payload.decode(raw);
      } catch (err) {
        this.reject(topic, spec, err instanceof PayloadError ? err.message : `undecodable payload (${String(err)})`, raw);
        return;
      }
      this.received?.inc({ topic_name: spec.name });
      if (isMirrored(spec)) deps.mirror.emit({ topic: topic.slice(deps.base.length + 1), name: spec.name, payload, retained: spec.retained });
      const handler = this.handlers.get(spec.name);
      if (!handler) return;
      try {
        const result = handler({ topic, params, payload, retained, raw, defer: delivery.defer });
        if (result instanceof Promise) result.catch((err: unknown) => this.handlerFailed(topic, spec, err, raw));
      } catch (err) {
        this.handlerFailed(topic, spec, err, raw);
      }
      return;
    }
    for (const { spec, pattern, handler } of this.observed) {
      const params = matchLevels(pattern, levels);
      if (!params) continue;
      let payload: unknown;
      try {
        payload = spec.payload.decode(raw);
      } catch {
        return; // not ours to report: the device answers what it receives
      }
      try {
        const result = handler({ topic, params, payload, retained, raw, defer: delivery.defer });
        if (result instanceof Promise) result.catch((err: unknown) => deps.log.error({ topic, err }, `observer of ${spec.name} failed`));
      } catch (err) {
        deps.log.error({ topic, err }, `observer of ${spec.name} failed`);
      }
      return;
    }
  }

  private handlerFailed(topic: string, spec: TopicSpec<unknown, string>, err: unknown, raw?: Buffer): void {
    if (err instanceof PayloadError) {
      this.reject(topic, spec, err.message, raw);
      return;
    }
    this.deps.log.error({ topic, err }, `handler of ${spec.name} failed`);
  }

  /**
   * Reports a refused message: counter and bus event always; log line and `gateway/errors` for the
   * first INVALID_REPORTS_PER_MINUTE of each device and topic in a minute, then one summary line per minute
   * ("device X sent M more malformed messages").
   */
  reject(topic: string, spec: TopicSpec<unknown, string> | undefined, reason: string, raw?: Buffer, code = 'invalid-payload'): void {
    const { deps } = this;
    const name = spec?.name ?? 'unknown';
    this.invalid?.inc({ topic_name: name });
    deps.bus.emit('mqtt.invalid', { topic, reason, code, ...(raw ? { raw } : {}) });
    const key = `${deviceOf(deps.base, topic)} ${name}`;
    let report = this.reports.get(key);
    if (!report) {
      if (this.reports.size >= 10_000) this.summarise(); // bounded: one entry per device and topic that misbehaved this minute
      this.reports.set(key, (report = { reported: 0, suppressed: 0 }));
    }
    if (report.reported >= INVALID_REPORTS_PER_MINUTE) {
      report.suppressed++;
      return;
    }
    report.reported++;
    deps.log.warn({ topic, reason, code }, 'refused an invalid MQTT message');
    deps.publisher.publish(gatewayErrors, {}, { topic, reason, at: new Date().toISOString() }).catch(() => {});
  }

  /** Ends the reporting minute: one line (and one error message) per device whose refusals were only counted. */
  summarise(): void {
    const { deps } = this;
    for (const [key, { suppressed }] of this.reports) {
      if (suppressed === 0) continue;
      const [device, name] = key.split(' ');
      const reason = `device ${device} sent ${suppressed} more malformed messages on ${name} in the last minute (not reported one by one)`;
      deps.log.warn({ device, topic: name, suppressed }, reason);
      deps.publisher.publish(gatewayErrors, {}, { topic: `${deps.base}/${device}`, reason, at: new Date().toISOString() }).catch(() => {});
    }
    this.reports.clear();
  }
}

/** `<kind>/<id>` of a device topic under the base (`barriers/gate-1`), or the topic itself. */
function deviceOf(base: string, topic: string): string {
  const levels = topic.startsWith(`${base}/`) ? topic.slice(base.length + 1).split('/') : [topic];
  return levels.slice(0, 2).join('/');
}
