import { randomUUID } from 'node:crypto';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type pg from 'pg';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ClipDescriptor, DistrictClips } from './clips.js';
import { ensureSiteConsumer } from './streams.js';

/** What an officer sends down to the sites. */
export const noticeRequestSchema = z.strictObject({
  content: z.union([
    z.strictObject({ kind: z.literal('tts'), text: z.string().trim().min(1).max(500), language: z.enum(['zh', 'en']).optional() }),
    /** A clip uploaded at the district (POST /api/district/clips): its audio travels to the sites. */
    z.strictObject({ kind: z.literal('clip'), clipId: z.string().regex(/^dc-[0-9a-f]{12}$/) }),
    /** A clip already uploaded at each site under this name. */
    z.strictObject({ kind: z.literal('clip'), clipName: z.string().min(1).max(64) }),
  ]),
  /** Site ids, or ["*"] for every known site. */
  sites: z.array(z.string().min(1).max(64)).min(1).max(500),
  /** Speaker groups at each site; empty: the site's default groups for notices. */
  groups: z.array(z.string().min(1).max(64)).max(50).default([]),
  priority: z.enum(['normal', 'urgent']).default('normal'),
  repeat: z.number().int().min(1).max(5).default(1),
  /** When to play (ISO with zone); absent: at once. */
  playAt: z.iso.datetime({ offset: true }).optional(),
  /** Not played after this (ISO); default 24 hours after playAt or now. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type NoticeRequest = z.infer<typeof noticeRequestSchema>;

/** What a notice plays, as a site receives it: a clip uploaded at the district comes with its descriptor. */
export type NoticeContent = { kind: 'tts'; text: string; language?: 'zh' | 'en' | undefined } | { kind: 'clip'; clipName: string; clip?: ClipDescriptor };

/** What a site receives on notice.<site>. */
export interface NoticeMessage {
  id: string;
  content: NoticeContent;
  groups: string[];
  priority: 'normal' | 'urgent';
  repeat: number;
  playAt: string | null;
  expiresAt: string;
  createdBy: string;
}

/**
 * Stores a notice and its per-site delivery rows (state `sent`) in PostgreSQL, then publishes it
 * to each target site's subject of the NOTICES stream with Nats-Msg-Id `notice/<id>/<site>`. Each
 * site has a durable consumer, so a site offline now receives it when it returns; the site
 * reports back through its own uplink (kind notice-state).
 */
export class NoticeSender {
  private stopped = true;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = 0;
  private retryAgain = false;
  private retrying: Promise<void> | undefined;

  constructor(private readonly deps: { pool: pg.Pool; js: () => JetStreamClient; jsm: () => JetStreamManager; clips: DistrictClips; knownSites: () => Promise<string[]>; log: Logger }) {}

  async send(request: NoticeRequest, by: string): Promise<{ id: string; sites: string[] }> {
    const now = Date.now();
    const sites = request.sites.includes('*') ? await this.deps.knownSites() : [...new Set(request.sites)];
    if (!sites.length) throw new UserError('district.no-sites', {}, 400, 'no-sites');
    const playAt = request.playAt ? Date.parse(request.playAt) : null;
    const expiresAt = request.expiresAt ? Date.parse(request.expiresAt) : (playAt ?? now) + 24 * 3600_000;
    if (expiresAt <= now) throw new UserError('district.notice-expired', {}, 400, 'notice-expired');
    if (playAt !== null && playAt >= expiresAt) throw new UserError('district.notice-expires-first', {}, 400, 'notice-expired');
    // a district clip: its audio on the CLIPS stream before any site can read the notice
    let content: NoticeContent;
    if ('clipId' in request.content) {
      const clip = await this.deps.clips.get(request.content.clipId);
      await this.deps.clips.ensurePublished(clip);
      content = { kind: 'clip', clipName: clip.name, clip: this.deps.clips.descriptor(clip) };
    } else content = request.content;
    const id = randomUUID();
    const client = await this.deps.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        'INSERT INTO notices (id, created_by, content, sites, groups, priority, play_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [id, by, JSON.stringify({ ...content, repeat: request.repeat }), sites, request.groups, request.priority, playAt ? new Date(playAt) : null, new Date(expiresAt)],
      );
      await client.query(`INSERT INTO notice_deliveries (notice_id, site_id, state, rank) SELECT $1, unnest($2::text[]), 'pending', 0`, [id, sites]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    const message: NoticeMessage = {
      id,
      content,
      groups: request.groups,
      priority: request.priority,
      repeat: request.repeat,
      playAt: playAt ? new Date(playAt).toISOString() : null,
      expiresAt: new Date(expiresAt).toISOString(),
      createdBy: by,
    };
    await this.publish(message, sites);
    return { id, sites };
  }

  /**
   * Hands the notice to the cluster for each site (its delivery goes from `pending` to `sent`);
   * true when every site's copy was taken. A republish is safe: the Nats-Msg-Id makes JetStream
   * drop a second copy.
   */
  private async publish(message: NoticeMessage, sites: readonly string[]): Promise<boolean> {
    let all = true;
    for (const site of sites) {
      try {
        await ensureSiteConsumer(this.deps.jsm(), site);
        await this.deps.js().publish(`notice.${site}`, JSON.stringify(message), { msgID: `notice/${message.id}/${site}` });
        await this.deps.pool.query(`UPDATE notice_deliveries SET state = 'sent', rank = 1, updated_at = now() WHERE notice_id = $1 AND site_id = $2 AND rank < 1`, [message.id, site]);
      } catch (err) {
        all = false;
        this.deps.log.warn({ notice: message.id, site, err: String(err) }, 'notice not yet handed to the cluster; tried again later');
      }
    }
    if (!all) this.retryLater();
    return all;
  }

  /**
   * While the cluster refuses (a node just killed, a leader being elected, the link down), every
   * pending hand-over is tried again after 1 s, then 2, 4 … up to 15 s apart, until none is left.
   */
  private retryLater(): void {
    if (this.stopped) return;
    if (this.retrying || this.retryTimer) {
      this.retryAgain = true;
      return;
    }
    this.retryMs = Math.min(Math.max(this.retryMs * 2, 1000), 15_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.attempt();
    }, this.retryMs);
  }

  /** One hand-over of everything pending; a refusal (or an unreadable table) asks for the next. */
  private attempt(): Promise<void> {
    this.retryAgain = false;
    this.retrying = this.handOverPending()
      .catch((err: unknown) => {
        this.deps.log.warn({ err: String(err) }, 'pending notices not readable; tried again later');
        return false;
      })
      .then((done) => {
        this.retrying = undefined;
        if (done && !this.retryAgain) this.retryMs = 0;
        else this.retryLater();
      });
    return this.retrying;
  }

  /** At the district's start: hands over what a crash left pending, then retries until it is all taken. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.attempt();
  }

  /** Stops the retries (the district is stopping); waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.retrying;
  }

  /** Notices whose hand-over to the cluster did not happen (the district stopped in between, or the cluster refused). */
  private async handOverPending(): Promise<boolean> {
    const { rows } = await this.deps.pool.query<{ id: string; created_by: string; content: NoticeContent & { repeat: number }; groups: string[]; priority: 'normal' | 'urgent'; play_at: Date | null; expires_at: Date; sites: string[] }>(
      `SELECT n.id, n.created_by, n.content, n.groups, n.priority, n.play_at, n.expires_at, array_agg(d.site_id) AS sites
       FROM notices n JOIN notice_deliveries d ON d.notice_id = n.id WHERE d.rank = 0 AND n.expires_at > now() GROUP BY n.id`,
    );
    let all = true;
    for (const r of rows) {
      const { repeat, ...content } = r.content;
      all = (await this.publish(
        { id: r.id, content: content as NoticeContent, groups: r.groups, priority: r.priority, repeat, playAt: r.play_at?.toISOString() ?? null, expiresAt: r.expires_at.toISOString(), createdBy: r.created_by },
        r.sites,
      )) && all;
    }
    return all;
  }
}
