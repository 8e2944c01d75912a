import { z } from 'zod';

/** Visitor passes (src/visitors, docs/visitors.md). */
export const visitorsSchema = z.strictObject({
  /** The longest a pass may be valid (validUntil - validFrom). */
  maxValidityDays: z.number().min(0.01).max(366).default(7),
  /** Quiet time after a registration or revocation before the passes go to the barriers. */
  publishDelayMs: z.number().int().min(0).max(60_000).default(200),
  /** The passes are published again this often, so that expired ones drop out of the barriers' copies. */
  republishMs: z.number().int().min(1000).max(86_400_000).default(3_600_000),
});
export type VisitorsConfig = z.infer<typeof visitorsSchema>;
