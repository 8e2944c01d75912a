import { z } from 'zod';
import { alarmsConfigSchema } from '../alarms/config.js';
import { broadcastSchema } from './broadcast-schema.js';
import { cameraGroupProblems, cameraGroupsSchema } from './camera-groups-schema.js';
import { httpsSchema } from './https-schema.js';
import { cameraRecordingSchema, recordingSchema } from './recording-schema.js';
import { visitorsSchema } from './visitors-schema.js';
import { visionSchema } from './vision-schema.js';
import { webrtcSchema } from './webrtc-schema.js';

/**
 * The one schema every configuration is validated against at start. Defaults live in
 * config/default.yaml (validated by this same schema in a test); a user's file and
 * environment overrides are merged on top of them.
 */

const port = z.number().int().min(1).max(65535);
const host = z.string().min(1);
const durationMs = z.number().int().min(0);
const identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only (at most 64), starting with a letter or digit');

/** An MQTT packet size limit: at least 1 KiB, at most MQTT's own maximum (256 MiB). */
const packetBytes = z.number().int().min(1024).max(268_435_455);

/** What a person reads for a device, a group or a lane (Chinese allowed); the id is shown where none is given. */
const displayName = z.string().trim().min(1).max(64);

/** A secret may be written inline, or as !env NAME / !file PATH in YAML. */
const secret = z.string().min(1);

export const roleSchema = z.enum(['admin', 'officer', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

export const deviceKindSchema = z.enum(['cameras', 'barriers', 'speakers', 'alarm-buttons', 'door-sensors']);
export type DeviceKind = z.infer<typeof deviceKindSchema>;

/** Either a password (hashed in memory at start) or a scrypt hash made by `community-gateway hash-password`. */
const credential = {
  password: secret.optional(),
  passwordHash: z.string().startsWith('scrypt$', 'a hash made by `community-gateway hash-password`').optional(),
};
const exactlyOneCredential = [
  (v: { password?: string | undefined; passwordHash?: string | undefined }) => (v.password === undefined) !== (v.passwordHash === undefined),
  { message: 'give exactly one of password or passwordHash' },
] as const;

export const mqttDeviceSchema = z
  .strictObject({
    id: identifier.refine((id) => id !== 'group', '"group" is reserved for group topics'),
    kind: deviceKindSchema,
    /** Display name (e.g. 东门车道道闸); the dashboards show the id where none is given. */
    name: displayName.optional(),
    /** A barrier's lanes: lane id -> display name (e.g. { lane-1: 入口 }). */
    lanes: z.record(identifier, displayName).optional(),
    /** Group topics the device may subscribe to, e.g. `all`, `gate-east`. */
    groups: z.array(identifier).default([]),
    ...credential,
  })
  .refine(...exactlyOneCredential);

/** Privileged MQTT clients (home automation, a city-level bridge): full access under the base topic. */
export const mqttIntegrationSchema = z
  .strictObject({
    name: identifier,
    ...credential,
  })
  .refine(...exactlyOneCredential);

export const userSchema = z
  .strictObject({
    name: z.string().min(1).max(64),
    role: roleSchema,
    displayName: z.string().max(64).optional(),
    ...credential,
  })
  .refine(...exactlyOneCredential);

const tlsFiles = z.strictObject({
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  rejectUnauthorized: z.boolean().default(true),
});

export const cameraConfigSchema = z.strictObject({
  id: identifier,
  name: z.string().min(1).max(64),
  /** ONVIF device service address. */
  host,
  port,
  /** Device service path; absent: /onvif/device_service. */
  path: z.string().startsWith('/').optional(),
  username: z.string().min(1).optional(),
  password: secret.optional(),
  location: z.string().max(128).optional(),
  /** The camera's group (area) in the console's camera tree: an id from `cameras.groups`. */
  group: identifier.optional(),
  /** Speakers near this camera, for push-to-talk from its view: speaker ids or `group:<name>`. */
  speakers: z.array(z.string().regex(/^(group:)?[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'a speaker id or group:<name>')).max(32).optional(),
  /** Other hosts this camera's snapshot and RTSP URLs may name (default: only `host`); its password goes to them too. */
  mediaHosts: z.array(host).max(16).optional(),
});

export const camerasSchema = z.strictObject({
  /** Cameras of the installation; more can be added at run time (kept in the database). */
  list: z.array(cameraConfigSchema),
  /** Groups (areas) of the console's camera tree, with display names (camera-groups-schema.ts). */
  groups: cameraGroupsSchema.default([]),
  /** How long one SOAP call may take. */
  requestTimeoutMs: z.number().int().min(200).max(120_000),
  /** How often each camera is asked for its PTZ status (availability and position). */
  pollIntervalMs: z.number().int().min(200).max(600_000),
  reconnect: z.strictObject({ initialMs: z.number().int().min(50), maxMs: z.number().int().min(100) }),
  /** Subscribe to the cameras' PullPoint events (motion, tamper). */
  events: z.boolean(),
  /** PullPoint timings (defaults: lifetime 120 s, long poll 30 s, retry 5 s doubling up to 300 s). */
  eventSubscription: z
    .strictObject({
      terminationMs: z.number().int().min(1000).max(3_600_000),
      pullTimeoutMs: z.number().int().min(100).max(120_000),
      retryMs: z.number().int().min(50),
      maxRetryMs: z.number().int().min(100),
    })
    .partial()
    .optional(),
  /** Hosts every camera's snapshot and RTSP URLs may name besides the camera's own host (e.g. an NVR); the camera's password goes to them too. */
  mediaHosts: z.array(host).max(64).optional(),
  ptz: z.strictObject({
    /** Timeout of every ContinuousMove: the camera stops by itself this long after the last one. */
    moveTimeoutMs: z.number().int().min(200).max(10_000),
    /** A joystick silent this long is released (Stop). */
    deadmanMs: z.number().int().min(100).max(5_000),
    /** A held, unchanged joystick repeats its ContinuousMove this often (before moveTimeoutMs lapses). */
    refreshMs: z.number().int().min(100).max(5_000),
  }),
  lock: z.strictObject({
    /** The control lock lapses after this long without a command. */
    idleMs: z.number().int().min(1_000),
  }),
  tours: z.strictObject({
    /** A tour paused by manual control resumes this long after the lock is released or lapses. */
    resumeAfterIdleMs: z.number().int().min(0),
    /** How often the camera is asked whether it has reached a tour's preset. */
    arrivalPollMs: z.number().int().min(20).max(5_000),
    /** The longest a move to a preset may take before the dwell starts anyway. */
    maxTravelMs: z.number().int().min(500),
  }),
  discovery: z.strictObject({
    /** Where WS-Discovery probes go (host:port); the standard is 239.255.255.250:3702. */
    targets: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port')),
    maxDurationMs: z.number().int().min(100).max(60_000),
  }),
}).superRefine((cameras, ctx) => {
  for (const p of cameraGroupProblems(cameras.groups, cameras.list)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
});

const uplinkSchema = z.strictObject({
  enabled: z.boolean(),
  /** The district's NATS cluster, every node (nats://host:4222 or tls://...). */
  servers: z.array(z.string().regex(/^(nats|tls):\/\/[^\s]+$/, 'a nats:// or tls:// address')),
  /** This site's NATS user (allowed to publish only under site.<site.id>.>). */
  user: z.string().min(1).nullable(),
  password: z.string().min(1).nullable(),
  tls: tlsFiles.nullable(),
  /** Records queued at most; beyond it new records stay local only (counted, logged). */
  maxOutboxRows: z.number().int().min(100),
  /** Warn when the outbox passes these fills (percent of maxOutboxRows). */
  warnAtPercent: z.array(z.number().min(1).max(100)),
  /** Drain rate after an outage, so that local work is not starved. */
  maxPublishPerSecond: z.number().int().min(1).max(100_000),
  /** Publishes awaiting their ack at once. */
  maxInFlight: z.number().int().min(1).max(10_000),
  publishTimeoutMs: z.number().int().min(100).max(120_000),
  /** Also use the node addresses the cluster announces (false: only `servers`, e.g. behind a relay or NAT). */
  discoverServers: z.boolean(),
  /** Speaker groups a notice for "all" plays on (empty: every speaker). */
  noticeGroups: z.array(z.string()),
  /** While connected, the site tells the district it is alive this often (its last contact, without entries). */
  heartbeatMs: z.number().int().min(200).max(600_000).default(15_000),
  /** The outbox is looked at this often when nothing woke the drain (a safety net: a commit or an ack wakes it). */
  pollMs: z.number().int().min(50).max(600_000).default(200),
});

export const configSchema = z.strictObject({
  site: z.strictObject({
    id: identifier,
    name: z.string().min(1),
  }),
  /** Display names of speaker groups (id -> name, e.g. { all: 全部音柱 }); devices carry their own `name`. */
  names: z.strictObject({
    groups: z.record(identifier, displayName),
  }),
  http: z.strictObject({
    host,
    port: z.number().int().min(0).max(65535),
    /** Origins allowed to call the API from another site (CORS); empty: same origin only. */
    corsOrigins: z.array(z.string()),
  }),
  mqtt: z.strictObject({
    baseTopic: z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'topic levels of letters, digits, "-" and "_"'),
    /** External broker (mqtt://, mqtts://, ws://, wss://); null: run the embedded broker. */
    url: z.string().regex(/^(mqtts?|wss?):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL').nullable(),
    username: z.string().nullable(),
    password: secret.nullable(),
    clientId: z.string().min(1).nullable(),
    /** 4 = MQTT 3.1.1 (the embedded broker speaks only this), 5 = MQTT 5 (external brokers). */
    protocolVersion: z.union([z.literal(4), z.literal(5)]),
    tls: tlsFiles.nullable(),
    keepaliveSeconds: z.number().int().min(5).max(3600),
    embedded: z.strictObject({
      host,
      /** 0: any free port (tests); the bound port is logged. */
      port: z.number().int().min(0).max(65535),
      /** MQTT over WebSocket on the gateway's HTTP port at /mqtt. */
      websocket: z.boolean(),
      /** How long a frozen subscriber may hold up delivery before it is disconnected. */
      drainTimeoutMs: durationMs,
      concurrency: z.number().int().min(1),
      queueLimit: z.number().int().min(1),
      maxClientsIdLength: z.number().int().min(23),
      /** A client that has not completed its CONNECT within this long is disconnected. */
      connectTimeoutMs: z.number().int().min(500).max(60_000),
      /** Largest CONNECT packet (bytes); larger: the socket is closed before it is read. */
      maxConnectBytes: z.number().int().min(256).max(65_536),
      /** Connections from one address that have not yet logged in; more are closed at once. */
      maxPendingConnectsPerAddress: z.number().int().min(1).max(10_000),
      /** Largest retained message a device may keep (bytes); devices retain only their contract's retained topics. */
      maxRetainedBytes: z.number().int().min(16).max(1_048_576),
      /** MQTT over TLS (mqtts) on this port with the gateway's HTTPS certificate; null: off. Needs https.mode other than off. */
      tlsPort: z.number().int().min(0).max(65535).nullable(),
    }),
    /** Largest MQTT packet (bytes) each kind of client may send; larger packets are refused before they are read. */
    maxPacketBytes: z.strictObject({
      barriers: packetBytes,
      speakers: packetBytes,
      cameras: packetBytes,
      integrations: packetBytes,
      /** The gateway's own client (allow/deny lists to barriers are its largest messages). */
      gateway: packetBytes,
    }),
    devices: z.array(mqttDeviceSchema),
    integrations: z.array(mqttIntegrationSchema),
  }),
  auth: z.strictObject({
    users: z.array(userSchema),
    /** How long a login token stays valid. */
    sessionTtlHours: z.number().min(0.1).max(24 * 30),
    /** Brute-force protection of the login (docs/configuration.md, "Logins"). */
    login: z.strictObject({
      /** Failed logins for one name within the window before the name is locked. */
      maxFailuresPerUser: z.number().int().min(1).max(1000),
      /** Failed logins from one address within the window before the address is locked. */
      maxFailuresPerAddress: z.number().int().min(1).max(100_000),
      windowSeconds: z.number().int().min(1).max(86_400),
      /** The first lockout; each further one doubles, up to lockoutMaxSeconds. */
      lockoutSeconds: z.number().int().min(1).max(86_400),
      lockoutMaxSeconds: z.number().int().min(1).max(7 * 86_400),
      /** Failed-login entries of the audit log are deleted after this many days. */
      failedLoginRetentionDays: z.number().int().min(1).max(3650),
    }),
  }),
  storage: z.strictObject({
    dataDir: z.string().min(1),
  }),
  log: z.strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** Human-readable lines instead of JSON; null: when stdout is a terminal. */
    pretty: z.boolean().nullable(),
  }),
  access: z.strictObject({
    /** Entries are committed in one transaction per batch: at most this many rows, */
    batchMaxRows: z.number().int().min(1).max(10_000),
    /** or after this long since the first entry of the batch arrived. */
    batchMaxDelayMs: z.number().int().min(0).max(1000),
    /** How long a remote command may take before the officer gets a timeout error. */
    commandTimeoutMs: z.number().int().min(100).max(120_000),
    /** Changes to the allow/deny lists are published to the barriers after this quiet time. */
    listPublishDelayMs: z.number().int().min(0).max(60_000),
    /** Hour and day buckets of the statistics are in this UTC offset (China: 480). */
    utcOffsetMinutes: z.number().int().min(-720).max(840),
    /** CSV exports running at the same time (each holds one read connection). */
    maxConcurrentExports: z.number().int().min(1).max(16),
    /** A barrier clock off by more than this (ms) has its entry times corrected (both times are kept). */
    maxClockSkewMs: z.number().int().min(1000).max(86_400_000),
    /** Reasons an officer picks with one click for a remote open (shown in this order; any may be shorter than 3 characters). */
    quickReasons: z.array(z.string().trim().min(1).max(32)).max(12),
    /** The camera that watches each gate (barrier id -> camera id): shown live beside its open button. */
    gateCameras: z.record(z.string().min(1).max(64), z.string().min(1).max(64)),
    /** Hosts the gateway fetches entry snapshots from (the barriers' own addresses); others are refused. */
    snapshotHosts: z.array(z.string().min(1).max(253)).max(64),
  }),
  ffmpeg: z.strictObject({
    /** Full path to ffmpeg; null: FFMPEG_PATH, then PATH, then the binary shipped in npm. */
    path: z.string().nullable(),
  }),
  cameras: camerasSchema,
  broadcast: broadcastSchema,
  /** Records sent up to the district over NATS JetStream, notices down from it (src/uplink, docs/district.md). */
  uplink: uplinkSchema,
  recording: recordingSchema,
  /** Visitor passes with QR codes the barriers admit until they expire (src/visitors, docs/visitors.md). */
  visitors: visitorsSchema.default(visitorsSchema.parse({})),
  /** Alarms, linkage rules, homes under watch, grids and work orders (src/alarms, docs/alarms.md). */
  alarms: alarmsConfigSchema.default(alarmsConfigSchema.parse({})),
  /** Live video over WebSocket (src/streaming, docs/streaming.md). */
  streaming: z.strictObject({
    /** How long ffmpeg keeps running after the last viewer left (a viewer coming back starts at once). */
    graceMs: durationMs,
    /** No output for this long: ffmpeg is killed and restarted. */
    stallTimeoutMs: z.number().int().min(1000),
    /** Restart delay after a failed run, doubling up to restartMaxMs while runs keep failing. */
    restartMinMs: z.number().int().min(50),
    restartMaxMs: z.number().int().min(50),
    /** How ffmpeg reads the camera's RTSP. */
    rtspTransport: z.enum(['tcp', 'udp']),
    /** Per-viewer send queue; beyond it the viewer skips to the next keyframe. */
    viewerQueueBytes: z.number().int().min(64 * 1024),
    /** A viewer that keeps skipping this long is closed (code 4008). */
    slowViewerCloseMs: z.number().int().min(1000),
    /** Most bytes of the last GOP kept for an instant start. */
    gopCacheBytes: z.number().int().min(0),
    /** How long an MSE player may take to send its codec list. */
    helloTimeoutMs: z.number().int().min(100),
    /** MPEG1 bitrate of the jsmpeg transcode; null: about 0.08 bit per pixel per frame. */
    jsmpegBitrateKbps: z.number().int().min(100).nullable(),
    /** Idle ffmpeg processes kept started (waiting for a camera) so that a cold stream skips ffmpeg's own start; 0: none. */
    spareProcesses: z.number().int().min(0).max(8),
    /** Read the camera's RTCP sender reports (a loopback relay in front of ffmpeg) so recordings carry the camera's capture time. */
    cameraClock: z.boolean().default(true),
  }),
  /** WebRTC output of the cameras' own H.264 (src/streaming/webrtc, docs/streaming.md). */
  webrtc: webrtcSchema,
  /** HTTPS on the HTTP port (src/tls, docs/deployment.md). */
  https: httpsSchema,
  /** Backups of the database, data folder and config (src/backup, docs/deployment.md). */
  backup: z.strictObject({
    /** Where archives go; null: <dataDir>/backups. */
    dir: z.string().min(1).nullable(),
    /** Hours between scheduled backups; 0: only on demand (admin route, CLI). */
    intervalHours: z.number().min(0).max(24 * 31),
    /** Archives kept; the oldest beyond this are deleted. */
    keep: z.number().int().min(1).max(1000),
  }),
  /** Home Assistant MQTT discovery (src/ha, docs/home-assistant.md). */
  homeAssistant: z.strictObject({
    enabled: z.boolean(),
    /** Home Assistant's discovery prefix (its MQTT integration's setting). */
    discoveryPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'one topic level of letters, digits, "-" and "_"'),
    /** Where Home Assistant publishes its birth message (`online`); the configs are published again then. */
    statusTopic: z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'topic levels of letters, digits, "-" and "_"'),
    /** Publish a snapshot for the camera entity when a camera reports motion. */
    snapshotOnMotion: z.boolean(),
    /** Let Home Assistant open and close the barriers through their cover entities (audited as "Home Assistant"). */
    allowControl: z.boolean().default(false),
  }),
  /** Video analysis: person and vehicle detection in zones (src/vision, docs/vision.md). Off by default. */
  vision: visionSchema,
});

/** The configuration as the gateway uses it, after defaults, file and environment are merged. */
export type GatewayConfig = z.infer<typeof configSchema>;
export type CamerasConfig = z.infer<typeof camerasSchema>;
export type CameraConfig = z.infer<typeof cameraConfigSchema>;
export type MqttDeviceConfig = z.infer<typeof mqttDeviceSchema>;
export type UserConfig = z.infer<typeof userSchema>;
export type MqttIntegrationConfig = z.infer<typeof mqttIntegrationSchema>;
export type BroadcastConfig = z.infer<typeof broadcastSchema>;
export { broadcastSchema };
export type UplinkConfig = z.infer<typeof uplinkSchema>;
export type RecordingConfig = z.infer<typeof recordingSchema>;
export type CameraRecordingConfig = z.infer<typeof cameraRecordingSchema>;
