import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import type { NoticePlayer } from '../broadcast/notice-player.js';
import { UserError } from '../core/errors.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/database.js';
import { NOTICES_STREAM, noticeConsumerName } from '../district/nats-config.js';
import { ClipNotReachable, fetchDistrictClip, MAX_CLIP_BYTES, MAX_CLIP_CHUNKS, type ClipDescriptor } from './clip-fetch.js';
import type { OutboxStore } from './outbox.js';

const noticeSchema = z.object({
  id: z.string().min(1).max(64),
  content: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('tts'), text: z.string().min(1).max(500), language: z.enum(['zh', 'en']).optional() }),
    z.object({
      kind: z.literal('clip'),
      clipName: z.string().min(1).max(64),
      /** A clip uploaded at the district: fetched from the CLIPS stream (absent: a clip of this site by name). */
      clip: z
        .object({
          id: z.string().regex(/^dc-[0-9a-f]{12}$/),
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          bytes: z.number().int().min(1).max(MAX_CLIP_BYTES),
          chunks: z.number().int().min(1).max(MAX_CLIP_CHUNKS),
          durationMs: z.number().int().min(0),
        })
        .optional(),
    }),
  ]),
  groups: z.array(z.string().max(64)).max(50),
  priority: z.enum(['normal', 'urgent']),
  repeat: z.number().int().min(1).max(5),
  playAt: z.string().nullable(),
  expiresAt: z.string(),
  createdBy: z.string().max(64),
});
type Notice = z.infer<typeof noticeSchema>;

const ENDED = new Set(['finished', 'stopped', 'skipped', 'failed']);
// A delivery's detail is a message code (src/core/messages.ts) the district's page shows in its language,
// or, for an unexpected error, its text.
/** Most notices waiting for their time at once (each holds one timer). */
const MAX_SCHEDULED = 200;
/** A notice whose speakers are all offline is tried again this often until it expires. */
const RETRY_MS = 3000;

/**
 * Notices from the district: read from this site's durable consumer (so those sent while the site
 * was offline arrive when it returns), recorded in uplink_notices with their `received` state in
 * the outbox, in one transaction, before the message is acknowledged; a notice already recorded is
 * acknowledged and not played again. It plays through the broadcast service at its time unless it
 * has expired; each state (received, scheduled, playing, played, expired, failed) goes up through
 * the outbox.
 */
export class NoticeReceiver {
  private stopped = true;
  private loop: Promise<void> | undefined;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly jobs = new Map<string, string>();
  private offBus: (() => void) | undefined;
  private batch: { stop(): void } | undefined;
  private nc: NatsConnection | undefined;

  constructor(
    private readonly deps: { siteId: string; defaultGroups: readonly string[]; database: Database; outbox: OutboxStore; player: () => NoticePlayer | undefined; bus: EventBus; log: Logger; wake: () => void },
  ) {}

  start(): void {
    this.stopped = false;
    this.offBus = this.deps.bus.on('broadcast.job', (e) => {
      const noticeId = this.jobs.get(e.jobId);
      if (!noticeId || !ENDED.has(e.event)) return;
      this.jobs.delete(e.jobId);
      this.setState(noticeId, e.event === 'finished' ? 'played' : 'failed', e.event === 'finished' ? null : `notice.job-${e.event}`);
    });
    // What a restart interrupted: waiting notices wait again, a notice that was playing is reported failed.
    const rows = this.db().prepare<[], { notice_id: string; state: string; detail: string }>("SELECT notice_id, state, detail FROM uplink_notices WHERE state IN ('received', 'scheduled', 'playing')").all();
    for (const r of rows) {
      if (r.state === 'playing') this.setState(r.notice_id, 'failed', 'notice.interrupted');
      else this.arrange(JSON.parse(r.detail) as Notice);
    }
  }

  /** Begins reading notices on this connection (called once the link is up). */
  attach(nc: NatsConnection, js: JetStreamClient): void {
    if (this.stopped || this.loop) return;
    this.nc = nc;
    this.loop = this.run(nc, js);
  }

  private db() {
    return this.deps.database.db;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => (this.sleeper = { timer: setTimeout(resolve, ms), resolve }));
  }

  private async run(nc: NatsConnection, js: JetStreamClient): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await js.consumers.get(NOTICES_STREAM, noticeConsumerName(this.deps.siteId));
        while (!this.stopped) {
          const batch = await consumer.fetch({ max_messages: 10, expires: 2000 });
          this.batch = batch;
          for await (const m of batch) this.receive(m);
        }
      } catch (err) {
        if (this.stopped || nc.isClosed()) return;
        this.deps.log.debug({ err: String(err) }, 'notices not readable yet; trying again');
        await this.sleep(1000);
      }
    }
  }

  private receive(m: JsMsg): void {
    let notice: Notice;
    try {
      notice = noticeSchema.parse(m.json());
    } catch {
      this.deps.log.warn({ seq: m.seq }, 'a notice from the district was not valid and is ignored');
      m.term();
      return;
    }
    const now = Date.now();
    const expired = Date.parse(notice.expiresAt) <= now;
    const state = expired ? 'expired' : 'received';
    const fresh = this.db().transaction(() => {
      const inserted = this.db().prepare('INSERT INTO uplink_notices (notice_id, received_at, state, detail) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(notice.id, now, state, JSON.stringify(notice));
      if (inserted.changes === 0) return false;
      this.deps.outbox.append('notice-state', `${notice.id}/${state}`, { noticeId: notice.id, state, detail: expired ? 'notice.expired-on-arrival' : null });
      return true;
    })();
    m.ack();
    this.deps.wake();
    if (fresh && !expired) this.arrange(notice);
  }

  private arrange(notice: Notice): void {
    const wait = notice.playAt ? Date.parse(notice.playAt) - Date.now() : 0;
    if (wait > 1000 && this.timers.size < MAX_SCHEDULED) {
      this.setState(notice.id, 'scheduled', null);
      this.timers.set(notice.id, setTimeout(() => (this.timers.delete(notice.id), void this.play(notice)), Math.min(wait, 2 ** 31 - 1)));
    } else void this.play(notice);
  }

  private async play(notice: Notice): Promise<void> {
    if (this.stopped) return;
    if (Date.parse(notice.expiresAt) <= Date.now()) return this.setState(notice.id, 'expired', 'notice.expired-before-play');
    const player = this.deps.player();
    if (!player) return this.setState(notice.id, 'failed', 'notice.no-broadcast');
    try {
      const content = notice.content.kind === 'clip' && notice.content.clip ? { kind: 'clip' as const, clipName: notice.content.clipName, clipId: await this.localClip(notice.content.clip, notice.content.clipName, notice.createdBy, player) } : notice.content;
      if (this.stopped) return;
      const jobId = await player.play({ content, groups: notice.groups.length ? notice.groups : this.deps.defaultGroups, urgent: notice.priority === 'urgent', repeat: notice.repeat, sentBy: notice.createdBy });
      this.jobs.set(jobId, notice.id);
      this.db().prepare('UPDATE uplink_notices SET job_id = ? WHERE notice_id = ?').run(jobId, notice.id);
      this.setState(notice.id, 'playing', null);
    } catch (err) {
      // No speaker online yet (the gateway has just started, or they are away): try again until it expires.
      // The clip could not be fetched (the link is down again): likewise.
      if (((err instanceof UserError && err.status === 503) || err instanceof ClipNotReachable) && !this.stopped) {
        this.deps.log.info({ notice: notice.id, err: err.message }, err instanceof ClipNotReachable ? 'district notice waits for its clip' : 'district notice waits for its speakers');
        this.timers.set(notice.id, setTimeout(() => (this.timers.delete(notice.id), void this.play(notice)), RETRY_MS));
        return;
      }
      this.setState(notice.id, 'failed', err instanceof UserError ? err.messageCode : (err as Error).message.slice(0, 200));
    }
  }

  /**
   * The site's own copy of a district clip: fetched once (direct gets on the CLIPS stream, size and
   * SHA-256 checked), kept as one of the site's clips and remembered in uplink_clips, so a second
   * notice with the same clip does not fetch it again.
   */
  private async localClip(clip: ClipDescriptor, name: string, sentBy: string, player: NoticePlayer): Promise<string> {
    const known = this.db().prepare<[string, string], { local_clip_id: string }>('SELECT local_clip_id FROM uplink_clips WHERE district_clip_id = ? AND sha256 = ?').get(clip.id, clip.sha256);
    if (known && player.hasClip(known.local_clip_id)) return known.local_clip_id;
    const nc = this.nc;
    if (!nc || nc.isClosed()) throw new ClipNotReachable('not connected to the district');
    const data = await fetchDistrictClip(nc, clip);
    const localId = await player.importClip({ name, data, sentBy });
    this.db()
      .prepare('INSERT INTO uplink_clips (district_clip_id, sha256, local_clip_id, fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT (district_clip_id) DO UPDATE SET sha256 = excluded.sha256, local_clip_id = excluded.local_clip_id, fetched_at = excluded.fetched_at')
      .run(clip.id, clip.sha256, localId, Date.now());
    this.deps.log.info({ clip: clip.id, localClip: localId, bytes: clip.bytes }, 'clip fetched from the district');
    return localId;
  }

  private setState(noticeId: string, state: string, detail: string | null): void {
    this.db().transaction(() => {
      this.db().prepare('UPDATE uplink_notices SET state = ? WHERE notice_id = ?').run(state, noticeId);
      this.deps.outbox.append('notice-state', `${noticeId}/${state}`, { noticeId, state, detail });
    })();
    this.deps.wake();
    this.deps.log.info({ notice: noticeId, state, detail }, 'district notice');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.offBus?.();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.batch?.stop();
    if (this.sleeper) {
      clearTimeout(this.sleeper.timer);
      this.sleeper.resolve();
    }
    await this.loop;
    this.loop = undefined;
  }
}
