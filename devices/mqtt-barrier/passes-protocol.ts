import { z } from 'zod';
import { defineTopic, jsonPayload } from '../../src/core/mqtt-contract.js';

const OWNER = 'barrier';
const isoTime = z.iso.datetime({ offset: true });

/**
 * A QR credential whose value starts with this is a visitor pass issued by the gateway: the
 * barrier decides it only from its passes (by its own clock), never by its visitor policy.
 */
export const VISITOR_PASS_PREFIX = 'CGV1.';

export const passItemSchema = z.object({
  /** The QR code's text: VISITOR_PASS_PREFIX + 22 random base64url characters (128 bits). */
  value: z.string().min(1).max(256),
  validFrom: isoTime,
  validUntil: isoTime,
  /** The visitor's car, when registered (one spelling: upper case, no spaces or dots): admitted by plate inside the same validity. */
  plate: z.string().min(1).max(16).optional(),
});
export type PassItem = z.infer<typeof passItemSchema>;

export const passesPayloadSchema = z.object({
  /** Increases with every registration and revocation; the barrier reports the version it applied. */
  version: z.number().int().min(0),
  publishedAt: isoTime,
  passes: z.array(passItemSchema),
});
export type PassesPayload = z.infer<typeof passesPayloadSchema>;

export const barrierPasses = defineTopic({
  name: 'barrier.passes',
  pattern: 'barriers/{id}/passes',
  direction: 'from-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(passesPayloadSchema),
  summary: 'Every visitor pass that has not expired or been revoked, with its validity (retained). The barrier stores them and decides a pass by its own clock, also while the gateway is away.',
  details:
    'A QR credential starting with `CGV1.` is a gateway visitor pass. The barrier grants it (reason `visitor pass`) while `validFrom <= now < validUntil`, ' +
    'refuses it before (`pass not yet valid`) and after (`pass expired`), and refuses a `CGV1.` code it does not hold (`unknown pass`: revoked, forged or mistyped). ' +
    'A pass with a `plate` also admits that plate (reason `visitor pass`) inside the same validity, unless the plate is on the deny list. ' +
    'A revoked pass is missing from the next version. Entries with a pass carry it as `credential: {type: "qr", value}` (or the plate).',
  example: {
    version: 12,
    publishedAt: '2026-11-24T00:00:00.000Z',
    passes: [{ value: 'CGV1.q3Zr0uX9bq1mN2fH5kTt8w', validFrom: '2026-11-24T01:00:00.000Z', validUntil: '2026-11-24T10:00:00.000Z', plate: '京B12345' }],
  },
  owner: OWNER,
});

export const passesAppliedPayloadSchema = z.object({
  version: z.number().int().min(0),
  at: isoTime,
  passes: z.number().int().min(0).optional(),
});
export type PassesAppliedPayload = z.infer<typeof passesAppliedPayloadSchema>;

export const barrierPassesApplied = defineTopic({
  name: 'barrier.passes-applied',
  pattern: 'barriers/{id}/passes/applied',
  direction: 'to-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(passesAppliedPayloadSchema),
  summary: 'The visitor pass version the barrier has stored and now decides by (retained), with the number of passes it holds.',
  example: { version: 12, at: '2026-11-24T00:00:00.400Z', passes: 1 },
  owner: OWNER,
});

export const barrierPassTopics = [barrierPasses, barrierPassesApplied] as const;
