import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IClientPublishOptions, type MqttClient } from 'mqtt';
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

export type MessageListener = (topic: string, payload: Buffer, retained: boolean) => void;

/**
 * The gateway's own MQTT client: a stable client id and a persistent session (clean: false), so
 * QoS 1 messages published while the gateway was away are delivered when it comes back.
 */
export class MqttConnection implements Service {
  readonly name = 'mqtt-connection';
  private client: MqttClient | undefined;
  private readonly listeners = new Set<MessageListener>();
  private readonly connectListeners = new Set<() => void>();

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
      reconnectPeriod: 1000,
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
    client.on('message', (topic, payload, packet) => {
      // A listener that throws must not escape the client's 'message' event (and stop the process).
      for (const listener of this.listeners) {
        try {
          listener(topic, payload, packet.retain === true);
        } catch (err) {
          options.log.error({ topic, err }, 'MQTT message handler failed');
        }
      }
    });
    client.on('connect', () => {
      // Acknowledgements and commands are small packets that must leave at once, not wait for the
      // ACK of the previous segment (Nagle's algorithm, Node's default on TCP sockets).
      (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      options.log.info({ url: redactUrl(url), clientId: options.clientId }, 'connected to MQTT broker');
      for (const listener of this.connectListeners) listener();
    });
    client.on('reconnect', () => options.log.debug('reconnecting to MQTT broker'));
    client.on('offline', () => options.log.warn({ url: redactUrl(url) }, 'MQTT broker unreachable; retrying'));
    client.on('error', (err) => options.log.error({ err: err.message }, 'MQTT connection error'));
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
  }

  onMessage(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
