import { readFileSync } from 'node:fs';
import type { JetStreamClient, JetStreamOptions } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../core/logger.js';
import type { UplinkConfig } from '../config/schema.js';

/**
 * The site's connection to the district cluster. The first connection is retried every second
 * until stop() (the link may be down for days when the gateway starts); after it, nats.js
 * reconnects by itself to any node of the cluster, for ever.
 */
export class NatsLink {
  private nc: NatsConnection | undefined;
  private stopped = true;
  private retry: NodeJS.Timeout | undefined;
  private closedWatch: Promise<void> | undefined;
  private readonly listeners = new Set<(nc: NatsConnection) => void>();
  private makeJetstream: ((nc: NatsConnection, opts?: JetStreamOptions) => JetStreamClient) | undefined;

  constructor(
    private readonly config: UplinkConfig,
    private readonly siteId: string,
    private readonly log: Logger,
  ) {}

  get connection(): NatsConnection | undefined {
    return this.nc && !this.nc.isClosed() ? this.nc : undefined;
  }

  /** A JetStream client on the connection (available once connected). */
  jetstream(nc: NatsConnection, opts?: JetStreamOptions): JetStreamClient {
    if (!this.makeJetstream) throw new Error('the district link is not connected');
    return this.makeJetstream(nc, opts);
  }

  /** Called with the connection once it is first established. */
  onConnected(listener: (nc: NatsConnection) => void): void {
    this.listeners.add(listener);
    if (this.connection) listener(this.connection);
  }

  start(): void {
    this.stopped = false;
    void this.attempt();
  }

  private async attempt(): Promise<void> {
    this.retry = undefined;
    if (this.stopped) return;
    const tls = this.config.tls;
    try {
      // loaded when the uplink is on (a gateway without it never loads the NATS client)
      const { connect } = await import('@nats-io/transport-node');
      this.makeJetstream ??= (await import('@nats-io/jetstream')).jetstream;
      const nc = await connect({
        servers: this.config.servers,
        name: `community-gateway-${this.siteId}`,
        ...(this.config.user ? { user: this.config.user } : {}),
        ...(this.config.password ? { pass: this.config.password } : {}),
        ...(tls
          ? {
              tls: {
                ...(tls.ca ? { ca: readFileSync(tls.ca, 'utf8') } : {}),
                ...(tls.cert ? { cert: readFileSync(tls.cert, 'utf8') } : {}),
                ...(tls.key ? { key: readFileSync(tls.key, 'utf8') } : {}),
              },
            }
          : {}),
        ignoreClusterUpdates: !this.config.discoverServers,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        timeout: 3000,
        // no Error (with its stack trace) made ahead for every publish's ack: that was a fifth of
        // the publishers' CPU in the district bench
        noAsyncTraces: true,
      });
      if (this.stopped) {
        await nc.close();
        return;
      }
      this.nc = nc;
      this.log.info({ server: nc.getServer() }, 'connected to the district');
      this.closedWatch = (async () => {
        for await (const s of nc.status()) {
          if (s.type === 'disconnect') this.log.warn('district link lost; records wait in the outbox');
          else if (s.type === 'reconnect') this.log.info({ server: nc.getServer() }, 'district link back');
        }
      })().catch(() => {});
      for (const l of this.listeners) l(nc);
    } catch (err) {
      if (this.stopped) return;
      this.log.debug({ err: (err as Error).message }, 'district not reachable; trying again');
      this.retry = setTimeout(() => void this.attempt(), 1000);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    const nc = this.nc;
    this.nc = undefined;
    if (nc && !nc.isClosed()) await nc.close().catch(() => {});
    await this.closedWatch;
  }
}
