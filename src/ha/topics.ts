import { z } from 'zod';
import { binaryPayload, defineTopic, jsonPayload, textPayload } from '../core/mqtt-contract.js';
import type { ContractChapter } from '../mqtt/contract-docs.js';

const countsSchema = z.object({
  /** Granted passages inward today (the site's day, access.utcOffsetMinutes). */
  in: z.number().int().min(0),
  out: z.number().int().min(0),
  denied: z.number().int().min(0),
  /** Start of the day counted (ISO 8601). */
  day: z.string(),
});

/** Today's passages per gate, for Home Assistant sensors (and any integration). */
export const haBarrierCounts = defineTopic({
  name: 'ha.barrier-counts',
  pattern: 'ha/barriers/{gate}/counts',
  direction: 'from-gateway',
  qos: 1,
  retained: true,
  owner: 'home-assistant',
  payload: jsonPayload(countsSchema),
  summary: 'Today\'s granted passages in and out and denied attempts at a gate (retained, on every entry and at midnight); published while `homeAssistant.enabled`.',
  example: { in: 128, out: 120, denied: 3, day: '2026-11-23T16:00:00.000Z' },
});

/** A JPEG of the camera, for Home Assistant's MQTT camera entity. */
export const haCameraImage = defineTopic({
  name: 'ha.camera-image',
  pattern: 'ha/cameras/{id}/image',
  direction: 'from-gateway',
  qos: 0,
  retained: true,
  owner: 'home-assistant',
  mirror: false,
  payload: binaryPayload<Buffer>({ decode: (b) => b, encode: (b) => b, description: 'A JPEG picture (at most 4 MiB, at most 1280 pixels wide).' }),
  summary: 'A snapshot of the camera, taken when it reports motion (at most one per 10 s); published while `homeAssistant.enabled` and `snapshotOnMotion`.',
  example: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
});

/** Home Assistant's cover commands for a barrier. */
export const HA_COVER_COMMANDS = ['OPEN', 'CLOSE'] as const;

export const haBarrierSet = defineTopic({
  name: 'ha.barrier-set',
  pattern: 'ha/barriers/{gate}/set',
  direction: 'to-gateway',
  qos: 1,
  retained: false,
  owner: 'home-assistant',
  payload: textPayload(z.enum(HA_COVER_COMMANDS)),
  summary: "The barrier cover's command from Home Assistant: `OPEN` (for one passage) or `CLOSE`. Carried out only with `homeAssistant.allowControl`, through the gateway's own barrier command (audited as `Home Assistant`, reason `Home Assistant`).",
  example: 'OPEN',
});

const visitorCountsSchema = z.object({
  /** Granted entries with a visitor pass today (the site's day). */
  entries: z.number().int().min(0),
  day: z.string(),
});

export const haVisitorCounts = defineTopic({
  name: 'ha.visitor-counts',
  pattern: 'ha/visitors/counts',
  direction: 'from-gateway',
  qos: 1,
  retained: true,
  owner: 'home-assistant',
  payload: jsonPayload(visitorCountsSchema),
  summary: "Today's granted entries with a visitor pass, all gates together (retained, on every visitor entry and at midnight); published while `homeAssistant.enabled`.",
  example: { entries: 7, day: '2026-11-23T16:00:00.000Z' },
});

export const haTopics = [haBarrierCounts, haCameraImage, haBarrierSet, haVisitorCounts];

export const haChapter: ContractChapter = {
  owner: 'home-assistant',
  title: 'Home Assistant discovery',
  intro: `
With \`homeAssistant.enabled\`, the gateway publishes MQTT discovery configs (retained) under
\`<discoveryPrefix>/<component>/<site>/<object>/config\` (default prefix \`homeassistant\`), as
Zigbee2MQTT and Frigate do, and publishes them again when Home Assistant announces itself
(\`online\` on \`homeassistant/status\`). The entities read the contract's own topics: cameras
(a \`camera\` fed with snapshots on \`ha/cameras/<id>/image\`, PTZ \`button\`s that publish on
\`cameras/<id>/ptz/set\`, a motion \`binary_sensor\` on \`cameras/<id>/motion\`), barriers (a
\`cover\` on \`barriers/<id>/state\`, a last-entry \`sensor\` on \`access/entries/<gate>\`, today's
counts on \`ha/barriers/<gate>/counts\`; with \`homeAssistant.allowControl\` the cover's command topic
is \`ha/barriers/<gate>/set\`), today's visitor entries (\`ha/visitors/counts\`), speakers (a state \`sensor\`). Each entity is available
while both the gateway (\`gateway/state\`) and its device (\`<kind>/<id>/availability\`) are online.
Home Assistant logs in as an \`mqtt.integrations\` entry; it may also use the discovery prefix.
`,
};
