import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveFfmpeg } from '../core/ffmpeg.js';
import type { Service } from '../core/lifecycle.js';
import type { FeatureFactory } from '../feature.js';
import { MqttSpeakerDriver } from '../../devices/mqtt-speaker/driver.js';
import { CAMERA_AUDIO } from '../cameras/camera-audio.js';
import { ALARM_ANNOUNCER, alarmAnnouncer } from './alarm-announcer.js';
import { CameraSpeakerDriver } from './camera-speakers/camera-speaker-driver.js';
import { CameraSpeakerTargets } from './camera-speakers/camera-targets.js';
import { BroadcastActions } from './broadcast-actions.js';
import { BroadcastService } from './broadcast-service.js';
import { ClipStore } from './clip-store.js';
import { JobHistory } from './job-history.js';
import { NOTICE_PLAYER, noticePlayer } from './notice-player.js';
import { broadcastMigrations } from './migrations.js';
import { broadcastRoutes } from './routes.js';
import { ScheduleStore } from './schedule-store.js';
import { zoneOfOffset } from './schedule-when.js';
import { Scheduler } from './scheduler.js';
import { SpeakerDirectory } from './speaker-directory.js';
import { SpeakerFanout } from './speaker-output.js';
import { talkEndpoint } from './talk-endpoint.js';
import { TextToSpeech } from './tts.js';

/** The push-to-talk test page (`/talk/`), reused by the dashboards later. */
export const BROADCAST_STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');

/** Speakers: live call-out, TTS, clips, scheduled publicity with priorities. */
export const broadcastFeature: FeatureFactory = (ctx) => {
  const { config } = ctx;
  const settings = config.broadcast;
  const log = ctx.log.child({ component: 'broadcast' });
  const dataDir = join(config.storage.dataDir, 'broadcast');
  const driver = new MqttSpeakerDriver({ router: ctx.router, publisher: ctx.publisher, log });
  // Cameras' own loudspeakers (ONVIF backchannel), only where the config names some.
  const cameraSettings = settings.cameraSpeakers;
  const cameraTargets = cameraSettings.cameras.length
    ? new CameraSpeakerTargets({ config: cameraSettings, cameraAudio: () => ctx.capabilities.optional(CAMERA_AUDIO), bus: ctx.bus, log: log.child({ component: 'camera-speakers' }) })
    : undefined;
  const cameraDriver = cameraTargets ? new CameraSpeakerDriver({ config: cameraSettings, targets: cameraTargets, log: log.child({ component: 'camera-speakers' }) }) : undefined;
  const output = new SpeakerFanout(driver, cameraDriver);
  const directory = new SpeakerDirectory(config.mqtt.devices, ctx.presence, output, cameraTargets);
  const history = new JobHistory(ctx.database);
  const service = new BroadcastService({ ctx: { ...ctx, log }, driver: output, directory, history, codec: settings.codec, frameMs: settings.frameMs });
  const tts = new TextToSpeech({ ...settings.tts, cacheDir: join(dataDir, 'tts-cache'), log });
  let ffmpeg: string | undefined;
  const clips = new ClipStore({
    database: ctx.database,
    dir: join(dataDir, 'clips'),
    ffmpeg: () => (ffmpeg ??= resolveFfmpeg({ configured: config.ffmpeg.path }).path),
    maxSeconds: settings.clips.maxSeconds,
    timeoutMs: 120_000,
  });
  const schedules = new ScheduleStore(ctx.database, zoneOfOffset(config.access.utcOffsetMinutes));
  const actions = new BroadcastActions({ service, tts, clips, directory, driver: output, audit: ctx.audit, leadMs: settings.leadMs, log });
  ctx.capabilities.provide(ALARM_ANNOUNCER, alarmAnnouncer({ actions, service, directory }));
  const scheduler = new Scheduler({
    store: schedules,
    log,
    fire: (schedule, at) => {
      actions.fireSchedule(schedule, at).catch((err: unknown) => log.error({ schedule: schedule.id, err: String(err) }, 'scheduled broadcast could not start'));
    },
  });
  ctx.capabilities.provide(NOTICE_PLAYER, noticePlayer({ actions, clips, directory }));
  const ttsLifecycle: Service = { name: 'broadcast-tts', start: async () => {}, stop: async () => tts.stop() };
  return {
    name: 'broadcast',
    migrations: broadcastMigrations,
    services: [driver, ...(cameraTargets && cameraDriver ? [cameraTargets, cameraDriver] : []), ttsLifecycle, service, scheduler],
    routes: broadcastRoutes({ service, actions, clips, schedules, scheduler, directory, driver: output, cameraTargets, maxUploadBytes: settings.clips.maxUploadMb * 1024 * 1024, utcOffsetMinutes: config.access.utcOffsetMinutes }),
    wsEndpoints: [talkEndpoint({ actions, service, bus: ctx.bus, idleTimeoutMs: settings.talk.idleTimeoutMs, maxSeconds: settings.talk.maxSeconds })],
    staticDirs: [BROADCAST_STATIC_DIR],
  };
};
