/** The vision feature's MQTT topics (docs/mqtt.md is generated from them). */
import { z } from 'zod';
import { defineTopic, jsonPayload } from '../core/mqtt-contract.js';
import type { ContractChapter } from '../mqtt/contract-docs.js';

const OWNER = 'vision';

const perClass = z.record(z.string().max(32), z.number().int().min(0));

export const zoneCountsSchema = z.object({
  cameraId: z.string(),
  zoneId: z.string(),
  zone: z.string(),
  kind: z.string(),
  preset: z.string(),
  /** Objects of the zone's classes inside the zone now, by class (polygon zones; {} for a line). */
  inside: perClass,
  /** The UTC hour the crossing counts belong to (line-crossing zones). */
  hour: z.string(),
  /** Crossings this hour by class, per direction (line-crossing zones; {} otherwise). */
  in: perClass,
  out: perClass,
  at: z.string(),
});
export type ZoneCountsPayload = z.infer<typeof zoneCountsSchema>;

export const zoneCounts = defineTopic({
  name: 'vision.counts',
  pattern: 'vision/counts/{zoneId}',
  direction: 'from-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(zoneCountsSchema),
  summary: 'Per analysed zone: the objects inside it now, and for a counting line the crossings of the current UTC hour by direction and class. Retained; published when a count changes (at most once a second per zone).',
  example: { cameraId: 'cam-gate', zoneId: '7f3c', zone: 'Gate line', kind: 'line-crossing', preset: 'p1', inside: {}, hour: '2026-12-01T08:00Z', in: { person: 14, car: 3 }, out: { person: 9 }, at: '2026-12-01T08:41:07.512Z' },
  owner: OWNER,
});

export const visionTopics = [zoneCounts] as const;

export const visionChapter: ContractChapter = {
  owner: OWNER,
  title: 'Video analysis counts (published by the gateway)',
  intro:
    'With `vision.enabled`, every zone of an analysed camera that is active (camera at the zone\'s preset, zone on, within its schedule) has a retained `vision/counts/<zoneId>` message: how many watched objects are inside now, and for a line-crossing zone the in/out crossings of the current UTC hour (the same numbers as `GET /api/vision/zones/:id/counts`). Events themselves (intrusion, loitering, ...) are camera events and alarms (`alarms/alarm/<id>`).',
};
