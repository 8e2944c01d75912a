/**
 * HTTP side of recording: status and usage, a camera's timeline (spans, gaps, events), bookmarks,
 * exports (create, list, download, delete; audited) and retention changes (admin).
 */
import { z } from 'zod';
import { NotFoundError, UserError } from '../core/errors.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import type { Exporter } from './export.js';
import type { RecordingIndex } from './index-store.js';
import type { Recorder } from './recorder.js';
import { recordingUsage } from './usage.js';

export interface RecordingRouteDeps {
  recorder: Recorder;
  index: RecordingIndex;
  exporter: Exporter;
  gapThresholdMs: number;
  gateCameras: Record<string, string>;
}

const HOUR_MS = 3_600_000;
const epochMs = z.number().int().min(0).max(8.64e15);

function timeQuery(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Date.parse(String(v));
  if (!Number.isFinite(n) || n < 0) throw new UserError('recording.time-invalid', {}, 400, 'recording.bad_time');
  return n;
}

/** Adjacent segments (closer than the gap threshold) as one recorded span. */
function spans(segments: Array<{ startMs: number; endMs: number }>, thresholdMs: number): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && s.startMs - last.to <= thresholdMs) last.to = Math.max(last.to, s.endMs);
    else out.push({ from: s.startMs, to: s.endMs });
  }
  return out;
}

export function recordingRoutes(d: RecordingRouteDeps): RouteModule {
  const parseRange = (q: Record<string, unknown>): { from: number; to: number } => {
    const now = Date.now();
    const to = timeQuery(q.to, now);
    const from = timeQuery(q.from, to - 24 * HOUR_MS);
    return { from, to: Math.min(to, from + 7 * 24 * HOUR_MS) };
  };
  return defineRoutes([
    {
      method: 'get',
      path: '/api/recordings',
      access: 'viewer',
      summary: 'Recording state of every recorded camera (recording / waiting / error with reason), disk usage and forecast (days left at the rate of the last 24 h)',
      handler: () => ({ cameras: d.recorder.statuses(), usage: recordingUsage(d.index, d.recorder.retention), lastRepair: d.recorder.lastRepair ?? null, gateCameras: d.gateCameras }),
    },
    {
      method: 'get',
      path: '/api/recordings/:camera/timeline',
      access: 'viewer',
      summary: 'A camera\'s recorded spans, gaps (with reason) and event marks between ?from and ?to (epoch ms or ISO; default the last 24 h, at most 7 days)',
      handler: (req) => {
        const camera = String(req.params.camera);
        const { from, to } = parseRange(req.query as Record<string, unknown>);
        const segments = d.index.segments(camera, from, to);
        const status = d.recorder.status(camera);
        return {
          camera,
          from,
          to,
          recording: status ?? null,
          settings: d.recorder.settingsOf(camera),
          spans: spans(segments, d.gapThresholdMs),
          gaps: d.index.gaps(camera, from, to).map((g) => ({ from: g.startMs, to: g.endMs, reason: g.reason })),
          events: d.index.events(camera, from, to).map((e) => ({ id: e.id, at: e.atMs, kind: e.kind, label: e.label })),
        };
      },
    },
    {
      method: 'post',
      path: '/api/recordings/:camera/bookmarks',
      access: 'officer',
      audit: 'recording.bookmark',
      summary: 'A manual bookmark at a time ({"at": epoch ms, "label"}): an event mark that keeps the seconds around it for the event retention',
      created: true,
      handler: (req, _res, ctx) => {
        const body = parseBody(z.strictObject({ at: epochMs, label: z.string().max(200).optional() }), req.body);
        const id = d.recorder.mark(String(req.params.camera), body.at, 'bookmark', body.label ?? `bookmark by ${ctx.principal?.name ?? 'unknown'}`);
        return { id };
      },
    },
    {
      method: 'put',
      path: '/api/recordings/:camera/retention',
      access: 'admin',
      audit: 'recording.retention',
      summary: 'Changes how many days a camera\'s video is kept ({"retentionDays"}); kept across restarts',
      handler: (req, _res, ctx) => {
        const body = parseBody(z.strictObject({ retentionDays: z.number().min(0.001).max(3650) }), req.body);
        d.recorder.setRetentionDays(String(req.params.camera), body.retentionDays, ctx.principal?.name ?? 'unknown');
        return d.recorder.settingsOf(String(req.params.camera));
      },
    },
    {
      method: 'post',
      path: '/api/recordings/exports',
      access: 'officer',
      audit: 'recording.export',
      summary: 'Exports a range of one or several cameras ({"cameras":[...], "from", "to"} epoch ms) as MP4 files (remux only, faststart); one export per camera',
      created: true,
      handler: async (req, _res, ctx) => {
        const body = parseBody(z.strictObject({ cameras: z.array(z.string().min(1).max(64)).min(1).max(16), from: epochMs, to: epochMs }), req.body);
        const exports = [];
        for (const camera of body.cameras) exports.push(await d.exporter.create({ camera, fromMs: body.from, toMs: body.to, by: ctx.principal?.name ?? 'unknown' }));
        return { exports };
      },
    },
    {
      method: 'get',
      path: '/api/recordings/exports',
      access: 'officer',
      summary: 'Exports kept (who made them, when, camera, range, size)',
      handler: () => ({ exports: d.index.exports() }),
    },
    {
      method: 'get',
      path: '/api/recordings/exports/:id/file',
      access: 'officer',
      summary: 'Downloads an export (video/mp4)',
      handler: (req, res) =>
        new Promise<void>((resolve, reject) => {
          const id = String(req.params.id);
          const row = d.index.getExport(id);
          if (!row) return reject(new NotFoundError('recording.export-not-found', { id }));
          res.type('video/mp4');
          res.setHeader('Content-Disposition', `attachment; filename="${row.camera}-${new Date(row.fromMs).toISOString().replace(/[:.]/g, '-')}.mp4"`);
          res.sendFile(d.exporter.pathOf(id), (err) => (err ? reject(err) : resolve()));
        }),
    },
    {
      method: 'delete',
      path: '/api/recordings/exports/:id',
      access: 'officer',
      audit: 'recording.export_delete',
      summary: 'Deletes an export',
      handler: (req) => {
        d.exporter.delete(String(req.params.id));
      },
    },
  ]);
}
