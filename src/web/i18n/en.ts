import { visitorsEn } from './areas/visitors.en.js';
import { alarmPagesEn } from './areas/alarm-pages.en.js';
import { districtEn } from './areas/district.en.js';
import { adminEn } from './areas/admin.en.js';
import { wordsEn } from './areas/words.en.js';
import { deployEn } from './areas/deploy.en.js';
import { alarmsEn } from './areas/alarms.en.js';
import { sitemapEn } from './areas/sitemap.en.js';
import { visionEn } from './areas/vision.en.js';
import { consoleEn } from './areas/console.en.js';
import { broadcastEn } from './areas/broadcast.en.js';
import { gatesEn } from './areas/gates.en.js';
import { camerasAdminEn } from './areas/cameras-admin.en.js';
import { gateTasksEn } from './areas/gate-tasks.en.js';
import { schedulesEn } from './areas/schedules.en.js';
import { toursEn } from './areas/tours.en.js';
import { playbackEn } from './areas/playback.en.js';
import { cameraSpeakersEn } from './areas/camera-speakers.en.js';
import { ptzFeedbackEn } from './areas/ptz-feedback.en.js';
import { tileAudioEn } from './areas/tile-audio.en.js';
import type { MessageKey } from './zh-CN.js';

/** English. Same keys as zh-CN (the type checker enforces it). */
export const en: Record<MessageKey, string> = {
  ...gatesEn,
  ...districtEn,
  ...playbackEn,
  ...alarmsEn,
  ...sitemapEn,
  ...alarmPagesEn,
  ...visionEn,
  ...visitorsEn,
  ...broadcastEn,
  ...gateTasksEn,
  ...toursEn,
  ...camerasAdminEn,
  ...schedulesEn,
  ...adminEn,
  ...wordsEn,
  ...deployEn,
  ...consoleEn,
  ...cameraSpeakersEn,
  ...ptzFeedbackEn,
  ...tileAudioEn,
  'app.title': 'Community security console',
  'app.language': 'Language',
  'app.logout': 'Log out',
  'app.loading': 'Loading…',
  'app.unreachable': 'The gateway does not answer; trying again…',
  'app.offline': 'Connection to the gateway lost; reconnecting…',
  'login.title': 'Duty officer login',
  'login.name': 'User name',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.failed': 'Wrong user name or password',
  'login.error': 'Could not log in: {message}',
  'role.admin': 'Administrator',
  'role.officer': 'Duty officer',
  'role.viewer': 'Read-only',
  'nav.cameras': 'Cameras',
  'nav.gates': 'Gates',
  'nav.broadcast': 'Broadcast',
  'nav.health': 'Devices',
  'health.title': 'Device status',
  'health.online': 'Online',
  'health.offline': 'Offline',
  'health.unknown': 'Unknown',
  'health.loginRefused': 'Login refused (check user name and password)',
  'health.eventsFailing': 'events failing (motion alarms may not arrive)',
  'health.none': 'No devices',
  'health.kind.cameras': 'Cameras',
  'health.kind.barriers': 'Barriers',
  'health.kind.speakers': 'Speakers',
  'health.gateway': 'Gateway',
  'wall.refused': 'This TV-wall link is not valid or was revoked. Ask an administrator for a new link.',
  'wall.noCameras': 'No cameras to show',
  'wall.page': 'Page {page}/{pages}',
  'error.generic': 'Something went wrong: {message}',
  'cameras.none': 'No cameras',
  'cameras.layout': 'Layout',
  'cameras.layoutN': '{n, plural, one {# view} other {# views}}',
  'cameras.videoOf': 'Live video of {name}',
  'cameras.focus': 'Take {name} into focus',
  'cameras.pick': 'Click a picture to control that camera',
  'ptz.pad': 'Pan and tilt: drag or use the arrow keys; +/- to zoom',
  'ptz.padHelp': 'Hold and drag to turn the camera, release to stop; arrow keys turn, + and - zoom',
  'ptz.zoomIn': 'Zoom in',
  'ptz.zoomOut': 'Zoom out',
  'ptz.speed': 'Speed',
  'ptz.controlledBy': 'Controlled by {name}',
  'ptz.free': 'Nobody controls it',
  'ptz.takeOver': 'Take over',
  'ptz.preempted': '{name} took over control',
  'ptz.viewOnly': 'A read-only account cannot move cameras',
  'presets.title': 'Presets',
  'presets.name': 'New preset name',
  'presets.save': 'Save current position',
  'presets.delete': 'Delete preset {name}',
  'presets.confirmDelete': 'Delete preset "{name}"?',
  'tours.title': 'Patrol tours',
  'tours.none': 'No patrol tours',
  'tours.running': 'Patrolling "{name}": step {step}/{steps} ({preset})',
  'tours.stop': 'Stop the tour',
  'phone.previous': 'Previous camera',
  'phone.next': 'Next camera',
  'phone.choose': 'Choose a camera',
};
