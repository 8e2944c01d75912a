import type { z } from 'zod';
import { UserError } from '../core/errors.js';
import { describeIssues } from '../core/zod-problems.js';

/** Validates a request body; a failure is a 400 that names every bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues, '(body)');
  const problems = issues.map((i) => i.text);
  throw new UserError('request.invalid', { problems: problems.join('; ') }, 400, 'invalid_request', { problems, issues });
}

/** Validates a query string against a route's declared schema; a failure is a 400 that names every bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues, '(query)');
  const problems = issues.map((i) => i.text);
  throw new UserError('query.invalid', { problems: problems.join('; ') }, 400, 'invalid_request', { problems, issues });
}

/** Deepest nesting of objects and arrays a JSON body may have. */
export const MAX_JSON_DEPTH = 16;
/** Largest JSON body a route accepts unless it declares more. */
export const DEFAULT_JSON_LIMIT_BYTES = 64 * 1024;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Throws a 400 when raw JSON text nests deeper than `maxDepth`. It scans the bytes once, without
 * recursion and before the text is parsed, so no depth of nesting can exhaust a stack anywhere.
 */
export function assertJsonDepth(raw: Uint8Array, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) throw new UserError('request.too-deep', { max: maxDepth }, 400, 'body_too_deep');
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
}
