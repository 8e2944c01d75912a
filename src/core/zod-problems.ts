import type { z } from 'zod';
import { message, renderMessage, type Message, type MessageCode, type MessageParams } from './messages.js';

/** One problem in a request: the field it is in, its message by code, and the English text. */
export interface Problem extends Message {
  readonly field: string;
  readonly text: string;
  /** A problem inside this one (a rule's own problem): the dashboards render it into the `problem` parameter. */
  readonly inner?: Message;
}

/** The word a person reads for what a field should hold (zod's `expected`). */
const EXPECTED: Record<string, string> = { string: 'text', number: 'number', int: 'whole number', boolean: 'yes or no', array: 'list', object: 'object', date: 'date' };

function problem(field: string, code: MessageCode, params: MessageParams = {}): Problem {
  const all = { field, ...params };
  return { field, ...message(code, all), text: renderMessage(code, all) };
}

/**
 * A zod issue as a message code with parameters (field path and kind), so that the dashboards
 * say it in the UI language. `root` names the whole value when the path is empty.
 */
export function describeIssue(issue: z.core.$ZodIssue, root = '(body)'): Problem {
  const field = issue.path.map(String).join('.') || root;
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined$/.test(issue.message)) return problem(field, 'problem.required');
      return problem(field, 'problem.type', { expected: EXPECTED[issue.expected] ?? issue.expected });
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? problem(field, 'problem.empty') : problem(field, 'problem.too-short', { min });
      if (issue.origin === 'array' || issue.origin === 'set') return min <= 1 ? problem(field, 'problem.empty-list') : problem(field, 'problem.too-few', { min });
      return problem(field, issue.inclusive === false ? 'problem.above' : 'problem.too-small', { min });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return problem(field, 'problem.too-long', { max });
      if (issue.origin === 'array' || issue.origin === 'set') return problem(field, 'problem.too-many', { max });
      return problem(field, issue.inclusive === false ? 'problem.below' : 'problem.too-big', { max });
    }
    case 'invalid_value':
      return problem(field, 'problem.one-of', { values: issue.values.map((v) => String(v)).join(', ') });
    case 'invalid_format':
      // A pattern says nothing to a person; the schema's own hint (e.g. "HH:MM (24 h)") does.
      if (issue.format === 'regex') return problem(field, 'problem.pattern', { hint: /^Invalid/.test(issue.message) ? (issue.pattern ?? '') : issue.message });
      return problem(field, 'problem.format', { format: issue.format });
    case 'unrecognized_keys':
      return problem(field, 'problem.unknown-keys', { keys: issue.keys.join(', ') });
    default:
      return problem(field, 'problem.invalid', { reason: issue.message.replace(/^Invalid input: /, '') });
  }
}

/** Every issue of a failed parse (at most `max`), described. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = '(body)', max = 20): Problem[] {
  return issues.slice(0, max).map((i) => describeIssue(i, root));
}
