import type { Request } from 'express';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { message } from '../core/messages.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import type { BroadcastActions } from './broadcast-actions.js';
import type { BroadcastService } from './broadcast-service.js';
import type { ClipStore } from './clip-store.js';
import { scheduleInputSchema, targetsSchema, type Schedule, type ScheduleStore } from './schedule-store.js';
import { nextRuns } from './schedule-when.js';
import type { Scheduler } from './scheduler.js';
import type { SpeakerDirectory } from './speaker-directory.js';
import type { SpeakerOutput } from './speaker-output.js';
import type { CameraSpeakerTargets } from './camera-speakers/camera-targets.js';

const playFields = {
  speakers: z.array(z.string().min(1)).default([]),
  groups: z.array(z.string().min(1)).default([]),
  repeat: z.number().int().min(1).max(20).default(1),
  volume: z.number().int().min(0).max(100).nullable().default(null),
  /** Announce with alarm priority (above manual and scheduled, below live). */
  alarm: z.boolean().default(false),
};
const ttsBody = z.strictObject({ text: z.string().min(1).max(2000), language: z.string().max(16).optional(), ...playFields });
const clipPlayBody = z.strictObject(playFields);
const volumeBody = z.strictObject({ volume: z.number().int().min(0).max(100) });

async function readBody(req: Request, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new UserError('upload.too-large', { mib: Math.round(limitBytes / 1048576) }, 413, 'too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new UserError('upload.too-large', { mib: Math.round(limitBytes / 1048576) }, 413, 'too_large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function broadcastRoutes(deps: {
  service: BroadcastService;
  actions: BroadcastActions;
  clips: ClipStore;
  schedules: ScheduleStore;
  scheduler: Scheduler;
  directory: SpeakerDirectory;
  driver: SpeakerOutput;
  /** Camera loudspeakers (absent: none configured). */
  cameraTargets?: CameraSpeakerTargets | undefined;
  maxUploadBytes: number;
  /** The site's UTC offset, for pages that show next runs in site time. */
  utcOffsetMinutes?: number;
}): RouteModule {
  const { service, actions, clips, schedules, scheduler, directory } = deps;
  const utcOffsetMinutes = deps.utcOffsetMinutes ?? 0;
  const withNext = (s: Schedule) => {
    const nextFireAt = scheduler.plan().get(s.id) ?? null;
    const upcoming = s.enabled && nextFireAt ? [nextFireAt, ...(s.when?.kind === 'once' ? [] : nextRuns(s.cron, s.timezone, s.when, nextFireAt, 2))] : [];
    return { ...s, nextFireAt: nextFireAt?.toISOString() ?? null, nextRuns: upcoming.map((d) => d.toISOString()) };
  };
  return defineRoutes([
    { method: 'get', path: '/api/broadcast/speakers', access: 'viewer', summary: 'Speakers with their groups, availability and last reported state.', handler: () => ({ speakers: directory.list() }) },
    {
      method: 'get',
      path: '/api/broadcast/camera-speakers',
      access: 'viewer',
      summary: 'Cameras configured as loudspeakers: whether each offers the ONVIF audio backchannel (its audio outputs, G.711 codec), or why not.',
      handler: () => ({ cameras: deps.cameraTargets?.views() ?? [] }),
    },
    { method: 'get', path: '/api/broadcast/groups', access: 'viewer', summary: 'Speaker groups and their members.', handler: () => ({ groups: directory.groupList() }) },
    {
      method: 'post',
      path: '/api/broadcast/speakers/:id/volume',
      access: 'officer',
      audit: 'broadcast.volume.set',
      summary: 'Set one speaker\'s volume (0-100).',
      handler: async (req) => {
        const body = parseBody(volumeBody, req.body);
        const resolved = directory.resolve({ speakers: [String(req.params.id)], groups: [] });
        await deps.driver.setVolume(resolved.publish, body.volume);
        return { speaker: req.params.id, volume: body.volume };
      },
    },
    {
      method: 'post',
      path: '/api/broadcast/groups/:group/volume',
      access: 'officer',
      audit: 'broadcast.volume.set',
      summary: 'Set the volume of every speaker of a group (one publish).',
      handler: async (req) => {
        const body = parseBody(volumeBody, req.body);
        const resolved = directory.resolve({ speakers: [], groups: [String(req.params.group)] });
        await deps.driver.setVolume(resolved.publish, body.volume);
        return { group: req.params.group, speakers: resolved.speakers, volume: body.volume };
      },
    },
    {
      method: 'get',
      path: '/api/broadcast/jobs',
      access: 'viewer',
      summary: 'Running jobs, then the most recent ones (`?limit=`, default 50), with their events.',
      handler: (req) => ({ jobs: service.list(Math.min(500, Math.max(1, Number(req.query.limit ?? 50) || 50))) }),
    },
    { method: 'get', path: '/api/broadcast/jobs/:id', access: 'viewer', summary: 'One job with its events and the speakers\' reports.', handler: (req) => service.get(String(req.params.id)) },
    {
      method: 'post',
      path: '/api/broadcast/jobs/:id/stop',
      access: 'officer',
      audit: 'broadcast.job.stop',
      summary: 'Stop a job at once.',
      handler: (req, _res, ctx) => service.stopJob(String(req.params.id), message('job.reason.stopped-by', { by: ctx.principal?.name ?? 'unknown' })),
    },
    {
      method: 'post',
      path: '/api/broadcast/tts',
      access: 'officer',
      audit: 'broadcast.tts',
      created: true,
      summary: 'Speak a text (espeak-ng, or the speakers\' own TTS) on speakers and groups; 409 when a job of the same or higher priority holds them.',
      handler: (req, _res, ctx) => {
        const body = parseBody(ttsBody, req.body);
        const targets = parseBody(targetsSchema, { speakers: body.speakers, groups: body.groups });
        return actions.speak({ text: body.text, language: body.language, targets, repeat: body.repeat, volume: body.volume, alarm: body.alarm, principal: ctx.principal! });
      },
    },
    { method: 'get', path: '/api/broadcast/clips', access: 'viewer', summary: 'Uploaded clips.', handler: () => ({ clips: clips.list() }) },
    {
      method: 'post',
      path: '/api/broadcast/clips',
      access: 'admin',
      audit: 'broadcast.clip.upload',
      created: true,
      summary: 'Upload a clip: the audio file (WAV, MP3, ...) is the request body, `?name=` names it. Converted once with ffmpeg.',
      handler: async (req, _res, ctx) => {
        const name = typeof req.query.name === 'string' && req.query.name.trim() ? req.query.name.trim().slice(0, 200) : undefined;
        if (!name) throw new UserError('clip.name-missing');
        if (/json/.test(String(req.headers['content-type'] ?? ''))) throw new UserError('clip.body-json');
        const data = await readBody(req, deps.maxUploadBytes);
        return clips.add({ name, originalName: typeof req.query.filename === 'string' ? req.query.filename : null, data, uploadedBy: ctx.principal!.name });
      },
    },
    {
      method: 'delete',
      path: '/api/broadcast/clips/:id',
      access: 'admin',
      audit: 'broadcast.clip.delete',
      summary: 'Delete a clip (schedules that use it fail at their next time).',
      handler: (req) => {
        clips.remove(String(req.params.id));
      },
    },
    {
      method: 'post',
      path: '/api/broadcast/clips/:id/play',
      access: 'officer',
      audit: 'broadcast.clip.play',
      created: true,
      summary: 'Play a clip on speakers and groups.',
      handler: (req, _res, ctx) => {
        const body = parseBody(clipPlayBody, req.body);
        const targets = parseBody(targetsSchema, { speakers: body.speakers, groups: body.groups });
        return actions.playClip({ clipId: String(req.params.id), targets, repeat: body.repeat, volume: body.volume, alarm: body.alarm, principal: ctx.principal! });
      },
    },
    { method: 'get', path: '/api/broadcast/schedules', access: 'viewer', summary: 'Publicity schedules with their next fire time.', handler: () => ({ schedules: schedules.list().map(withNext), utcOffsetMinutes }) },
    { method: 'get', path: '/api/broadcast/schedules/:id', access: 'viewer', summary: 'One schedule.', handler: (req) => withNext(schedules.get(String(req.params.id))) },
    {
      method: 'post',
      path: '/api/broadcast/schedules',
      access: 'officer',
      audit: 'broadcast.schedule.create',
      created: true,
      summary: 'Create a publicity schedule (cron, targets, TTS text or clip, repeat, quiet hours, preemption policy).',
      handler: (req, _res, ctx) => {
        const input = parseBody(scheduleInputSchema, req.body);
        directory.resolve(input.targets);
        if (input.content.kind === 'clip') clips.get(input.content.clipId);
        const created = schedules.create(input, ctx.principal!.name);
        scheduler.reload();
        return withNext(created);
      },
    },
    {
      method: 'put',
      path: '/api/broadcast/schedules/:id',
      access: 'officer',
      audit: 'broadcast.schedule.update',
      summary: 'Replace a schedule.',
      handler: (req) => {
        const input = parseBody(scheduleInputSchema, req.body);
        directory.resolve(input.targets);
        if (input.content.kind === 'clip') clips.get(input.content.clipId);
        const updated = schedules.update(String(req.params.id), input);
        scheduler.reload();
        return withNext(updated);
      },
    },
    {
      method: 'delete',
      path: '/api/broadcast/schedules/:id',
      access: 'officer',
      audit: 'broadcast.schedule.delete',
      summary: 'Delete a schedule (a job it started keeps playing).',
      handler: (req) => {
        schedules.remove(String(req.params.id));
        scheduler.reload();
      },
    },
  ]);
}
