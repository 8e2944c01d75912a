import { AckPolicy, DeliverPolicy, type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { CLIPS_STREAM, NOTICES_STREAM, SITES_STREAM, noticeConsumerName } from './nats-config.js';

export const INGEST_CONSUMER = 'district-ingest';

/**
 * The streams and consumers the district owns: SITES (`site.>`, what the sites publish, deduplicated by
 * Nats-Msg-Id over `duplicateWindowMs`), NOTICES (`notice.>`, one subject per site), CLIPS (`clip.>`,
 * the audio of clip notices in chunks, read by the sites with direct gets), the district's
 * durable ingest consumer and one durable notices consumer per site. Creating them again is a no-op.
 */
export async function ensureStreams(jsm: JetStreamManager, o: { replicas: number; duplicateWindowMs: number }): Promise<void> {
  const streams: Array<{ name: string; subjects: string[]; max_age: number; allow_direct?: boolean; max_msg_size?: number }> = [
    { name: SITES_STREAM, subjects: ['site.>'], max_age: nanos(7 * 24 * 3600_000) },
    { name: NOTICES_STREAM, subjects: ['notice.>'], max_age: nanos(30 * 24 * 3600_000) },
    // as long as the notices: a site that returns within a notice's life still finds its clip
    { name: CLIPS_STREAM, subjects: ['clip.>'], max_age: nanos(30 * 24 * 3600_000), allow_direct: true, max_msg_size: 256 * 1024 },
  ];
  for (const s of streams) {
    const config = { ...s, num_replicas: o.replicas, storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: nanos(o.duplicateWindowMs) };
    try {
      await jsm.streams.info(s.name);
      await jsm.streams.update(s.name, config);
    } catch (err) {
      if (!/not found/i.test(String(err))) throw err;
      await jsm.streams.add(config);
    }
  }
  await ensureIngestConsumer(jsm);
}

/**
 * The district's ingest consumer: explicit acks (see DistrictIngest), 30 s ack wait. A consumer
 * with another ack policy (left by an interim version) is replaced by one that starts after its
 * ack floor (an ack policy cannot be changed in place): nothing unacknowledged is skipped; what
 * was acknowledged above the floor comes again and is a no-op in PostgreSQL.
 */
async function ensureIngestConsumer(jsm: JetStreamManager): Promise<void> {
  // max_ack_pending bounds the records between the cluster and a committed batch: at a writer
  // slower than the sites they wait at most max_ack_pending / rate (10,000 at 1,000/s: 10 s), well
  // inside the ack wait, so an overloaded district is not also sent everything again after 30 s
  const config = { durable_name: INGEST_CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000), max_ack_pending: 10_000 };
  let info: Awaited<ReturnType<JetStreamManager['consumers']['info']>> | undefined;
  try {
    info = await jsm.consumers.info(SITES_STREAM, INGEST_CONSUMER);
  } catch (err) {
    if (!/not found/i.test(String(err))) throw err;
  }
  if (info && info.config.ack_policy === AckPolicy.Explicit) return;
  if (info) await jsm.consumers.delete(SITES_STREAM, INGEST_CONSUMER);
  const floor = info?.ack_floor.stream_seq ?? 0;
  await jsm.consumers.add(SITES_STREAM, floor > 0 ? { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: floor + 1 } : { ...config, deliver_policy: DeliverPolicy.All });
}

/** The durable consumer of one site's notices (created before the site first connects, so nothing is missed). */
export async function ensureSiteConsumer(jsm: JetStreamManager, siteId: string): Promise<void> {
  await addConsumer(jsm, NOTICES_STREAM, {
    durable_name: noticeConsumerName(siteId),
    filter_subject: `notice.${siteId}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(60_000),
    max_ack_pending: 100,
  });
}

async function addConsumer(jsm: JetStreamManager, stream: string, config: Parameters<JetStreamManager['consumers']['add']>[1]): Promise<void> {
  try {
    await jsm.consumers.info(stream, config.durable_name!);
  } catch (err) {
    if (!/not found/i.test(String(err))) throw err;
    await jsm.consumers.add(stream, config);
  }
}
