import { z } from 'zod';
import { defineTopic, jsonPayload } from '../core/mqtt-contract.js';
import type { ContractChapter } from '../mqtt/contract-docs.js';

const OWNER = 'alarms';

/** An alarm as the dashboards and integrations see it (every change is published again). */
export const alarmViewSchema = z.object({
  id: z.number().int(),
  source: z.string(),
  kind: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  status: z.enum(['raised', 'acknowledged', 'closed']),
  location: z.string().nullable(),
  device: z.string().nullable(),
  occurredAt: z.string(),
  cameraId: z.string().nullable(),
  /** Alarms folded into this one (a storm from one source). */
  groupCount: z.number().int(),
  popup: z.boolean(),
  /** How long a wall enlarges the alarm's camera (the popup action's enlargeS). */
  enlargeS: z.number().int().optional(),
  escalationLevel: z.number().int().optional(),
  rules: z.array(z.string()),
});
export type AlarmFeedPayload = z.infer<typeof alarmViewSchema>;

export const alarmFeed = defineTopic({
  name: 'alarms.alarm',
  pattern: 'alarms/alarm/{id}',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(alarmViewSchema),
  summary: 'An alarm was raised or changed (acknowledged, closed, grouped). `popup: true` asks every console and wall to show it.',
  example: {
    id: 42,
    source: 'button',
    kind: 'press',
    severity: 'critical',
    status: 'raised',
    location: 'Building 3 unit 2',
    device: 'btn-b3',
    occurredAt: '2026-12-01T02:00:00.000+08:00',
    cameraId: 'cam-east',
    groupCount: 1,
    popup: true,
    rules: ['button-east'],
  },
  owner: OWNER,
});

export const linkagePublish = defineTopic({
  name: 'alarms.linkage',
  pattern: 'alarms/linkage/{rule}',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(z.object({ rule: z.string(), alarmId: z.number().int(), source: z.string(), kind: z.string(), location: z.string().nullable(), at: z.string(), message: z.string().optional() })),
  summary: 'The `mqtt` action of a linkage rule: one message per alarm the rule fired for.',
  example: { rule: 'button-east', alarmId: 42, source: 'button', kind: 'press', location: 'Building 3 unit 2', at: '2026-12-01T02:00:00.050+08:00', message: 'one-key alarm' },
  owner: OWNER,
});

export const workOrderFeed = defineTopic({
  name: 'alarms.work-order',
  pattern: 'workorders/order/{id}',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(z.object({ id: z.number().int(), status: z.string(), grid: z.string().nullable(), worker: z.string().nullable(), title: z.string(), breached: z.array(z.string()) })),
  summary: 'A work order was created or changed (assigned, accepted, on site, resolved, deadline breached).',
  example: { id: 7, status: 'assigned', grid: 'grid-east', worker: 'wang', title: 'One-key alarm, Building 3 unit 2', breached: [] },
  owner: OWNER,
});

export const alarmTopics = [alarmFeed, linkagePublish, workOrderFeed] as const;

export const alarmsChapter: ContractChapter = {
  owner: OWNER,
  title: 'Alarms and work orders (published by the gateway)',
  intro: `
The gateway publishes every alarm and every change of it on \`alarms/alarm/<id>\`, the \`mqtt\`
action of a linkage rule on \`alarms/linkage/<rule>\`, and every work-order change on
\`workorders/order/<id>\`. Integrations read them; the dashboards get them through \`/api/feed\`.
See docs/alarms.md for the alarm model, linkage rules and the 52022 deadlines.
`,
};
