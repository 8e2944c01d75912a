import { z } from 'zod';
import { defineTopic, jsonPayload } from '../core/mqtt-contract.js';
import type { ContractChapter } from './contract-docs.js';

export const gatewayStateSchema = z.object({
  state: z.enum(['online', 'offline']),
  siteId: z.string().optional(),
  version: z.string().optional(),
  startedAt: z.string().optional(),
});

export const gatewayState = defineTopic({
  name: 'gateway.state',
  pattern: 'gateway/state',
  direction: 'from-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(gatewayStateSchema),
  summary: 'The gateway itself: `online` (retained) while it runs; its last will sets `offline`.',
  example: { state: 'online', siteId: 'community', version: '0.1.0', startedAt: '2026-11-24T08:00:00.000Z' },
  owner: 'gateway',
});

export const gatewayErrorSchema = z.object({
  topic: z.string(),
  reason: z.string(),
  at: z.string(),
});

export const gatewayErrors = defineTopic({
  name: 'gateway.errors',
  pattern: 'gateway/errors',
  direction: 'from-gateway',
  qos: 0,
  retained: false,
  payload: jsonPayload(gatewayErrorSchema),
  summary: 'Every inbound message the gateway refused, with the reason. Nothing else is affected by a bad message.',
  example: { topic: 'community/barriers/gate-1/entry', reason: 'eventId: expected string, received undefined', at: '2026-11-24T08:00:00.000Z' },
  owner: 'gateway',
});

const transaction = z.union([z.string().max(128), z.number()]);

export const gatewayRequestSchema = z.looseObject({ transaction: transaction.optional() });

export const gatewayRequest = defineTopic({
  name: 'gateway.request',
  pattern: 'gateway/request/{op}',
  direction: 'to-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(gatewayRequestSchema),
  summary: 'Ask the gateway to do something (privileged clients only). The answer comes on `gateway/response/<op>` with the same `transaction`.',
  details: 'Operations: `ping` (answers `{ "pong": true }`), `info` (site, version, uptime), `devices` (every MQTT device and its availability). Later features add their own.',
  example: { transaction: 42 },
  owner: 'gateway',
});

export const gatewayResponseSchema = z.object({
  status: z.enum(['ok', 'error']),
  data: z.unknown().optional(),
  error: z.string().optional(),
  transaction: transaction.optional(),
});

export const gatewayResponse = defineTopic({
  name: 'gateway.response',
  pattern: 'gateway/response/{op}',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(gatewayResponseSchema),
  summary: 'The answer to `gateway/request/<op>`: `status` ok or error, `data` or `error`, and the request\'s `transaction`.',
  example: { status: 'ok', data: { pong: true }, transaction: 42 },
  owner: 'gateway',
});

export const gatewayTopics = [gatewayState, gatewayErrors, gatewayRequest, gatewayResponse] as const;

export const gatewayChapter: ContractChapter = {
  owner: 'gateway',
  title: 'The gateway',
  intro: `
The gateway announces itself on the retained \`gateway/state\` topic (its last will sets it offline).
Every inbound message is validated against this contract; a message that does not fit is not
processed, and the reason is published on \`gateway/errors\`, logged and counted in
\`gateway_mqtt_invalid_messages_total\`. Integrations with privileged credentials may call
operations with \`gateway/request/<op>\` and read the answer on \`gateway/response/<op>\`.
`,
};
