import { z } from 'zod';

/** The `alarms` section of the configuration (docs/alarms.md). */

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only (at most 64), starting with a letter or digit');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24 h)');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const SOURCES = ['button', 'door', 'camera', 'vision', 'barrier', 'access', 'device', 'manual', 'watch'] as const;
export const SEVERITIES = ['info', 'warning', 'critical'] as const;

export const timeWindowSchema = z.strictObject({ from: hhmm, to: hhmm });

/** Where a device is and which camera sees it. */
export const alarmDeviceSchema = z.strictObject({
  id,
  name: z.string().min(1).max(64).optional(),
  location: z.string().min(1).max(128),
  cameraId: id.optional(),
});

export const homeSchema = z.strictObject({
  id,
  building: z.string().min(1).max(32),
  unit: z.string().min(1).max(32),
  room: z.string().min(1).max(32),
  residents: z.array(z.string().min(1).max(64)).max(20).default([]),
  phone: z.string().max(32).optional(),
  sensors: z.array(id).max(20),
  cameraId: id.optional(),
  watch: z.strictObject({ from: day, to: day }).optional(),
  /** Openings inside these hours are allowed; any other raises a warning. */
  allowedHours: z.array(timeWindowSchema).max(8).default([]),
});

export const gridSchema = z.strictObject({
  id,
  name: z.string().min(1).max(64),
  buildings: z.array(z.string().min(1).max(32)).default([]),
  gates: z.array(id).default([]),
  cameras: z.array(id).default([]),
  devices: z.array(id).default([]),
  /** Who gets a breached deadline (a name, e.g. the community's secretary). */
  supervisor: z.string().min(1).max(64),
  /** The supervisor's gateway login: may record the steps of the grid's orders (as admins may). */
  supervisorUser: z.string().min(1).max(64).optional(),
});

export const workerSchema = z.strictObject({
  id,
  name: z.string().min(1).max(64),
  phone: z.string().max(32).optional(),
  grid: id,
  onDuty: z.boolean().default(true),
  /** The gateway login the worker uses on the phone view. */
  user: z.string().min(1).max(64).optional(),
});

export const alarmsConfigSchema = z.strictObject({
  /** Linkage rules (docs/alarms.md); editable on the page, which then overrides these. */
  rules: z.array(z.unknown()).default([]),
  devices: z.array(alarmDeviceSchema).default([]),
  homes: z.array(homeSchema).default([]),
  grids: z.array(gridSchema).default([]),
  workers: z.array(workerSchema).default([]),
  /** Alarms of the same source (kind + device) within this window are grouped into the first. */
  groupWindowS: z.number().int().min(0).max(3600).default(60),
  /** An alarm not acknowledged within this long escalates (again every escalateAfterS). */
  escalateAfterS: z.number().int().min(5).max(86_400).default(120),
  /** Who is notified at each escalation level. */
  escalationRoles: z.array(z.string().min(1).max(64)).default(['duty supervisor', 'community secretary']),
  /** So many denied entries at one gate within the window raise an alarm. */
  deniedBurst: z.strictObject({ count: z.number().int().min(2).max(1000), withinS: z.number().int().min(1).max(3600) }).default({ count: 5, withinS: 60 }),
  /** Devices offline longer than this raise an alarm (0: at once). */
  offlineGraceS: z.number().int().min(0).max(3600).default(30),
  /** The 52022 deadlines, counted from assignment. */
  deadlines: z
    .strictObject({ onSiteMin: z.number().min(1).max(1440), smallFixMin: z.number().min(1).max(10_080), complexPlanHours: z.number().min(1).max(720) })
    .default({ onSiteMin: 5, smallFixMin: 20, complexPlanHours: 48 }),
  /** Site time zone for watch hours and daily logs (China: 480). */
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),
  webhook: z.strictObject({ timeoutMs: z.number().int().min(100).max(30_000), retries: z.number().int().min(0).max(10), backoffMs: z.number().int().min(10).max(60_000) }).default({ timeoutMs: 3000, retries: 3, backoffMs: 500 }),
  /** Speaker warnings repeat until acknowledged, at most this many times. */
  speakerMaxRepeats: z.number().int().min(1).max(500).default(30),
});
export type AlarmsConfig = z.infer<typeof alarmsConfigSchema>;
export type HomeConfig = z.infer<typeof homeSchema>;
export type GridConfig = z.infer<typeof gridSchema>;
export type WorkerConfig = z.infer<typeof workerSchema>;
