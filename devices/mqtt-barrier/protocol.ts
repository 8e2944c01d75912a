import { z } from 'zod';
import { defineTopic, deviceAvailabilityTopic, jsonPayload } from '../../src/core/mqtt-contract.js';
import { accessBarrierClock, accessConflictFeed, accessEntryFeed } from './access-feed-protocol.js';
import { credentialSchema, credentialTypeSchema, plateColorSchema } from './credential.js';
import { barrierPassTopics } from './passes-protocol.js';

export * from './access-feed-protocol.js';
export * from './credential.js';

/** MQTT kind level for barriers: topics live under `<base>/barriers/<id>/...`. */
export const BARRIER_KIND = 'barriers';
const OWNER = 'barrier';

export const barrierAvailability = deviceAvailabilityTopic(BARRIER_KIND, OWNER);

const isoTime = z.iso.datetime({ offset: true });

export const BARRIER_STATES = ['closed', 'opening', 'open', 'closing', 'fault'] as const;
export const barrierStateValueSchema = z.enum(BARRIER_STATES);
export type BarrierStateValue = z.infer<typeof barrierStateValueSchema>;

// ---------------------------------------------------------------------------------------------
// Entries and their acknowledgement

export const entryPayloadSchema = z
  .object({
    eventId: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
    timestamp: isoTime,
    direction: z.enum(['in', 'out']),
    lane: z.string().min(1).max(64).optional(),
    credential: credentialSchema,
    result: z.enum(['granted', 'denied']),
    /** Why: required when denied (`deny-list`, `not on allow list`, `expired`...), optional when granted. */
    reason: z.string().min(1).max(256).optional(),
    plateColor: plateColorSchema.optional(),
    vehicleType: z.string().min(1).max(32).optional(),
    /** Where the barrier keeps its snapshot (URL or file name). */
    snapshot: z.string().min(1).max(1024).optional(),
    /** Recognition confidence, 0-100. */
    confidence: z.number().min(0).max(100).optional(),
    /** True when the barrier sends this entry again (replay after reconnect, or no acknowledgement in time). */
    retransmission: z.boolean().optional(),
  })
  .refine((e) => e.result === 'granted' || e.reason !== undefined, { message: 'a denied entry needs a reason', path: ['reason'] });
export type EntryPayload = z.infer<typeof entryPayloadSchema>;

export const barrierEntry = defineTopic({
  name: 'barrier.entry',
  // The committed entry reaches the dashboards as access/entries/<gate>; the raw traffic is not mirrored.
  mirror: false,
  pattern: 'barriers/{id}/entry',
  direction: 'to-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(entryPayloadSchema),
  summary: 'One passage (or refused attempt) at the barrier. The barrier keeps it until `barriers/<id>/ack` names its `eventId`.',
  details:
    '`eventId` is chosen by the barrier and unique per barrier forever (e.g. a UUID, or boot counter + sequence). ' +
    'The gateway stores each `(barrier id, eventId)` once: sending it again is always safe and is answered with the same acknowledgement.',
  example: {
    eventId: 'gate-north-lz3k9-000042',
    timestamp: '2026-11-24T08:01:02.345+08:00',
    direction: 'in',
    lane: 'lane-1',
    credential: { type: 'plate', value: '豫A12345' },
    result: 'granted',
    reason: 'allow-list',
    plateColor: 'blue',
    vehicleType: 'car',
    snapshot: 'snap/2026-11-24/080102-lane1.jpg',
    confidence: 97,
    retransmission: false,
  },
  owner: OWNER,
});

export const vendorEntryPayloadSchema = z.record(z.string(), z.unknown());

export const barrierVendorEntry = defineTopic({
  name: 'barrier.vendor-entry',
  // The committed entry reaches the dashboards as access/entries/<gate>; the raw traffic is not mirrored.
  mirror: false,
  pattern: 'barriers/{id}/vendor/{format}',
  direction: 'to-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(vendorEntryPayloadSchema),
  summary: 'An entry in a vendor\'s own JSON format, mapped by the adapter named `format` (e.g. `hikvision-anpr`). Acknowledged like `entry`.',
  details:
    'Known formats: `hikvision-anpr` (Hikvision ISAPI ANPR alert: `UUID` is the eventId, `dateTime`, `channelName` -> lane, ' +
    '`isDataRetransmission`, and an `ANPR` block with `licensePlate`, `direction` (`forward` = in, `reverse` = out), `plateColor`, ' +
    '`vehicleType`, `confidenceLevel`, `vehicleListName` (`allowList` -> granted, `blockList` -> denied, `otherList` -> denied as not listed) ' +
    'and `pictures`). An unknown format or a payload its adapter refuses is reported on `gateway/errors`.',
  example: {
    ipAddress: '192.168.1.64',
    dateTime: '2026-11-24T08:01:02+08:00',
    channelName: 'lane-1',
    UUID: '6f1c2b9e-2f65-4a1e-9c4d-3f1c0e8a9b10',
    isDataRetransmission: false,
    ANPR: {
      licensePlate: '豫A12345',
      direction: 'forward',
      confidenceLevel: 96,
      plateType: 'local',
      plateColor: 'blue',
      vehicleType: 'vehicle',
      vehicleListName: 'allowList',
      pictures: [{ resourcesContentType: 'url', resourcesContent: 'http://192.168.1.64/pic/1.jpg', fileName: 'licensePlatePicture.jpg' }],
    },
  },
  owner: OWNER,
});

/** Why the gateway refused an entry for good (`rejected[].code`). */
export const REJECT_CODES = ['invalid-payload', 'invalid-event-id', 'invalid-utf8', 'unknown-format', 'event-id-conflict'] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export const ackPayloadSchema = z.object({
  /** Entries now stored (or stored before: a duplicate is acknowledged again). The barrier may forget them. */
  eventIds: z.array(z.string()),
  /** Entries the gateway will never store, with the reason (the barrier stops resending them and keeps them for inspection). */
  rejected: z
    .array(
      z.object({
        /** As the barrier sent it (a number is written as text). */
        eventId: z.string(),
        /** One of REJECT_CODES (a barrier should accept codes it does not know). */
        code: z.string().optional(),
        reason: z.string(),
      }),
    )
    .optional(),
  /** When the gateway's transaction committed. */
  committedAt: isoTime,
});
export type AckPayload = z.infer<typeof ackPayloadSchema>;

export const barrierAck = defineTopic({
  name: 'barrier.ack',
  // The committed entry reaches the dashboards as access/entries/<gate>; the raw traffic is not mirrored.
  mirror: false,
  pattern: 'barriers/{id}/ack',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(ackPayloadSchema),
  summary: 'Application acknowledgement, published after the database transaction holding these entries committed.',
  details:
    '`rejected` lists entries the gateway will never store, each with a `code` and a plain-language `reason`: ' +
    '`invalid-payload` (the entry breaks the contract), `invalid-event-id` (not a string of 1-128 printable ASCII characters; a numeric one is named as text), ' +
    '`invalid-utf8` (the payload is not UTF-8), `unknown-format` (a vendor format the gateway has no adapter for), ' +
    '`event-id-conflict` (this eventId is already stored with other content: the first one is kept, the officer sees both). ' +
    'A barrier stops resending a rejected entry and keeps it for inspection.',
  example: { eventIds: ['gate-north-lz3k9-000041', 'gate-north-lz3k9-000042'], committedAt: '2026-11-24T00:01:02.351Z' },
  owner: OWNER,
});

// ---------------------------------------------------------------------------------------------
// State and commands

export const statePayloadSchema = z.object({
  state: barrierStateValueSchema,
  /** True while held open by `hold-open` until `release`. */
  holdOpen: z.boolean().optional(),
  /** What is wrong, when state is `fault`. */
  fault: z.string().max(256).optional(),
  at: isoTime,
});
export type StatePayload = z.infer<typeof statePayloadSchema>;

export const barrierState = defineTopic({
  name: 'barrier.state',
  pattern: 'barriers/{id}/state',
  direction: 'to-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(statePayloadSchema),
  summary: 'The arm\'s position, published retained on every change (and on connect).',
  example: { state: 'closed', holdOpen: false, at: '2026-11-24T08:01:00.000+08:00' },
  owner: OWNER,
});

export const BARRIER_COMMANDS = ['open', 'close', 'hold-open', 'release'] as const;
export const barrierCommandSchema = z.enum(BARRIER_COMMANDS);
export type BarrierCommand = z.infer<typeof barrierCommandSchema>;

export const commandPayloadSchema = z.object({
  requestId: z.string().min(1).max(64),
  command: barrierCommandSchema,
  lane: z.string().min(1).max(64).optional(),
  /** Who asked and why (shown on the barrier's display, kept in its log). */
  issuedBy: z.string().max(64).optional(),
  reason: z.string().max(256).optional(),
  issuedAt: isoTime,
  /** A barrier ignores a command that arrives after this (it was delayed in a queue). */
  expiresAt: isoTime,
});
export type CommandPayload = z.infer<typeof commandPayloadSchema>;

export const barrierCommand = defineTopic({
  name: 'barrier.command',
  pattern: 'barriers/{id}/command',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(commandPayloadSchema),
  summary: 'Open, close, hold open or release the barrier. Answered on `command/result` with the same `requestId`.',
  example: {
    requestId: 'r-7f3a2c',
    command: 'open',
    issuedBy: 'officer',
    reason: 'delivery truck, plate not readable',
    issuedAt: '2026-11-24T00:01:00.000Z',
    expiresAt: '2026-11-24T00:01:05.000Z',
  },
  owner: OWNER,
});

export const commandResultPayloadSchema = z.object({
  requestId: z.string().min(1).max(64),
  status: z.enum(['ok', 'failed', 'refused']),
  /** The barrier's state after carrying out the command. */
  state: barrierStateValueSchema.optional(),
  error: z.string().max(256).optional(),
  at: isoTime,
});
export type CommandResultPayload = z.infer<typeof commandResultPayloadSchema>;

export const barrierCommandResult = defineTopic({
  name: 'barrier.command-result',
  pattern: 'barriers/{id}/command/result',
  direction: 'to-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(commandResultPayloadSchema),
  summary: 'The outcome of a command: `ok` once the arm reached the commanded position, `failed` (with `error`) or `refused` (expired, unknown lane).',
  example: { requestId: 'r-7f3a2c', status: 'ok', state: 'open', at: '2026-11-24T00:01:00.850Z' },
  owner: OWNER,
});

// ---------------------------------------------------------------------------------------------
// Allow / deny lists

export const listItemSchema = z.object({ type: credentialTypeSchema, value: z.string().min(1).max(256) });
export type ListItem = z.infer<typeof listItemSchema>;

export const listsPayloadSchema = z.object({
  /** Increases with every change; the barrier reports the version it applied. */
  version: z.number().int().min(0),
  publishedAt: isoTime,
  allow: z.array(listItemSchema),
  deny: z.array(listItemSchema),
});
export type ListsPayload = z.infer<typeof listsPayloadSchema>;

export const barrierLists = defineTopic({
  name: 'barrier.lists',
  pattern: 'barriers/{id}/lists',
  direction: 'from-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(listsPayloadSchema),
  summary: 'The complete allow and deny lists (retained). The barrier stores them and decides from them on its own, also while the gateway is away.',
  example: {
    version: 7,
    publishedAt: '2026-11-24T00:00:00.000Z',
    allow: [{ type: 'plate', value: '豫A12345' }, { type: 'card', value: '0012345678' }],
    deny: [{ type: 'plate', value: '豫B66666' }],
  },
  owner: OWNER,
});

export const listsAppliedPayloadSchema = z.object({
  version: z.number().int().min(0),
  at: isoTime,
  allow: z.number().int().min(0).optional(),
  deny: z.number().int().min(0).optional(),
});
export type ListsAppliedPayload = z.infer<typeof listsAppliedPayloadSchema>;

export const barrierListsApplied = defineTopic({
  name: 'barrier.lists-applied',
  pattern: 'barriers/{id}/lists/applied',
  direction: 'to-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(listsAppliedPayloadSchema),
  summary: 'The list version the barrier has stored and now decides by (retained), with the number of items it holds.',
  example: { version: 7, at: '2026-11-24T00:00:00.400Z', allow: 2, deny: 1 },
  owner: OWNER,
});

/** Every topic of the barrier contract. */
export const barrierTopics = [
  barrierAvailability,
  barrierState,
  barrierEntry,
  barrierVendorEntry,
  barrierAck,
  barrierCommand,
  barrierCommandResult,
  barrierLists,
  barrierListsApplied,
  ...barrierPassTopics,
  accessEntryFeed,
  accessConflictFeed,
  accessBarrierClock,
] as const;
