/**
 * An error whose message is meant for the person using the gateway (a duty officer or an
 * installer). `status` is the HTTP status to answer with; `code` a stable machine-readable key.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly code = 'bad_request',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export class NotFoundError extends UserError {
  constructor(message: string) {
    super(message, 404, 'not_found');
  }
}

export class ConflictError extends UserError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, 409, 'conflict', details);
  }
}

/** The device does not offer what was asked (e.g. a camera without presets). */
export class NotSupportedError extends UserError {
  constructor(message: string) {
    super(message, 501, 'not_supported');
  }
}

export class DeviceUnavailableError extends UserError {
  constructor(message: string) {
    super(message, 503, 'device_unavailable');
  }
}

export class TimeoutError extends UserError {
  constructor(message: string) {
    super(message, 504, 'timeout');
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
