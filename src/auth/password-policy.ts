import { renderMessage, type MessageParams } from '../core/messages.js';

/**
 * What a password must be to be accepted through the API (and what the gateway warns about for
 * passwords in the configuration). Reasons are stable codes the dashboards translate.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
const MIN_DISTINCT_CHARACTERS = 5;

export type PasswordProblem = 'too_short' | 'too_long' | 'too_few_distinct' | 'repetitive' | 'sequence' | 'common';

/** Passwords seen at the top of every leaked-password list (checked case-insensitively). */
const COMMON = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234', 'passw0rd', 'p@ssw0rd', 'p@ssword1',
  '1234567890', '0987654321', '12345678910', '123456789a', 'a123456789', 'a1234567890', 'abc1234567', 'abcd123456',
  'qwertyuiop', 'qwerty1234', 'qwerty123456', '1q2w3e4r5t', '1qaz2wsx3edc', 'qazwsxedc123', 'zxcvbnm123', 'asdfghjkl1',
  'iloveyou12', 'iloveyou123', 'woaini1314', 'woaini520', '5201314520', '1314520520', 'qq123456789', 'aa123456789',
  'admin12345', 'admin123456', 'administrator', 'changeme123', 'welcome123', 'letmein123', 'community1', 'gateway123',
  'sunshine12', 'football12', 'princess12', 'dragon1234', 'monkey1234', 'trustno1234', 'superman12', 'baseball12',
]);

/** The parameters of each problem's message (`password.<problem>` in src/core/messages.ts). */
const PARAMS: Record<PasswordProblem, MessageParams> = {
  too_short: { min: MIN_PASSWORD_LENGTH },
  too_long: { max: MAX_PASSWORD_LENGTH },
  too_few_distinct: { min: MIN_DISTINCT_CHARACTERS },
  repetitive: {},
  sequence: {},
  common: {},
};

function isRepetition(password: string): boolean {
  for (let period = 1; period <= password.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < password.length && repeats; i++) repeats = password[i] === password[i - period];
    if (repeats) return true;
  }
  return false;
}

function isSequence(password: string): boolean {
  const step = password.charCodeAt(1) - password.charCodeAt(0);
  if (Math.abs(step) !== 1) return false;
  for (let i = 2; i < password.length; i++) if (password.charCodeAt(i) - password.charCodeAt(i - 1) !== step) return false;
  return true;
}

/** The first problem of a password, or undefined when it is acceptable. */
export function passwordProblem(password: string): PasswordProblem | undefined {
  const chars = [...password];
  if (chars.length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (chars.length > MAX_PASSWORD_LENGTH) return 'too_long';
  if (COMMON.has(password.toLowerCase())) return 'common';
  if (isRepetition(password)) return 'repetitive';
  if (new Set(chars).size < MIN_DISTINCT_CHARACTERS) return 'too_few_distinct';
  if (isSequence(password)) return 'sequence';
  return undefined;
}

export function passwordProblemParams(problem: PasswordProblem): MessageParams {
  return PARAMS[problem];
}

export function passwordProblemMessage(problem: PasswordProblem): string {
  return renderMessage(`password.${problem}`, PARAMS[problem]);
}
