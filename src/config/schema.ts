import { z } from 'zod';

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

/** A secret may be written inline, or as !env NAME / !file PATH in YAML. */
const secret = z.string().min(1);

export const roleSchema = z.enum(['admin', 'officer', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

export const deviceKindSchema = z.enum(['cameras', 'barriers', 'speakers']);
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

export const configSchema = z.strictObject({
  site: z.strictObject({
    id: identifier,
    name: z.string().min(1),
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
      port,
      /** MQTT over WebSocket on the gateway's HTTP port at /mqtt. */
      websocket: z.boolean(),
      /** How long a frozen subscriber may hold up delivery before it is disconnected. */
      drainTimeoutMs: durationMs,
      concurrency: z.number().int().min(1),
      queueLimit: z.number().int().min(1),
      maxClientsIdLength: z.number().int().min(23),
    }),
    devices: z.array(mqttDeviceSchema),
    integrations: z.array(mqttIntegrationSchema),
  }),
  auth: z.strictObject({
    users: z.array(userSchema),
    /** How long a login token stays valid. */
    sessionTtlHours: z.number().min(0.1).max(24 * 30),
  }),
  storage: z.strictObject({
    dataDir: z.string().min(1),
  }),
  log: z.strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** Human-readable lines instead of JSON; null: when stdout is a terminal. */
    pretty: z.boolean().nullable(),
  }),
  ffmpeg: z.strictObject({
    /** Full path to ffmpeg; null: FFMPEG_PATH, then PATH, then the binary shipped in npm. */
    path: z.string().nullable(),
  }),
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
  }),
});

/** The configuration as the gateway uses it, after defaults, file and environment are merged. */
export type GatewayConfig = z.infer<typeof configSchema>;
export type MqttDeviceConfig = z.infer<typeof mqttDeviceSchema>;
export type UserConfig = z.infer<typeof userSchema>;
export type MqttIntegrationConfig = z.infer<typeof mqttIntegrationSchema>;
