import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';

export interface ConnectionOptions {
  /** Broker URL; a function when it is known only at start (the embedded broker's bound port). */
  url: string | (() => string);
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  protocolVersion: 4 | 5;
  keepaliveSeconds: number;
  tls?: { ca?: string | undefined; cert?: string | undefined; key?: string | undefined; rejectUnauthorized: boolean } | null;
  /** MQTT 5: the largest packet the gateway accepts from the broker (the broker drops larger ones for it). */
  maximumPacketSize?: number;
  /** Retained last will: what the broker publishes if the gateway vanishes. */
  will?: { topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean };
  log: Logger;
}

/**
 * What a listener may do with one inbound message: `defer()` holds its MQTT acknowledgement
 * (PUBACK) until the returned function is called (e.g. after the database commit). A message
 * nobody deferred is acknowledged as soon as the listener returns.
 */
export interface DeliveryControl {
  defer(): () => void;
}

export type MessageListener = (topic: string, payload: Buffer, retained: boolean, delivery: DeliveryControl) => void;

/** Most messages kept while no listener is registered yet (before the router started), and their bytes. */
export const EARLY_MESSAGES_MAX = 10_000;
export const EARLY_BYTES_MAX = 32 * 1024 * 1024;

/** handleMessage's callback error that means "acknowledged later" (mqtt.js then sends nothing now). */
const ACK_LATER = new Error('acknowledged later');

interface EarlyMessage {
  packet: IPublishPacket;
  session: object;
}

/**
 * The gateway's own MQTT client: a stable client id and a persistent session (clean: false), so
 * QoS 1 messages published while the gateway was away are delivered when it comes back.
 *
 * Nothing is acknowledged at the MQTT level before a listener has it: what the broker delivers
 * before the first listener registers (the queue of the persistent session arrives right after
 * CONNACK, long before the router has started) is kept unacknowledged (bounded) and handed to the
 * first listener in order; a listener may hold a message's PUBACK until it is stored. After the
 * last listener left (stopping), messages are neither delivered nor acknowledged: the broker keeps
 * them for the next session.
 */
export class MqttConnection implements Service {
  readonly name = 'mqtt-connection';
  private client: MqttClient | undefined;
  private readonly listeners = new Set<MessageListener>();
  private readonly connectListeners = new Set<() => void>();
  /** Messages received before any listener registered, not yet acknowledged. */
  private early: EarlyMessage[] = [];
  private earlyBytes = 0;
  private earlyRefused = 0;
  private hadListener = false;
  /** Changes on every (re)connection: an acknowledgement owed to an older session is not sent (the broker redelivers). */
  private session: object = {};

  constructor(private readonly options: ConnectionOptions) {}

  get connected(): boolean {
    return this.client?.connected === true;
  }

  async start(): Promise<void> {
    const { options } = this;
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      username: options.username,
      password: options.password,
      protocolVersion: options.protocolVersion,
      keepalive: options.keepaliveSeconds,
      clean: false,
      // Back within half a second of the broker: what it queued for this session (and the barriers' replays) comes in then.
      reconnectPeriod: 500,
      connectTimeout: 10_000,
      resubscribe: true,
      ...(options.protocolVersion === 5
        ? { properties: { sessionExpiryInterval: 24 * 3600, ...(options.maximumPacketSize ? { maximumPacketSize: options.maximumPacketSize } : {}) } }
        : {}),
      ...(options.will ? { will: options.will } : {}),
    };
    if (options.tls) {
      clientOptions.rejectUnauthorized = options.tls.rejectUnauthorized;
      if (options.tls.ca) clientOptions.ca = readFileSync(options.tls.ca);
      if (options.tls.cert) clientOptions.cert = readFileSync(options.tls.cert);
      if (options.tls.key) clientOptions.key = readFileSync(options.tls.key);
    }
    const url = typeof options.url === 'function' ? options.url() : options.url;
    const client = mqtt.connect(url, clientOptions);
    this.client = client;
    // handleMessage is mqtt.js's hook between receiving a PUBLISH and acknowledging it: its callback
    // sends the PUBACK (QoS 1) or PUBCOMP (QoS 2); called with an error, nothing is sent.
    client.handleMessage = (packet, callback) => this.receive(client, packet, callback);
    client.on('connect', () => {
      this.session = {};
      // Acknowledgements and commands are small packets that must leave at once, not wait for the
      // ACK of the previous segment (Nagle's algorithm, Node's default on TCP sockets).
      (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      options.log.info({ url: redactUrl(url), clientId: options.clientId }, 'connected to MQTT broker');
      for (const listener of this.connectListeners) listener();
    });
    client.on('reconnect', () => options.log.debug('reconnecting to MQTT broker'));
    client.on('offline', () => options.log.warn({ url: redactUrl(url) }, 'MQTT broker unreachable; retrying'));
    client.on('error', (err) => {
      if (err !== ACK_LATER) options.log.error({ err: err.message }, 'MQTT connection error');
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        options.log.warn({ url: redactUrl(url) }, 'MQTT broker not reachable yet; the gateway runs on and keeps retrying');
        resolve();
      }, 5000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    client.removeAllListeners();
    this.early = [];
    this.earlyBytes = 0;
  }

  /** Registers a listener; the first one also receives what arrived before it, oldest first. */
  onMessage(listener: MessageListener): () => void {
    this.listeners.add(listener);
    this.hadListener = true;
    const early = this.early;
    this.early = [];
    this.earlyBytes = 0;
    if (this.earlyRefused > 0) {
      this.options.log.warn({ refused: this.earlyRefused }, 'MQTT messages that arrived before the gateway was ready were left to the broker (buffer full); it delivers them again at the next connection');
      this.earlyRefused = 0;
    }
    for (const { packet, session } of early) this.deliver(packet, session);
    return () => this.listeners.delete(listener);
  }

  /** Number of messages held unacknowledged until the first listener registers. */
  get earlyCount(): number {
    return this.early.length;
  }

  private receive(client: MqttClient, packet: IPublishPacket, callback: (err?: Error) => void): void {
    if (client !== this.client) return callback(ACK_LATER);
    const session = this.session;
    // Only QoS 1 acknowledgements can be sent late; QoS 2 (no contract topic uses it) is acknowledged once delivered or kept.
    const ackNow = packet.qos === 2 ? undefined : ACK_LATER;
    if (this.listeners.size === 0) {
      if (this.hadListener || this.early.length >= EARLY_MESSAGES_MAX || this.earlyBytes + packet.payload.length > EARLY_BYTES_MAX) {
        // Stopping, or too much before the router started: not acknowledged, the broker keeps it.
        if (!this.hadListener) this.earlyRefused++;
        return callback(ACK_LATER);
      }
      this.early.push({ packet, session });
      this.earlyBytes += packet.payload.length;
      return callback(ackNow); // QoS 1: acknowledged once a listener has it (deliver)
    }
    const later = this.dispatch(packet, session);
    callback(later ? ackNow : undefined);
  }

  /** Delivers a message that was kept back: it is acknowledged here, once the listeners are done with it. */
  private deliver(packet: IPublishPacket, session: object): void {
    if (!this.dispatch(packet, session)) this.acknowledge(packet, session);
  }

  /** Hands one message to every listener; true when one of them deferred its acknowledgement (it will send it). */
  private dispatch(packet: IPublishPacket, session: object): boolean {
    let holds = 0;
    let deferred = false;
    let released = false;
    const release = () => {
      if (--holds === 0 && released) this.acknowledge(packet, session);
    };
    const delivery: DeliveryControl = {
      defer: () => {
        holds++;
        deferred = true;
        let done = false;
        return () => {
          if (done) return;
          done = true;
          release();
        };
      },
    };
    const topic = packet.topic;
    for (const listener of this.listeners) {
      try {
        listener(topic, packet.payload as Buffer, packet.retain === true, delivery);
      } catch (err) {
        this.options.log.error({ topic, err }, 'MQTT message listener failed');
      }
    }
    released = true;
    if (!deferred) return false;
    if (holds === 0) this.acknowledge(packet, session);
    return true;
  }

  /** Sends the PUBACK (QoS 1) of a message whose acknowledgement was held, if its session is still the current one. */
  private acknowledge(packet: IPublishPacket, session: object): void {
    const client = this.client;
    if (!client || session !== this.session || !client.connected || packet.qos !== 1 || packet.messageId === undefined) return;
    // mqtt.js has no public call for a late PUBACK; _sendPacket is what its own handlers use.
    const send = (client as unknown as { _sendPacket?: (packet: Record<string, unknown>, cb?: () => void) => void })._sendPacket;
    send?.call(client, { cmd: 'puback', messageId: packet.messageId, ...(this.options.protocolVersion === 5 ? { reasonCode: 0 } : {}) });
  }

  /** Runs on every (re)connection; used to publish retained state again. */
  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    if (this.connected) listener();
    return () => this.connectListeners.delete(listener);
  }

  async subscribe(filter: string, qos: 0 | 1 | 2): Promise<void> {
    const client = this.requireClient();
    await client.subscribeAsync(filter, { qos });
  }

  /** Resolves when the broker acknowledged (QoS 1/2) or the packet was written (QoS 0). */
  async publish(topic: string, payload: Buffer | string, options: IClientPublishOptions): Promise<void> {
    await this.requireClient().publishAsync(topic, payload, options);
  }

  private requireClient(): MqttClient {
    if (!this.client) throw new Error('MQTT connection is not started');
    return this.client;
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//[redacted]@');
}
