import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { EventBus } from '../core/event-bus.js';
import type { Metrics } from '../metrics/registry.js';
import type { Database } from '../store/database.js';
import type { UplinkConfig } from '../config/schema.js';
import type { AlarmsConfig } from '../alarms/config.js';
import { installAlarmFeed } from './alarm-feed.js';
import { OutboxDrain } from './drain.js';
import { queueFinishedHours } from './hourly-stats.js';
import { NatsLink } from './nats-link.js';
import { NoticeReceiver } from './notice-receiver.js';
import { HEARTBEAT_KIND, subjectOf } from './kinds.js';
import { OutboxStore } from './outbox.js';
import type { NoticePlayer } from '../broadcast/notice-player.js';

/**
 * The site's uplink: queues device availability changes and hourly statistics in the outbox
 * (entries are queued by the entry writer, in the transaction that stores them) and drains the
 * outbox into the district's JetStream cluster.
 */
export class UplinkService implements Service {
  readonly name = 'uplink';
  readonly link: NatsLink;
  readonly outbox: OutboxStore;
  readonly drain: OutboxDrain;
  readonly notices: NoticeReceiver;
  private offBus: (() => void) | undefined;
  private hourTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { config: UplinkConfig; alarms?: AlarmsConfig; siteId: string; database: Database; bus: EventBus; metrics: Metrics; log: Logger; player: () => NoticePlayer | undefined },
  ) {
    this.link = new NatsLink(deps.config, deps.siteId, deps.log);
    this.outbox = new OutboxStore(() => deps.database.db, deps.config.maxOutboxRows);
    this.drain = new OutboxDrain({ ...deps.config, siteId: deps.siteId, outbox: this.outbox, link: this.link, metrics: deps.metrics, log: deps.log });
    this.notices = new NoticeReceiver({ siteId: deps.siteId, defaultGroups: deps.config.noticeGroups, database: deps.database, outbox: this.outbox, player: deps.player, bus: deps.bus, log: deps.log, wake: () => this.drain.wake() });
  }

  async start(): Promise<void> {
    const { bus, siteId, log } = this.deps;
    if (this.deps.alarms) {
      try {
        if (!installAlarmFeed(this.deps.database.db, { maxRows: this.deps.config.maxOutboxRows, alarms: this.deps.alarms })) log.info('no alarm tables at this site: alarms and work orders are not sent to the district');
      } catch (err) {
        log.error({ err: (err as Error).message }, 'alarms and work orders cannot be sent to the district (their tables do not have the expected columns)');
      }
    }
    const offAvailability = bus.on('device.availability', (e) => {
      this.outbox.append('availability', `${e.kind}/${e.id}/${e.at}`, { site: siteId, ...e });
      this.drain.wake();
    });
    // entries are queued by the entry writer's own connection (its worker), in its transaction: the
    // drain publishes them as soon as that commits, not at its next look at the outbox
    const offCommitted = bus.on('access.committed', (e) => {
      if (e.stored > 0) this.drain.wake();
    });
    this.offBus = () => {
      offAvailability();
      offCommitted();
    };
    const hourly = () => {
      try {
        if (queueFinishedHours(this.deps.database.db, this.outbox, siteId) > 0) this.drain.wake();
      } catch (err) {
        log.error({ err: (err as Error).message }, 'hourly statistics for the district could not be queued');
      }
    };
    hourly();
    this.hourTimer = setInterval(hourly, 60_000);
    this.notices.start();
    this.link.onConnected((nc) => this.notices.attach(nc, this.link.jetstream(nc)));
    this.link.start();
    this.drain.start();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.deps.config.heartbeatMs);
  }

  /**
   * Tells the district the site is connected: a plain publish (no outbox, no ack: a heartbeat from
   * the past means nothing) to site.<id>.heartbeat, which the SITES stream keeps like any record.
   */
  private heartbeat(): void {
    const nc = this.link.connection;
    if (!nc) return;
    const now = Date.now();
    const { siteId } = this.deps;
    const envelope = { site: siteId, kind: HEARTBEAT_KIND.name, id: String(now), committedAt: now, record: { sentAt: now, outboxRows: this.outbox.size() } };
    try {
      nc.publish(subjectOf(siteId, HEARTBEAT_KIND.name), JSON.stringify(envelope));
    } catch (err) {
      this.deps.log.debug({ err: String(err) }, 'heartbeat to the district not sent');
    }
  }

  async stop(): Promise<void> {
    this.offBus?.();
    this.offBus = undefined;
    if (this.hourTimer) clearInterval(this.hourTimer);
    this.hourTimer = undefined;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    await this.notices.stop();
    await this.drain.stop();
    await this.link.stop();
  }
}
