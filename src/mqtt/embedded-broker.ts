import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Counter } from 'prom-client';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../metrics/registry.js';
import type { DeviceAcl, DeviceIdentity } from './device-acl.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  drainTimeoutMs: number;
  concurrency: number;
  queueLimit: number;
  maxClientsIdLength: number;
  acl: DeviceAcl;
  bus: EventBus;
  metrics: Metrics;
  log: Logger;
}

const BAD_CREDENTIALS = 4;

/**
 * The default MQTT broker: aedes (MQTT 3.1/3.1.1) on TCP, and on the gateway's HTTP port at
 * /mqtt over WebSocket. Every device authenticates; the ACL keeps it inside its own subtree.
 */
export class EmbeddedBroker implements Service {
  readonly name = 'mqtt-broker';
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Duplex>();
  private readonly identities = new WeakMap<Client, DeviceIdentity>();
  private refused: Counter<'operation'> | undefined;
  private boundPort = 0;

  constructor(private readonly options: EmbeddedBrokerOptions) {}

  /** The TCP port actually bound (useful when configured as 0). */
  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const { options } = this;
    this.refused = options.metrics.counter('gateway_mqtt_refused_total', 'MQTT operations refused by authentication or ACL', ['operation']);
    options.metrics.gauge('gateway_mqtt_clients', 'Clients connected to the embedded broker', [], (g) => g.set(this.broker?.connectedClients ?? 0));
    const broker = await Aedes.createBroker({
      drainTimeout: options.drainTimeoutMs,
      concurrency: options.concurrency,
      queueLimit: options.queueLimit,
      maxClientsIdLength: options.maxClientsIdLength,
      authenticate: (client, username, password, done) => {
        options.acl.authenticate(username, password).then(
          (identity) => {
            if (identity) {
              this.identities.set(client, identity);
              done(null, true);
              return;
            }
            this.refuse(client, 'connect', undefined, `bad username or password for "${username ?? ''}"`);
            const error = Object.assign(new Error('bad username or password'), { returnCode: BAD_CREDENTIALS }) as AuthenticateError;
            done(error, false);
          },
          (err: unknown) => done(Object.assign(new Error(String(err)), { returnCode: 3 }) as AuthenticateError, false),
        );
      },
      authorizePublish: (client, packet, done) => {
        const identity = client ? this.identities.get(client) : undefined;
        const reason = identity ? options.acl.checkPublish(identity, packet.topic) : 'not authenticated';
        if (!reason) return done(null);
        this.refuse(client, 'publish', packet.topic, reason);
        done(new Error(reason));
      },
      authorizeSubscribe: (client, subscription, done) => {
        const identity = this.identities.get(client);
        const reason = identity ? options.acl.checkSubscribe(identity, subscription.topic) : 'not authenticated';
        if (!reason) return done(null, subscription);
        this.refuse(client, 'subscribe', subscription.topic, reason);
        done(null, null);
      },
    });
    broker.on('clientError', (client, err) => options.log.debug({ clientId: client.id, err: err.message }, 'MQTT client error'));
    broker.on('connectionError', (client, err) => options.log.debug({ clientId: client?.id, err: err.message }, 'MQTT connection error'));
    this.broker = broker;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : options.port;
    options.log.info({ host: options.host, port: this.boundPort }, 'embedded MQTT broker listening');
  }

  /** Hands a connection (TCP socket or WebSocket stream) to the broker. */
  accept(stream: Duplex | Socket): void {
    if (!this.broker || this.broker.closed) {
      stream.destroy();
      return;
    }
    // Small packets (a PUBACK, one entry) must not wait for the previous segment's ACK (Nagle).
    if ('setNoDelay' in stream && typeof stream.setNoDelay === 'function') stream.setNoDelay(true);
    this.sockets.add(stream);
    stream.once('close', () => this.sockets.delete(stream));
    this.broker.handle(stream);
  }

  async stop(): Promise<void> {
    const server = this.server;
    const broker = this.broker;
    this.server = undefined;
    this.broker = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  private refuse(client: Client | null, operation: 'connect' | 'publish' | 'subscribe', topic: string | undefined, reason: string): void {
    const clientId = client?.id ?? 'unknown';
    this.refused?.inc({ operation });
    this.options.log.warn({ clientId, operation, topic, reason }, 'MQTT operation refused');
    this.options.bus.emit('mqtt.refused', { clientId, operation, topic, reason });
  }
}
