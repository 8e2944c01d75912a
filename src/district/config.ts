import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const siteId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');
const password = z
  .string()
  .min(10, 'at least 10 characters')
  .refine((p) => new Set(p).size >= 5, 'at least 5 different characters');

/** The district service's own configuration (not the gateway's): its cluster, database, users, sites. */
export const districtConfigSchema = z.strictObject({
  nats: z.strictObject({
    servers: z.array(z.string().regex(/^(nats|tls):\/\/\S+$/)).min(1),
    user: z.string().min(1),
    password: z.string().min(1),
    tls: z.strictObject({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional() }).nullable().default(null),
    /** Replicas of the SITES and NOTICES streams (3 on a 3-node cluster). */
    replicas: z.number().int().min(1).max(5).default(3),
    /**
     * How long the cluster remembers a Nats-Msg-Id (repeats within it are dropped at the stream).
     * It covers a site's resend after a lost ack (seconds); a repeat after it is a no-op in
     * PostgreSQL anyway. Every id in the window is held in each node's memory: at 5,000 records/s
     * an hour would be 18 million ids, two minutes 600,000.
     */
    duplicateWindowMs: z.number().int().min(1000).max(24 * 3600_000).default(120_000),
  }),
  postgres: z.strictObject({ url: z.string().min(1), maxConnections: z.number().int().min(1).max(100).default(8) }),
  http: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8090) }).default({ host: '127.0.0.1', port: 8090 }),
  users: z.array(z.strictObject({ name: z.string().min(1).max(64), password, role: z.enum(['viewer', 'officer', 'admin']), displayName: z.string().max(64).optional() })).min(1),
  sites: z.array(z.strictObject({ id: siteId, name: z.string().min(1).max(64) })).default([]),
  /** Clips an officer uploads for notices: the upload's size, the clip's length, ffmpeg's time to convert it. */
  clips: z
    .strictObject({
      maxUploadMb: z.number().int().min(1).max(50).default(10),
      maxSeconds: z.number().int().min(1).max(600).default(120),
      convertTimeoutMs: z.number().int().min(1000).default(30_000),
    })
    .default({ maxUploadMb: 10, maxSeconds: 120, convertTimeoutMs: 30_000 }),
  /** A site with no contact for this long is shown offline. */
  offlineAfterMs: z.number().int().min(1000).default(90_000),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), pretty: z.boolean().nullable().default(null) }).default({ level: 'info', pretty: null }),
});

export type DistrictConfig = z.infer<typeof districtConfigSchema>;

export class DistrictConfigError extends Error {}

export function parseDistrictConfig(value: unknown): DistrictConfig {
  const parsed = districtConfigSchema.safeParse(value);
  if (!parsed.success) throw new DistrictConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('\n'));
  return parsed.data;
}

export function loadDistrictConfig(file: string): DistrictConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DistrictConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseDistrictConfig(file.endsWith('.json') ? JSON.parse(text) : parse(text));
}
