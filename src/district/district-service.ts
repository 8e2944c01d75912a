import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { DistrictConfig } from './config.js';
import { districtApp } from './http.js';
import { DistrictIngest } from './ingest.js';
import { migrateDistrict } from './migrations.js';
import { NoticeSender } from './notices.js';
import { DistrictClips } from './clips.js';
import { resolveFfmpeg } from '../core/ffmpeg.js';
import { SITES_STREAM } from './nats-config.js';
import { ensureSiteConsumer, ensureStreams, INGEST_CONSUMER } from './streams.js';
import { DistrictUsers } from './users.js';

/**
 * `community-gateway district`: PostgreSQL (migrated at start), the JetStream streams and durable
 * consumers, the ingest of every site's records, notices down to the sites, the HTTP API.
 */
export class DistrictService implements Service {
  readonly name = 'district';
  pool: pg.Pool | undefined;
  ingest: DistrictIngest | undefined;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private server: Server | undefined;
  private retry: NodeJS.Timeout | undefined;
  private notices: NoticeSender | undefined;

  constructor(private readonly deps: { config: DistrictConfig; log: Logger; staticDir?: string }) {}

  get url(): string {
    const a = this.server?.address() as AddressInfo | undefined;
    return a ? `http://127.0.0.1:${a.port}` : '';
  }

  async start(): Promise<void> {
    const { config, log } = this.deps;
    const pool = (this.pool = new pg.Pool({ connectionString: config.postgres.url, max: config.postgres.maxConnections }));
    pool.on('error', (err) => log.warn({ err: err.message }, 'a PostgreSQL connection failed'));
    const applied = await migrateDistrict(pool);
    if (applied.length) log.info({ applied }, 'district schema migrated');
    const users = new DistrictUsers(pool);
    await users.sync(config.users);
    for (const s of config.sites) await pool.query('INSERT INTO sites (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name', [s.id, s.name]);
    const tls = config.nats.tls;
    this.nc = await connect({
      servers: config.nats.servers,
      user: config.nats.user,
      pass: config.nats.password,
      name: 'community-gateway-district',
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      noAsyncTraces: true,
      ...(tls ? { tls: { ...(tls.ca ? { ca: readFileSync(tls.ca, 'utf8') } : {}), ...(tls.cert ? { cert: readFileSync(tls.cert, 'utf8') } : {}), ...(tls.key ? { key: readFileSync(tls.key, 'utf8') } : {}) } } : {}),
    });
    // JetStream answers only once the cluster has elected its meta leader: a district started with
    // (or just after) its cluster waits for that, as for the streams below.
    const nc = this.nc;
    this.jsm = await this.untilClusterReady(() => jetstreamManager(nc));
    this.js = jetstream(this.nc);
    await this.untilClusterReady(() => ensureStreams(this.jsm!, config.nats));
    for (const s of config.sites) await ensureSiteConsumer(this.jsm, s.id);
    this.ingest = new DistrictIngest({ pool, log });
    await this.ingest.start(await this.js.consumers.get(SITES_STREAM, INGEST_CONSUMER));
    const clips = new DistrictClips({ pool, js: () => this.js!, jsm: () => this.jsm!, ffmpeg: () => resolveFfmpeg().path, maxSeconds: config.clips.maxSeconds, timeoutMs: config.clips.convertTimeoutMs });
    const notices = (this.notices = new NoticeSender({
      pool,
      js: () => this.js!,
      jsm: () => this.jsm!,
      clips,
      knownSites: async () => (await pool.query<{ id: string }>('SELECT id FROM sites ORDER BY id')).rows.map((r) => r.id),
      log,
    }));
    await notices.start();
    const app = districtApp({ pool, users, notices, clips, config, log, ...(this.deps.staticDir ? { staticDir: this.deps.staticDir } : {}) });
    this.server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.http.port, config.http.host, () => resolve(s));
      s.once('error', reject);
    });
    log.info({ url: this.url }, 'district service started');
  }

  /** A freshly started cluster may need seconds to elect its JetStream leader. */
  private async untilClusterReady<T>(step: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await step();
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => (this.retry = setTimeout(r, 500)));
      }
    }
  }

  async stop(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    }
    await this.notices?.stop();
    await this.ingest?.stop();
    await this.nc?.drain().catch(() => {});
    this.nc = undefined;
    await this.pool?.end();
    this.pool = undefined;
  }
}
