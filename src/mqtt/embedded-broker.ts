import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { Counter } from 'prom-client';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { buildTopic } from '../core/mqtt-contract.js';
import type { Metrics } from '../metrics/registry.js';
import { INTERNAL_IDENTITY, type DeviceAcl, type DeviceIdentity } from './device-acl.js';
import { gatewayErrors } from './gateway-topics.js';
import { GuardedConnection, PACKET_TYPE_NAMES, type OversizePacket } from './packet-guard.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  baseTopic: string;
  drainTimeoutMs: number;
  concurrency: number;
  queueLimit: number;
  maxClientsIdLength: number;
  /** A client that has not completed its CONNECT within this long is disconnected. */
  connectTimeoutMs: number;
  /** Largest CONNECT packet; every packet before the login is bounded by it too. */
  maxConnectBytes: number;
  /** Connections from one address that have not logged in yet; more are closed at once. */
  maxPendingConnectsPerAddress: number;
  /** How long a device's CONNECT may wait for the gateway to become ready before "server unavailable" (default 60 s). */
  deviceHoldMs?: number;
  acl: DeviceAcl;
  bus: EventBus;
  metrics: Metrics;
  log: Logger;
}

/** CONNACK return codes (MQTT 3.1.1). */
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_CREDENTIALS = 4;

type Operation = 'connect' | 'publish' | 'subscribe';

interface ConnectionState {
  address: string;
  /** Counted in `pending` until it has logged in or closed. */
  pending: boolean;
  connection: GuardedConnection;
}

/** A few stable kinds for the metric's label, never the raw (unbounded) message. */
function clientErrorKind(message: string): string {
  if (/keep ?alive/i.test(message)) return 'keepalive';
  if (/drain|timeout/i.test(message)) return 'slow-subscriber';
  if (/queue|limit/i.test(message)) return 'queue-full';
  if (/ECONNRESET|EPIPE|closed/i.test(message)) return 'connection-lost';
  return 'other';
}

function refusal(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * The default MQTT broker: aedes (MQTT 3.1/3.1.1) on TCP, and on the gateway's HTTP port at
 * /mqtt over WebSocket. Every client authenticates and connects with its own client id; the ACL
 * keeps a device inside its own subtree. Before the login a connection may send one small CONNECT
 * within `connectTimeoutMs`; after it, each packet is bounded by the identity's kind, read from
 * the packet's fixed header before its body is buffered. A device's CONNECT waits (and is
 * refused "server unavailable" after `deviceHoldMs`) until `acceptDevices()`: the gateway
 * calls it once its router has subscribed, so nothing a device sends meanwhile is lost.
 */
export class EmbeddedBroker implements Service {
  readonly name = 'mqtt-broker';
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Duplex>();
  private readonly identities = new WeakMap<Client, DeviceIdentity>();
  private readonly connections = new WeakMap<Duplex, ConnectionState>();
  private readonly pendingByAddress = new Map<string, number>();
  private readonly internalSubscriptions = new Set<string>();
  private subscriptionWaiter: (() => void) | undefined;
  /** Devices whose CONNECT waits until the gateway is ready. */
  private readonly waiting = new Set<{ admit(): void; refuse(): void }>();
  private devicesAccepted = false;
  private refused: Counter<'operation'> | undefined;
  private boundPort = 0;

  constructor(private readonly options: EmbeddedBrokerOptions) {}

  /** The TCP port actually bound (useful when configured as 0). */
  get port(): number {
    return this.boundPort;
  }

  /** Whether devices may connect (the gateway is ready to receive their messages). */
  get acceptingDevices(): boolean {
    return this.devicesAccepted;
  }

  async start(): Promise<void> {
    const { options } = this;
    this.devicesAccepted = false;
    this.internalSubscriptions.clear();
    this.refused = options.metrics.counter('gateway_mqtt_refused_total', 'MQTT operations refused by authentication or ACL', ['operation']);
    options.metrics.gauge('gateway_mqtt_clients', 'Clients connected to the embedded broker', [], (g) => g.set(this.broker?.connectedClients ?? 0));
    const broker = await Aedes.createBroker({
      drainTimeout: options.drainTimeoutMs,
      concurrency: options.concurrency,
      queueLimit: options.queueLimit,
      maxClientsIdLength: options.maxClientsIdLength,
      connectTimeout: options.connectTimeoutMs,
      authenticate: (client, username, password, done) => {
        options.acl.authenticate(username, password).then(
          (identity) => {
            const refused = this.check(client, identity, username);
            if (refused) return done(refused, false);
            if (identity === INTERNAL_IDENTITY || this.devicesAccepted) {
              this.admit(client, identity!);
              return done(null, true);
            }
            this.holdUntilReady(client, identity!, done);
          },
          (err: unknown) => done(refusal(SERVER_UNAVAILABLE, String(err)), false),
        );
      },
      authorizePublish: (client, packet, done) => {
        const identity = client ? this.identities.get(client) : undefined;
        const payloadBytes = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : (packet.payload?.length ?? 0);
        const reason = identity ? options.acl.checkPublish(identity, { topic: packet.topic, retain: packet.retain === true, payloadBytes }) : 'not authenticated';
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
    broker.on('subscribe', (subscriptions, client) => {
      if (this.identities.get(client) !== INTERNAL_IDENTITY) return;
      for (const s of subscriptions) this.internalSubscriptions.add(s.topic);
      this.subscriptionWaiter?.();
    });
    // Broker traffic and the clients it dropped (a slow subscriber past drainTimeoutMs, a full queue, a keepalive lapse).
    const messages = options.metrics.counter('gateway_mqtt_broker_messages_total', 'Messages clients published to the embedded broker');
    const dropped = options.metrics.counter('gateway_mqtt_client_errors_total', 'Client connections the embedded broker closed on an error, by kind', ['kind']);
    broker.on('publish', (_packet, client) => {
      if (client) messages.inc();
    });
    broker.on('clientError', (client, err) => {
      dropped.inc({ kind: clientErrorKind(err.message) });
      options.log.debug({ clientId: client.id, err: err.message }, 'MQTT client error');
    });
    broker.on('connectionError', (client, err) => options.log.debug({ clientId: client?.id, err: err.message }, 'MQTT connection error'));
    this.broker = broker;
    const server = createServer((socket) => this.accept(socket, socket.remoteAddress));
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

  /**
   * From now on devices may connect. With `filters`, waits first until the gateway's own client
   * holds a subscription to each of them (so nothing a device sends is lost), at most `timeoutMs`.
   */
  async acceptDevices(filters: readonly string[] = [], timeoutMs = 5000): Promise<void> {
    const missing = () => filters.filter((f) => !this.internalSubscriptions.has(f));
    if (missing().length > 0) {
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          this.subscriptionWaiter = undefined;
          resolve();
        };
        const timer = setTimeout(() => {
          this.options.log.warn({ missing: missing() }, 'the gateway has not subscribed to every inbound topic yet; accepting devices anyway');
          finish();
        }, timeoutMs);
        this.subscriptionWaiter = () => {
          if (missing().length === 0 || !this.broker) finish();
        };
      });
    }
    if (!this.broker) return;
    this.devicesAccepted = true;
    this.options.log.info({ waiting: this.waiting.size }, 'embedded MQTT broker accepts devices');
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const w of waiting) w.admit();
  }

  /** Hands a connection (TCP socket or WebSocket stream) to the broker. */
  accept(stream: Duplex | Socket, remoteAddress: string | undefined): void {
    const broker = this.broker;
    if (!broker || broker.closed) {
      stream.destroy();
      return;
    }
    const { options } = this;
    const address = remoteAddress ?? 'unknown';
    const pending = this.pendingByAddress.get(address) ?? 0;
    if (pending >= options.maxPendingConnectsPerAddress) {
      this.refuse(null, 'connect', undefined, `${address} already has ${pending} connections that have not logged in`, 'debug');
      stream.destroy();
      return;
    }
    // Small packets (a PUBACK, one entry) must not wait for the previous segment's ACK (Nagle).
    if ('setNoDelay' in stream && typeof stream.setNoDelay === 'function') stream.setNoDelay(true);
    this.sockets.add(stream);
    const connection = new GuardedConnection(stream, { connectBytes: options.maxConnectBytes, packetBytes: options.maxConnectBytes }, (packet) =>
      this.oversize(state, packet),
    );
    const state: ConnectionState = { address, pending: true, connection };
    this.pendingByAddress.set(address, pending + 1);
    this.connections.set(connection, state);
    connection.on('error', () => connection.destroy());
    connection.once('close', () => {
      this.sockets.delete(stream);
      this.release(state);
    });
    broker.handle(connection);
  }

  async stop(): Promise<void> {
    const server = this.server;
    const broker = this.broker;
    this.server = undefined;
    this.broker = undefined;
    this.devicesAccepted = false;
    this.subscriptionWaiter?.();
    for (const w of [...this.waiting]) w.refuse();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.pendingByAddress.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  /**
   * A device that logs in while the gateway is not ready yet waits for its CONNACK (its client
   * sends nothing before it) until `acceptDevices()`; after `deviceHoldMs` it is refused with
   * "server unavailable" (many clients, mqtt.js among them, then stop retrying: hold long).
   */
  private holdUntilReady(client: Client, identity: DeviceIdentity, done: (err: AuthenticateError | null, ok: boolean) => void): void {
    const waiter = {
      admit: () => {
        clearTimeout(timer);
        this.admit(client, identity);
        done(null, true);
      },
      refuse: () => {
        clearTimeout(timer);
        this.waiting.delete(waiter);
        this.refuse(client, 'connect', undefined, `${identity.id}: the gateway is starting; devices are accepted once it is ready`, 'debug');
        done(refusal(SERVER_UNAVAILABLE, 'the gateway is starting'), false);
      },
    };
    const timer = setTimeout(waiter.refuse, this.options.deviceHoldMs ?? 60_000);
    this.waiting.add(waiter);
  }

  /** Checks a login: undefined when it may go on, otherwise the CONNACK refusal to send. */
  private check(client: Client, identity: DeviceIdentity | undefined, username: string | undefined): AuthenticateError | undefined {
    if (!identity) {
      this.refuse(client, 'connect', undefined, `bad username or password for "${username ?? ''}"`);
      return refusal(BAD_CREDENTIALS, 'bad username or password');
    }
    const idReason = this.options.acl.checkClientId(identity, client.id);
    if (idReason) {
      this.refuse(client, 'connect', undefined, `${identity.id}: ${idReason}`);
      return refusal(IDENTIFIER_REJECTED, idReason);
    }
    return undefined;
  }

  private admit(client: Client, identity: DeviceIdentity): void {
    this.identities.set(client, identity);
    const state = this.connections.get(client.conn as Duplex);
    if (state) {
      state.connection.guard.setLimit(this.options.acl.maxPacketBytes(identity));
      this.release(state);
    }
  }

  private release(state: ConnectionState): void {
    if (!state.pending) return;
    state.pending = false;
    const left = (this.pendingByAddress.get(state.address) ?? 1) - 1;
    if (left > 0) this.pendingByAddress.set(state.address, left);
    else this.pendingByAddress.delete(state.address);
  }

  /** A packet over its limit: the connection is already being closed; say why where the device's installer can see it. */
  private oversize(state: ConnectionState, packet: OversizePacket): void {
    const client = (state.connection as unknown as { client?: Client }).client;
    const identity = client ? this.identities.get(client) : undefined;
    const who = identity ? `${identity.kind === INTERNAL_IDENTITY.kind ? 'the gateway' : identity.id}` : `a client at ${state.address} that has not logged in`;
    const name = PACKET_TYPE_NAMES[packet.type] ?? `packet type ${packet.type}`;
    const reason = `${name} of ${packet.bytes}+ bytes from ${who} refused (limit ${packet.limit} bytes); disconnected`;
    const operation: Operation = packet.type === 1 ? 'connect' : packet.type === 8 ? 'subscribe' : 'publish';
    this.refuse(client ?? null, operation, packet.topic, reason, identity ? 'warn' : 'debug');
    if (!identity || !this.broker) return;
    const error = { topic: packet.topic ?? `${this.options.baseTopic}/${identity.kind}/${identity.id}`, reason, at: new Date().toISOString() };
    const message = { cmd: 'publish', topic: buildTopic(this.options.baseTopic, gatewayErrors, {}), payload: Buffer.from(JSON.stringify(error)), qos: 0, retain: false, dup: false };
    this.broker.publish(message as PublishPacket, () => {});
  }

  private refuse(client: Client | null, operation: Operation, topic: string | undefined, reason: string, level: 'warn' | 'debug' = 'warn'): void {
    const clientId = client?.id ?? 'unknown';
    this.refused?.inc({ operation });
    this.options.log[level]({ clientId, operation, topic, reason }, 'MQTT operation refused');
    this.options.bus.emit('mqtt.refused', { clientId, operation, topic, reason });
  }
}
