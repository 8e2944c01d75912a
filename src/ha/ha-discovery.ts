import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { MqttConnection } from '../mqtt/connection.js';
import type { Database } from '../store/database.js';
import { alarmButtonEntities, doorSensorEntities } from './alarm-device-payloads.js';
import { barrierEntities, cameraEntities, gatewayEntities, speakerEntities, type DiscoveryContext, type DiscoveryEntity } from './discovery-payloads.js';

export interface HomeAssistantSettings {
  enabled: boolean;
  discoveryPrefix: string;
  statusTopic: string;
  snapshotOnMotion: boolean;
  allowControl?: boolean;
}

interface Counts {
  in: number;
  out: number;
  denied: number;
}

const DAY_MS = 86_400_000;
const SNAPSHOT_MIN_INTERVAL_MS = 10_000;

/**
 * Home Assistant MQTT discovery: publishes (retained) a config for every entity of every camera,
 * barrier and speaker, again on every reconnection and whenever Home Assistant announces itself
 * (`online` on its status topic); keeps today's passage counts per gate on
 * `<base>/ha/barriers/<gate>/counts`; publishes a camera snapshot on motion for the camera entity.
 */
export class HomeAssistantDiscovery implements Service {
  readonly name = 'home-assistant';
  private offs: Array<() => void> = [];
  private midnight: NodeJS.Timeout | undefined;
  private readonly counts = new Map<string, Counts>();
  private dayStart = 0;
  private readonly lastSnapshot = new Map<string, number>();
  private publishedConfigs = 0;

  constructor(
    private readonly deps: {
      settings: HomeAssistantSettings;
      context: DiscoveryContext;
      connection: MqttConnection;
      bus: EventBus;
      database: Database;
      utcOffsetMinutes: number;
      cameras: () => Array<{ id: string; name: string }>;
      barriers: () => Array<{ id: string; name: string }>;
      speakers: () => Array<{ id: string; name: string }>;
      alarmButtons?: () => Array<{ id: string; name: string }>;
      doorSensors?: () => Array<{ id: string; name: string }>;
      snapshot?: (cameraId: string) => Promise<Buffer>;
      /** Granted visitor entries in [from, to) (the visitors feature), for today's count; undefined without it. */
      visitorEntries?: () => ((from: number, to: number) => number) | undefined;
      log: Logger;
    },
  ) {}

  /** How many discovery configs were published (all rounds). */
  get configsPublished(): number {
    return this.publishedConfigs;
  }

  entities(): DiscoveryEntity[] {
    const ctx = this.deps.context;
    return [
      ...gatewayEntities(ctx),
      ...this.deps.cameras().flatMap((c) => cameraEntities(ctx, c)),
      ...this.deps.barriers().flatMap((b) => barrierEntities(ctx, b)),
      ...this.deps.speakers().flatMap((s) => speakerEntities(ctx, s)),
      ...(this.deps.alarmButtons?.() ?? []).flatMap((b) => alarmButtonEntities(ctx, b)),
      ...(this.deps.doorSensors?.() ?? []).flatMap((d) => doorSensorEntities(ctx, d)),
    ];
  }

  async start(): Promise<void> {
    if (!this.deps.settings.enabled) return;
    const { connection, bus, settings } = this.deps;
    this.offs.push(
      connection.onMessage((topic, payload) => {
        if (topic === settings.statusTopic && payload.toString('utf8').trim() === 'online') {
          this.deps.log.info('Home Assistant came online: publishing the discovery configs again');
          void this.publishAll();
        }
      }),
    );
    this.offs.push(
      connection.onConnect(() => {
        connection.subscribe(settings.statusTopic, 1).catch((err: Error) => this.deps.log.warn({ err: err.message }, 'could not subscribe to Home Assistant\'s status topic'));
        void this.publishAll();
      }),
    );
    this.offs.push(bus.on('access.entry', (entry) => this.count(entry.gate, entry.direction, entry.result, Date.parse(entry.occurredAt))));
    this.offs.push(bus.on('visitors.entry', () => void this.publishVisitorCount().catch(() => {})));
    if (settings.snapshotOnMotion && this.deps.snapshot) this.offs.push(bus.on('camera.motion', (e) => e.state && this.publishSnapshot(e.cameraId)));
    this.scheduleMidnight();
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    if (this.midnight) clearTimeout(this.midnight);
    this.midnight = undefined;
  }

  /** Publishes every entity's config and every gate's counts (retained). */
  async publishAll(): Promise<void> {
    const prefix = this.deps.settings.discoveryPrefix;
    const node = this.deps.context.siteId;
    try {
      for (const e of this.entities()) {
        await this.deps.connection.publish(`${prefix}/${e.component}/${node}/${e.objectId}/config`, JSON.stringify(e.config), { qos: 1, retain: true });
        this.publishedConfigs++;
      }
      this.refreshCounts();
      for (const b of this.deps.barriers()) await this.publishCounts(b.id);
      await this.publishVisitorCount();
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'could not publish the Home Assistant discovery configs (published again on reconnection)');
    }
  }

  private dayOf(ms: number): number {
    const offset = this.deps.utcOffsetMinutes * 60_000;
    return Math.floor((ms + offset) / DAY_MS) * DAY_MS - offset;
  }

  /** Counts of today from the database (at start, and when the day changed). */
  private refreshCounts(): void {
    this.dayStart = this.dayOf(Date.now());
    this.counts.clear();
    try {
      const rows = this.deps.database.db
        .prepare<[number], { gate: string; direction: string; result: string; n: number }>('SELECT gate, direction, result, count(*) AS n FROM access_entries WHERE occurred_at >= ? GROUP BY gate, direction, result')
        .all(this.dayStart);
      for (const row of rows) {
        const c = this.countsOf(row.gate);
        if (row.result === 'denied') c.denied += row.n;
        else if (row.direction === 'in') c.in += row.n;
        else c.out += row.n;
      }
    } catch (err) {
      this.deps.log.debug({ err: (err as Error).message }, 'no entries to count (the access feature is not running)');
    }
  }

  private countsOf(gate: string): Counts {
    let c = this.counts.get(gate);
    if (!c) this.counts.set(gate, (c = { in: 0, out: 0, denied: 0 }));
    return c;
  }

  private count(gate: string, direction: 'in' | 'out', result: 'granted' | 'denied', at: number): void {
    if (this.dayOf(Date.now()) !== this.dayStart) this.refreshCounts();
    else if (at >= this.dayStart) {
      const c = this.countsOf(gate);
      if (result === 'denied') c.denied++;
      else c[direction]++;
    }
    void this.publishCounts(gate).catch(() => {});
  }

  private async publishCounts(gate: string): Promise<void> {
    const c = this.countsOf(gate);
    const topic = `${this.deps.context.base}/ha/barriers/${gate}/counts`;
    await this.deps.connection.publish(topic, JSON.stringify({ ...c, day: new Date(this.dayStart).toISOString() }), { qos: 1, retain: true });
  }

  /** Today's granted visitor entries, all gates together (retained). */
  private async publishVisitorCount(): Promise<void> {
    const count = this.deps.visitorEntries?.();
    if (!count) return;
    const day = this.dayOf(Date.now());
    const topic = `${this.deps.context.base}/ha/visitors/counts`;
    await this.deps.connection.publish(topic, JSON.stringify({ entries: count(day, day + DAY_MS), day: new Date(day).toISOString() }), { qos: 1, retain: true });
  }

  private scheduleMidnight(): void {
    const next = this.dayOf(Date.now()) + DAY_MS + 1000;
    this.midnight = setTimeout(() => {
      this.refreshCounts();
      for (const b of this.deps.barriers()) void this.publishCounts(b.id).catch(() => {});
      void this.publishVisitorCount().catch(() => {});
      this.scheduleMidnight();
    }, Math.min(next - Date.now(), 2 ** 31 - 1));
    this.midnight.unref();
  }

  private publishSnapshot(cameraId: string): void {
    const last = this.lastSnapshot.get(cameraId) ?? 0;
    if (Date.now() - last < SNAPSHOT_MIN_INTERVAL_MS) return;
    this.lastSnapshot.set(cameraId, Date.now());
    this.deps.snapshot!(cameraId)
      .then((jpeg) => this.deps.connection.publish(`${this.deps.context.base}/ha/cameras/${cameraId}/image`, jpeg, { qos: 0, retain: true }))
      .catch((err: unknown) => this.deps.log.debug({ cameraId, err: (err as Error).message }, 'no snapshot for Home Assistant'));
  }
}
