import { z } from 'zod';

/** How an entry was identified at a barrier, and the plate colours (shared by the barrier's topics and the gateway's access feed). */
export const CREDENTIAL_TYPES = ['plate', 'card', 'qr', 'face', 'remote', 'manual'] as const;
export const credentialTypeSchema = z.enum(CREDENTIAL_TYPES);
export type CredentialType = z.infer<typeof credentialTypeSchema>;

/** Chinese plate colours: blue (ordinary cars), yellow (large vehicles), green (new energy), white (police/military), black (foreign). */
export const PLATE_COLORS = ['blue', 'yellow', 'green', 'yellow-green', 'white', 'black'] as const;
export const plateColorSchema = z.enum(PLATE_COLORS);

export const credentialSchema = z.object({
  type: credentialTypeSchema,
  /** Plate text (`豫A12345`), card number, QR payload, face/person id, command request id (remote), officer name (manual). */
  value: z.string().min(1).max(256),
});
export type Credential = z.infer<typeof credentialSchema>;
