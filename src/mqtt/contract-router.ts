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

  async start(): Promise<void> {
    const { deps } = this;
    this.invalid = deps.metrics.counter('gateway_mqtt_invalid_messages_total', 'Inbound MQTT messages refused by the contract', ['topic_name']);
    this.received = deps.metrics.counter('gateway_mqtt_messages_received_total', 'Valid inbound MQTT messages', ['topic_name']);
    this.unsubscribers.push(deps.connection.onMessage((topic, payload, retained, delivery) => this.dispatch(topic, payload, retained, delivery)));
    this.unsubscribers.push(
      deps.connection.onConnect(() => {
        for (const spec of deps.inbound) {
          deps.connection.subscribe(topicFilter(deps.base, spec), spec.qos).catch((err: Error) => deps.log.error({ err: err.message, topic: spec.name }, 'subscribe failed'));
        }
      }),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribers) off();
    this.unsubscribers = [];
  }

  private dispatch(topic: string, raw: Buffer, retained: boolean, delivery: DeliveryControl): void {
    const { deps } = this;
    if (!topic.startsWith(`${deps.base}/`)) return;
    const levels = topic.slice(deps.base.length + 1).split('/');
    for (const { spec, pattern } of this.compiled) {
      const params = matchLevels(pattern, levels);
      if (!params) continue;
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
  }

  private handlerFailed(topic: string, spec: TopicSpec<unknown, string>, err: unknown, raw?: Buffer): void {
    if (err instanceof PayloadError) {
      this.reject(topic, spec, err.message, raw);
      return;
    }
    this.deps.log.error({ topic, err }, `handler of ${spec.name} failed`);
  }

  /** Reports a refused message: error topic, log line, counter, bus event. */
  reject(topic: string, spec: TopicSpec<unknown, string> | undefined, reason: string, raw?: Buffer): void {
    const { deps } = this;
    const name = spec?.name ?? 'unknown';
    this.invalid?.inc({ topic_name: name });
    deps.log.warn({ topic, reason }, 'refused an invalid MQTT message');
    deps.bus.emit('mqtt.invalid', { topic, reason, ...(raw ? { raw } : {}) });
    deps.publisher.publish(gatewayErrors, {}, { topic, reason, at: new Date().toISOString() }).catch(() => {});
  }
}
