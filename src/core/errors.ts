import { renderMessage, type MessageCode, type MessageParams } from './messages.js';

export type { MessageCode, MessageParams } from './messages.js';

/**
 * An error whose message is meant for the person using the gateway (a duty officer or an
 * installer). `messageCode` and `params` say what happened in a form the dashboards translate
 * (src/core/messages.ts); `message` is its English text. `status` is the HTTP status to answer
 * with; `code` the stable class of the error (`not_found`, `conflict`, `weak_password`, ...).
 */
export class UserError extends Error {
  constructor(
    readonly messageCode: MessageCode,
    readonly params: MessageParams = {},
    readonly status = 400,
    readonly code = 'bad_request',
    readonly details?: Record<string, unknown>,
  ) {
    super(renderMessage(messageCode, params));
    this.name = 'UserError';
  }
}

export class NotFoundError extends UserError {
  constructor(messageCode: MessageCode, params: MessageParams = {}) {
    super(messageCode, params, 404, 'not_found');
  }
}

export class ConflictError extends UserError {
  constructor(messageCode: MessageCode, params: MessageParams = {}, details?: Record<string, unknown>) {
    super(messageCode, params, 409, 'conflict', details);
  }
}

/** The device does not offer what was asked (e.g. a camera without presets). */
export class NotSupportedError extends UserError {
  constructor(messageCode: MessageCode, params: MessageParams = {}) {
    super(messageCode, params, 501, 'not_supported');
  }
}

export class DeviceUnavailableError extends UserError {
  constructor(messageCode: MessageCode, params: MessageParams = {}) {
    super(messageCode, params, 503, 'device_unavailable');
  }
}

export class TimeoutError extends UserError {
  constructor(messageCode: MessageCode, params: MessageParams = {}) {
    super(messageCode, params, 504, 'timeout');
  }
}

/** The JSON answer for an error: the English sentence, its class, and its message code with parameters. */
export function errorBody(err: UserError): { error: string; code: string; messageCode: MessageCode; params: MessageParams; details?: Record<string, unknown> } {
  return { error: err.message, code: err.code, messageCode: err.messageCode, params: err.params, ...(err.details ? { details: err.details } : {}) };
}

/** An error answer that is not thrown (refusals written directly to the response). */
export function messageBody(code: string, messageCode: MessageCode, params: MessageParams = {}): { error: string; code: string; messageCode: MessageCode; params: MessageParams } {
  return { error: renderMessage(messageCode, params), code, messageCode, params };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
