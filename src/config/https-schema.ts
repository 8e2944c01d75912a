import { z } from 'zod';

/** HTTPS on the HTTP port (src/tls, docs/deployment.md). */
export const httpsSchema = z.strictObject({
  /** off: plain HTTP; auto: a local CA and a server certificate made (and renewed) by the gateway; files: certFile and keyFile. */
  mode: z.enum(['off', 'auto', 'files']),
  certFile: z.string().min(1).nullable(),
  keyFile: z.string().min(1).nullable(),
  /** Offered for download as the CA to trust (mode files); auto serves its own CA. */
  caFile: z.string().min(1).nullable(),
  /** Names and addresses the generated certificate holds besides the host's own (hostname, its addresses, localhost). */
  names: z.array(z.string().min(1).max(253)).max(64),
  /** Lifetime of a generated server certificate. */
  validityDays: z.number().int().min(2).max(825),
  /** A generated certificate is renewed this long before it expires (or when the host's names change). */
  renewBeforeDays: z.number().int().min(1).max(365),
  /** How often the certificate is checked for renewal. */
  checkIntervalMs: z.number().int().min(1000).max(86_400_000),
  /** Plain HTTP on the same port answers with a redirect to HTTPS (the CA download stays reachable). */
  redirectHttp: z.boolean(),
});
