/**
 * Every message the gateway gives a person, by stable code: the English text with `{param}`
 * placeholders. An error answer carries the code (`messageCode`) and its `params` beside the
 * English `error`, so the dashboards render it from their own zh-CN/en catalogs
 * (src/web/i18n/areas/messages.*.ts). docs/api.md lists these codes, and the dashboards' English
 * catalog (messages.en.ts) is written from this list, both by `npm run docs`.
 * Parameters named camera, barrier, speaker, speakers, group, groups hold device ids; the
 * dashboards show their display names.
 */
export const MESSAGES = {
  // Requests
  'request.invalid': 'invalid request: {problems}',
  'request.too-deep': 'the request body nests deeper than {max} levels',
  'request.not-json': 'the request body is not valid JSON',
  'request.too-large': 'the request body is larger than this route accepts ({limit} bytes)',
  'request.bad': 'bad request: {reason}',
  'request.id-invalid': 'id must be a positive integer',
  'request.no-route': 'no API route {method} {path}',
  'query.invalid': 'invalid query: {problems}',
  'query.cursor-invalid': 'cursor: not a cursor this API gave out (use nextCursor from the previous page)',
  'query.range-order': 'from must be before to',
  'query.too-many-buckets': 'at most {max} {bucket}s per request; narrow from/to or use bucket=day',
  'upload.too-large': 'the upload is larger than {mib} MiB',
  internal: 'internal error; see the gateway log',
  'internal.detail': 'internal error: {reason}',
  'audit.unavailable': 'refused: the audit log cannot be written, so nothing was changed (see the gateway log)',
  // Logins, users, wall tokens
  'auth.login-required': 'log in first (no token given)',
  'auth.expired': 'your login has expired or was revoked; log in again',
  'auth.role-needed': 'this needs the {role} role; you are {current}',
  'auth.wall-read-only': 'this needs the {role} role; you are a read-only wall',
  'auth.locked-name': 'too many failed logins for this name; try again in {seconds} s, or ask an admin to unlock it',
  'auth.locked-address': 'too many failed logins from this address; try again in {seconds} s, or ask an admin to unlock it',
  'auth.wrong-login': 'wrong name or password',
  'auth.wall-no-password': 'a wall token has no password',
  'auth.wrong-password': 'the current password is wrong',
  'auth.unlock-none': 'neither that name nor that address has failed logins on record',
  'wall-token.not-found': 'no active wall token {id}',
  'user.not-found': 'no user {user}',
  'user.exists': 'a user named {user} exists already',
  'user.in-config': 'user {user} is defined in the configuration file (auth.users); change it there and restart the gateway',
  'user.password-in-config': "the password of {user} is set in the gateway's configuration file (auth.users); an admin changes it there and restarts the gateway",
  'user.password-in-env': 'the password of {user} is set by {variable}; change it there and restart the gateway',
  'user.last-admin': '{user} is the last admin; make another user admin first',
  'user.self': 'you cannot remove or demote yourself',
  'password.too_short': 'the new password is too short: use at least {min} characters',
  'password.too_long': 'the new password is too long: use at most {max} characters',
  'password.too_few_distinct': 'the new password uses too few different characters: use at least {min}',
  'password.repetitive': 'the new password is one short pattern repeated; choose one that is harder to guess',
  'password.sequence': 'the new password is a simple run of letters or digits (like 0123456789); choose one that is harder to guess',
  'password.common': 'the new password is one of the most common passwords; choose one that is harder to guess',
  // Cameras
  'camera.not-found': 'no camera "{camera}"',
  'camera.exists': 'a camera with id "{camera}" exists',
  'camera.address-taken': 'camera {address} is already added as "{camera}"',
  'camera.in-config': 'camera "{camera}" is defined in the configuration file; remove it there',
  'camera.offline': 'camera "{camera}" is offline',
  'camera.offline-because': 'camera "{camera}" is offline ({reason})',
  'camera.not-connected': 'camera "{camera}" is not connected',
  'camera.no-profile': 'camera "{camera}" has no media profile',
  'camera.discovery-running': 'a discovery is already running',
  'camera.login-refused': 'camera "{camera}" refused the configured user name or password ({operation})',
  'camera.not-supported': 'camera "{camera}" does not support {feature}',
  'camera.operation-unsupported': 'camera "{camera}" does not support {operation}: {reason}',
  'camera.failed': 'camera "{camera}" failed {operation}: {reason}',
  'camera.refused': 'camera "{camera}" refused {operation}: {reason}',
  'camera.timeout': 'camera "{camera}" did not answer {operation} in time',
  'camera.unreachable': 'camera "{camera}" is unreachable ({operation}: {reason})',
  'camera.preset-no-token': 'camera "{camera}" saved the preset but did not say its token',
  'camera.media-url-unreadable': 'camera "{camera}" gave an unreadable {what} URL',
  'camera.media-foreign-host': 'camera "{camera}" gives a {what} URL on another host ({url}); the gateway fetches only from {host} unless mediaHosts allows that host',
  'camera.snapshot-too-large': 'camera "{camera}" sent a snapshot larger than {size}',
  'camera.snapshot-failed': 'camera "{camera}" did not deliver a snapshot: {reason}',
  'camera.snapshot-http': 'camera "{camera}" answered the snapshot request with HTTP {status}',
  'camera.snapshot-not-image': 'camera "{camera}" sent a snapshot that is not an image (JPEG, PNG, GIF, BMP or WebP)',
  'ptz.axis-range': '{axis} must be a number from -1 to 1',
  'lock.takeover-admin-only': 'only an admin may take over control of a camera',
  'lock.held': 'camera "{camera}" is being controlled by {holder} since {since}',
  'preset.name-empty': 'a preset name must not be empty',
  'preset.name-too-long': 'a preset name has at most {max} characters',
  'preset.name-control-chars': 'a preset name must not contain control characters',
  'preset.not-found': 'camera "{camera}" has no preset "{preset}"',
  'preset.duplicate': 'camera "{camera}" already has a preset named "{name}"',
  'preset.used-by-tours': 'preset "{preset}" is used by the tour(s) {tours}; change the tour first',
  'tour.name-invalid': 'a tour name has 1 to {max} characters',
  'tour.not-found': 'camera "{camera}" has no tour "{tour}"',
  'tour.camera-controlled': 'camera "{camera}" is being controlled by {holder}; the tour starts when they release it',
  // Gates
  'barrier.not-found': 'no barrier "{barrier}"',
  'barrier.offline': 'barrier {barrier} is offline; the {command} command was not sent',
  'barrier.timeout': 'barrier {barrier} did not answer the {command} command within {seconds} s (request {request}); check that it is online',
  'barrier.refused': 'barrier {barrier} refused the {command} command: {reason}',
  'barrier.failed': 'barrier {barrier} failed the {command} command: {reason}',
  'entry.not-found': 'no entry {id}',
  'export.busy': '{running} exports are already running; try again when one has finished',
  'list.item-not-found': 'no list item {id}',
  'list.duplicate': '{type} {value} is already on the {list} list (item {id}); change that item instead',
  'list.csv-bad-lines': 'the file has {count} bad line(s); nothing was imported: {problems}',
  'list.csv-empty': 'the file holds no list items (expected lines of list,type,value[,note])',
  'list.csv-media-type': 'send the file as text/csv (or JSON { "csv": "..." })',
  // Broadcast
  'speakers.unknown': 'unknown speaker(s) {speakers} (groups: {known})',
  'groups.unknown': 'no speaker is in group(s) {groups} (groups: {known})',
  'speakers.no-target': 'name at least one speaker or group',
  'speakers.offline': 'no target speaker is online ({speakers})',
  'speakers.busy': 'the speakers are busy with {job} ({kind}, started by {by})',
  'job.not-found': 'no broadcast job {job}',
  'schedule.not-found': 'no schedule {id}',
  'schedule.cron-invalid': 'invalid cron expression "{expression}": {reason}',
  'schedule.cron-invalid-zone': 'invalid cron expression "{expression}" in time zone {zone}: {reason}',
  'tts.text-empty': 'text is empty',
  'tts.text-too-long': 'text is longer than {max} characters',
  'tts.no-voice': 'no TTS voice for language "{language}" (configured: {languages})',
  'tts.no-audio': 'espeak-ng produced no audio for voice {voice}',
  'tts.unavailable': 'espeak-ng could not run ({reason}); install the espeak-ng package or set broadcast.tts.command',
  'tts.failed': 'espeak-ng failed ({exit}): {reason}',
  'clip.name-missing': 'give the clip a name: ?name=...',
  'clip.body-json': 'send the audio file itself as the body (Content-Type audio/wav, audio/mpeg or application/octet-stream)',
  'clip.not-found': 'no clip {clip}',
  'clip.empty': 'the upload is empty: send the audio file as the request body',
  'clip.no-audio': 'the clip holds no audio',
  'clip.bad-audio': 'ffmpeg could not read the upload as audio: {reason}',
  'ffmpeg.unavailable': 'ffmpeg could not run: {reason}',
  'talk.sample-rate': 'sampleRate {rate} is out of range (8000-192000)',
  'talk.format': 'format must be f32 or s16 (got {format})',
  // Recording and playback
  'recording.range-order': 'the end of the range must be after its start',
  'recording.range-too-long': 'an export may cover at most {minutes} minutes',
  'recording.export-busy': 'two exports are already running; try again in a moment',
  'recording.nothing-recorded': 'nothing is recorded for camera "{camera}" in that range',
  'recording.export-not-found': 'no export "{id}"',
  'recording.time-invalid': 'from and to are times: epoch milliseconds or ISO 8601',
  // Administration
  'settings.site-name': 'the site name has 1 to {max} characters',
  // Deployment (HTTPS, backup)
  'backup.not-found': 'no backup named {name}',
  'tls.no-ca': 'this gateway has no certificate authority to download (HTTPS is off, or its certificate came from elsewhere)',
  'tls.no-ca-link': 'this gateway has no certificate authority to download',
  // Alarms and work orders
  'alarm.service-stopped': 'the alarm service is not running',
  'alarm.not-found': 'there is no alarm {alarm}',
  'alarm.already-acknowledged': 'alarm {alarm} was already acknowledged by {by}',
  'alarm.already-closed': 'alarm {alarm} is already closed ({closedAs}) by {by}',
  'alarm-rules.too-long': 'the rules are too long (at most {kib} KiB)',
  'alarm-rules.not-yaml': 'the rules are not valid YAML: {reason}',
  'alarm-rules.invalid': 'the rules are not valid: {problems}',
  'alarm-rules.duplicate-id': 'two rules are called "{rule}"; give each its own id',
  'alarm-rules.not-saved': 'the rules were not saved: {problems}',
  'work-order.not-found': 'there is no work order {order}',
  'work-order.grid-unknown': 'there is no grid "{grid}"',
  'work-order.worker-unknown': 'there is no grid worker "{worker}"',
  'work-order.already-done': 'work order {order} is already {orderStatus}',
  'work-order.wrong-status': 'work order {order} is {orderStatus}; it cannot become {toStatus}',
  'work-order.photo-type': 'the photo must be a JPEG or PNG picture',
  'work-order.photo-size': 'the photo is empty or larger than {mib} MiB',
  'work-order.photo-content': 'the photo is not a {format} picture',
  // Video analytics (vision)
  'vision.hour-invalid': 'from and to are hours written as YYYY-MM-DDTHH:00Z',
  'vision.snapshot-not-found': 'no such snapshot',
  'vision.snapshot-gone': 'the snapshot is not written yet or was removed',
  'vision.camera-not-analysed': 'camera "{camera}" is not analysed',
  'vision.zone-not-found': 'no zone with id "{zone}"',
  // District (issue 19)
  'notice.clip-missing': 'no clip named "{name}" at this site',
  'district.login-required': 'please log in to the district service',
  'district.login-body': 'give a name and a password',
  'district.range-invalid': 'from and to must be ISO times with a zone',
  'district.range-too-long': 'the range must be positive and at most {days} days',
  'district.plate-invalid': 'give a plate ({min}-{max} characters)',
  'district.notice-invalid': 'the notice is not valid: {problems}',
  'district.no-sites': 'no site to send the notice to',
  'district.notice-expired': 'the notice would expire before it is sent',
  'district.notice-expires-first': 'the notice would expire before it plays',
  'district.not-built': 'the dashboards are not built (npm run build:web)',
  'district.internal': 'the district service could not answer; try again',
  // Tasks from the page: gates, tours, devices, schedules
  'entry.no-snapshot': 'entry {id} has no snapshot',
  'snapshot.on-barrier': 'the barrier keeps this snapshot on its own storage ("{reference}"); it has no address the gateway can fetch',
  'snapshot.not-http': 'the snapshot address "{protocol}" is not http(s)',
  'snapshot.host-not-allowed': 'snapshots from {host} are not fetched (add the host to access.snapshotHosts)',
  'snapshot.fetch-failed': 'the snapshot could not be fetched from {host}: {reason}',
  'snapshot.http': 'the barrier answered HTTP {status} for the snapshot',
  'snapshot.too-large': 'the snapshot is larger than {size}',
  'snapshot.not-image': 'the snapshot is not an image',
  'schedule.in-past': '{date} {time} has already passed; choose a later time',
  'schedule.time-missing': 'say when it plays: daily, on weekdays, weekly or once at a time, or a cron expression',
  'camera.in-config-change': 'camera "{camera}" is defined in the configuration file; change it there',
  // Console (issue 15): control lock, saved views
  'lock.held-other-session': 'camera "{camera}" is being controlled by {holder} (another login session) since {since}',
  'views.wall-none': 'a TV wall has no saved views; log in as a person',
  'views.share-admin-only': 'only an admin may save a shared view',
  'views.not-found': 'no saved view "{id}"',
  'views.too-many-shared': 'at most {max} shared views; delete one first',
  'views.too-many-own': 'at most {max} views per user; delete one first',
  'views.delete-shared-admin-only': 'only an admin may delete a shared view',
  'views.not-yours': 'this view belongs to someone else',
  // Words (issue 16): how broadcast jobs end
  'job.reason.stopped-by': 'stopped by {by}',
  'job.reason.busy-with': 'speakers busy with {jobs}',
  'job.reason.preempted': 'preempted by {job} ({kind})',
  'job.reason.native-timeout': 'the speakers did not report the end of native speech',
  'job.reason.speakers-failed': 'every speaker failed: {reason}',
  'job.reason.no-audio': 'no audio for {ms} ms',
  'job.reason.too-long': 'longer than {seconds} s',
  'job.reason.released': 'released by the officer',
  'job.reason.disconnected': 'browser disconnected',
  'job.reason.alarm-acknowledged': 'the alarm was acknowledged',
  'job.reason.gateway-stopped': 'gateway stopped',
  'job.reason.gateway-stopping': 'gateway stopping',
  'job.reason.connection-error': 'connection error',
} as const;

export type MessageCode = keyof typeof MESSAGES;
export type MessageParams = Readonly<Record<string, string | number>>;
/** A message by code, for texts that are not errors (how a job ended, a problem in a request); the dashboards render it. */
export interface Message {
  readonly messageCode: MessageCode;
  readonly params: MessageParams;
}

export function message(messageCode: MessageCode, params: MessageParams = {}): Message {
  return { messageCode, params };
}

/** The English text of a message, its `{param}` placeholders filled. */
export function renderMessage(code: MessageCode, params: MessageParams = {}): string {
  return MESSAGES[code].replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** The parameter names a message's text uses, in order of first use. */
export function messageParamNames(code: MessageCode): string[] {
  return [...new Set([...MESSAGES[code].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))];
}
