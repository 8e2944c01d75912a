import type { z } from 'zod';
import { UserError } from '../core/errors.js';

/** Validates a request body; a failure is a 400 that names every bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message.replace(/^Invalid input: /, '')}`);
  throw new UserError(`invalid request: ${problems.join('; ')}`, 400, 'invalid_request', { problems });
}
